"""Make a benchmark database ready: generated articles and comments (once),
and the measured article: a lead image, five related picks and 200 approved
comments, in the first generated section.

    DATABASE_URL=postgres://… python tests/bench/prepare.py ARTICLES COMMENTS
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omag.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.demo.content import lead_image  # noqa: E402
from articles.models import Article, Byline, RelatedLink, Section  # noqa: E402
from comments.models import Comment  # noqa: E402
from comments.text import comment_html  # noqa: E402

BENCH_SLUG = "bench-article"


def thread_text(n: int) -> str:
    return f"Commentaire numéro {n}, approuvé.\n\nAvec un second paragraphe."


def main(articles: int, comments: int):
    generated = Article.objects.filter(slug__startswith="gen-article-").count()
    if generated < articles:
        if generated:
            sys.exit(
                f"{generated} generated articles, {articles} wanted: drop the "
                "database (dropdb) and run again."
            )
        call_command("generate_articles", articles=articles, prefix="gen")
    if Comment.objects.count() < comments:
        call_command(
            "generate_comments",
            comments=comments - Comment.objects.count(),
            articles_like="gen-",
        )
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
    threads = Comment.objects.bulk_create(
        Comment(
            article=article,
            name=f"Lecteur {n}",
            email=f"bench{n}@example.org",
            body=thread_text(n),
            body_html=comment_html(thread_text(n)),
            status=Comment.Status.APPROVED,
        )
        for n in range(150)
    )
    Comment.objects.bulk_create(
        Comment(
            article=article,
            parent=threads[n],
            name="Réponse",
            email="reponse@example.org",
            body="Une réponse approuvée.",
            body_html=comment_html("Une réponse approuvée."),
            status=Comment.Status.APPROVED,
        )
        for n in range(50)
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
