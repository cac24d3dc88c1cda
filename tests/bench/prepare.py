"""Make a benchmark database ready, skipping what is already there:

- generated articles and comments (about 10 comments each);
- the measured article: a lead image, five related picks and 200 approved
  comments, in the first generated section;
- the cold articles (sample.py), a tenth of them with 200 approved comments;
- with --newsroom, what the newsroom mix needs: a staff account, drafts, and
  pending comments on the most read articles.

With --manifest FILE, writes what run.py requests (paths, primary keys) as JSON.

    DATABASE_URL=postgres://… python tests/bench/prepare.py ARTICLES COMMENTS \
        [--newsroom] [--manifest FILE]
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omag.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from sample import (  # noqa: E402
    HEAVY_REPLIES,
    HEAVY_THREADS,
    cold_slugs,
    heavy_slugs,
)

from articles.demo.content import lead_image  # noqa: E402
from articles.models import Article, Byline, RelatedLink, Section  # noqa: E402
from comments.models import Comment  # noqa: E402
from comments.text import comment_html  # noqa: E402

BENCH_SLUG = "bench-article"
# The newsroom mix: what readers read (the newest generated articles, most
# read first), the drafts editors save, the comments moderators approve.
READ_ARTICLES = 1_000
DRAFTS = 50
PENDING = 100
PENDING_ON = 20  # the most read articles get the pending comments
EDITOR = ("bench-redaction", "bench-redaction-mot-de-passe")
HEAVY_EMAIL = "assidu"  # then the thread's number, @example.org
PENDING_EMAIL = "attente@example.org"
REPLY_TEXT = "Une réponse approuvée."


def thread_text(n: int) -> str:
    return f"Commentaire numéro {n}, approuvé.\n\nAvec un second paragraphe."


def generated(articles: int, comments: int):
    existing = Article.objects.filter(slug__startswith="gen-article-").count()
    if existing < articles:
        if existing:
            sys.exit(
                f"{existing} generated articles, {articles} wanted: drop the "
                "database (dropdb) and run again."
            )
        call_command("generate_articles", articles=articles, prefix="gen")
    # Before this script's own comments, which come after a full generation.
    if Comment.objects.count() < comments:
        call_command(
            "generate_comments",
            comments=comments - Comment.objects.count(),
            articles_like="gen-",
        )


def approved_comments(article_ids, threads: int, replies: int, email_prefix: str):
    """`threads` approved threads and `replies` replies on each article, in two
    bulk inserts for all of them."""
    made = Comment.objects.bulk_create(
        (
            Comment(
                article_id=article_id,
                name=f"Lecteur {n}",
                email=f"{email_prefix}{n}@example.org",
                body=thread_text(n),
                body_html=comment_html(thread_text(n)),
                status=Comment.Status.APPROVED,
            )
            for article_id in article_ids
            for n in range(threads)
        ),
        batch_size=5_000,
    )
    reply_html = comment_html(REPLY_TEXT)
    Comment.objects.bulk_create(
        (
            Comment(
                article_id=parent.article_id,
                parent=parent,
                name="Réponse",
                email="reponse@example.org",
                body=REPLY_TEXT,
                body_html=reply_html,
                status=Comment.Status.APPROVED,
            )
            for start in range(0, len(made), threads)
            for parent in made[start : start + replies]
        ),
        batch_size=5_000,
    )


def bench_article():
    if Article.objects.filter(slug=BENCH_SLUG).exists():
        return
    section = Section.objects.get(slug="gen-rubrique-0")
    article = Article(
        slug=BENCH_SLUG,
        title="Article de référence pour les mesures",
        standfirst="Un article avec 200 commentaires, 5 liens et une image.",
        body="".join(
            f"<p>Paragraphe {n} de l'article de référence, assez long pour "
            "ressembler à un vrai article de magazine en ligne.</p>"
            for n in range(12)
        ),
        section=section,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now(),
        lead_image_alt="Illustration de l'article de référence",
        lead_image_caption="Légende de l'image.",
        lead_image_credit="Ô Magazine",
    )
    image = lead_image(article.title, 7)
    article.lead_image.save(image.name, image, save=False)
    article.save()
    author = Byline.objects.filter(article__section=section).first().author
    Byline.objects.create(article=article, author=author)
    related = Article.objects.filter(slug__startswith="gen-article-").order_by("-pk")[
        :5
    ]
    for position, other in enumerate(related):
        RelatedLink.objects.create(article=article, related=other, position=position)
    approved_comments([article.pk], HEAVY_THREADS, HEAVY_REPLIES, "bench")


def heavy_articles(count: int):
    """200 approved comments on every tenth cold article that has not got them."""
    heavy = set(
        Article.objects.filter(slug__in=heavy_slugs(count)).values_list("pk", flat=True)
    )
    done = set(
        Comment.objects.filter(
            article_id__in=heavy, email__startswith=HEAVY_EMAIL
        ).values_list("article_id", flat=True)
    )
    approved_comments(sorted(heavy - done), HEAVY_THREADS, HEAVY_REPLIES, HEAVY_EMAIL)


def read_articles():
    return list(
        Article.objects.published()
        .filter(slug__startswith="gen-article-")
        .order_by("-published_at", "-pk")
        .only("pk", "slug")[:READ_ARTICLES]
    )


def newsroom(read) -> dict:
    User = get_user_model()
    username, password = EDITOR
    if not User.objects.filter(username=username).exists():
        User.objects.create_superuser(username, f"{username}@example.org", password)

    sections = list(Section.objects.filter(slug__startswith="gen-rubrique-"))
    have = set(
        Article.objects.filter(slug__startswith="bench-draft-").values_list(
            "slug", flat=True
        )
    )
    drafts = Article.objects.bulk_create(
        Article(
            slug=f"bench-draft-{n}",
            title=f"Brouillon en cours numéro {n}",
            standfirst="Un brouillon que la rédaction enregistre pendant les mesures.",
            body="<p>Premier jet du brouillon.</p>" * 6,
            section=sections[n % len(sections)],
            status=Article.Status.DRAFT,
        )
        for n in range(DRAFTS)
        if f"bench-draft-{n}" not in have
    )
    author = Byline.objects.filter(article__slug__startswith="gen-").first().author
    Byline.objects.bulk_create(Byline(article=a, author=author) for a in drafts)

    # Approved during the mix: topped up to PENDING each time.
    pending = Comment.objects.filter(email=PENDING_EMAIL, status=Comment.Status.PENDING)
    missing = PENDING - pending.count()
    if missing > 0:
        text = "Un commentaire en attente de modération."
        Comment.objects.bulk_create(
            Comment(
                article_id=read[n % PENDING_ON].pk,
                name=f"Lecteur en attente {n}",
                email=PENDING_EMAIL,
                body=text,
                body_html=comment_html(text),
                status=Comment.Status.PENDING,
            )
            for n in range(missing)
        )
    return {
        "editor": list(EDITOR),
        "drafts": list(
            Article.objects.filter(
                slug__startswith="bench-draft-", status=Article.Status.DRAFT
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        "pending": [
            [c.pk, c.article.get_absolute_url()]
            for c in pending.select_related("article").order_by("pk")
        ],
        "articles": [{"pk": a.pk, "path": a.get_absolute_url()} for a in read],
        "listings": ["/"]
        + [s.get_absolute_url() for s in Section.objects.order_by("order", "pk")],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("articles", type=int)
    parser.add_argument("comments", type=int)
    parser.add_argument("--newsroom", action="store_true")
    parser.add_argument("--manifest", type=Path)
    args = parser.parse_args()
    generated(args.articles, args.comments)
    bench_article()
    heavy_articles(args.articles)
    cold = Article.objects.in_bulk(cold_slugs(args.articles), field_name="slug")
    manifest = {
        "cold": [cold[slug].get_absolute_url() for slug in cold_slugs(args.articles)],
        "heavy": [cold[slug].get_absolute_url() for slug in heavy_slugs(args.articles)],
    }
    if args.newsroom:
        manifest |= newsroom(read_articles())
    if args.manifest:
        args.manifest.write_text(json.dumps(manifest, indent=1))


if __name__ == "__main__":
    main()
