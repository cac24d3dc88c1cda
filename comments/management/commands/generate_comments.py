"""Many comments on existing articles, for benchmarks: bulk inserts."""

import random
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from articles.models import Article
from comments.models import Comment
from comments.text import comment_html

THREAD_TEXT = "Un commentaire généré pour mesurer les performances."
REPLY_TEXT = "Une réponse générée."
STATUSES = [Comment.Status.APPROVED] * 8 + [
    Comment.Status.PENDING,
    Comment.Status.REJECTED,
]


class Command(BaseCommand):
    help = "Génère des commentaires en masse sur les articles publiés."

    def add_arguments(self, parser):
        parser.add_argument("--comments", type=int, default=1_000_000)
        parser.add_argument("--batch", type=int, default=10_000)
        parser.add_argument(
            "--articles-like", default="", help="only articles whose slug starts so"
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        rng = random.Random(2)
        articles = Article.objects.published()
        if options["articles_like"]:
            articles = articles.filter(slug__startswith=options["articles_like"])
        article_ids = list(articles.values_list("pk", flat=True))
        if not article_ids:
            self.stderr.write("Aucun article publié : rien à commenter.")
            return
        total, batch, made = options["comments"], options["batch"], 0
        # bulk_create skips save(): the HTML is made here, once per text.
        thread_html, reply_html = comment_html(THREAD_TEXT), comment_html(REPLY_TEXT)
        while made < total:
            size = min(batch, total - made)
            with transaction.atomic():
                threads = Comment.objects.bulk_create(
                    Comment(
                        article_id=article_ids[(made + i) % len(article_ids)],
                        name=f"Lecteur {made + i}",
                        email=f"lecteur{(made + i) % 5000}@example.org",
                        body=THREAD_TEXT,
                        body_html=thread_html,
                        status=rng.choice(STATUSES),
                    )
                    for i in range(size - size // 10)
                )
                if connection.features.can_return_rows_from_bulk_insert:
                    Comment.objects.bulk_create(
                        Comment(
                            article_id=parent.article_id,
                            parent=parent,
                            name="Réponse",
                            email="reponse@example.org",
                            body=REPLY_TEXT,
                            body_html=reply_html,
                            status=Comment.Status.APPROVED,
                        )
                        for parent in rng.sample(threads, size // 10)
                    )
            made += size
            self.stdout.write(f"{made}/{total} commentaires", ending="\r")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE comments_comment")
        self.stdout.write(
            self.style.SUCCESS(
                f"{made} commentaires générés en {time.monotonic() - started:.0f} s."
            )
        )
