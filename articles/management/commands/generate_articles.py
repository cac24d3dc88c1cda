"""A large data set for benchmarks: bulk inserts, not one save per row."""

import random
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article, Author, Byline, RelatedLink, Section, Tag

PARAGRAPH = (
    "<p>Les observateurs s'accordent sur un point : rien n'est encore joué. "
    "Plusieurs responsables ont salué une décision attendue depuis des mois. "
    "Sur le terrain, la situation reste contrastée selon les régions.</p>"
)


class Command(BaseCommand):
    help = "Génère beaucoup d'articles (rubriques, auteurs, mots-clés, liens) en masse."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--sections", type=int, default=12)
        parser.add_argument("--authors", type=int, default=200)
        parser.add_argument("--tags", type=int, default=500)
        parser.add_argument("--batch", type=int, default=5_000)
        parser.add_argument(
            "--prefix", default="gen", help="slug prefix of generated rows"
        )

    def handle(self, *args, **options):
        prefix = options["prefix"]
        if Article.objects.filter(slug__startswith=f"{prefix}-").exists():
            raise CommandError(
                f"Des articles « {prefix}-… » existent déjà : choisissez un autre --prefix."
            )
        started = time.monotonic()
        rng = random.Random(1)
        with transaction.atomic():
            sections = Section.objects.bulk_create(
                Section(
                    name=f"Rubrique {i}", slug=f"{prefix}-rubrique-{i}", order=100 + i
                )
                for i in range(options["sections"])
            )
            authors = Author.objects.bulk_create(
                Author(display_name=f"Auteur {i}", slug=f"{prefix}-auteur-{i}")
                for i in range(options["authors"])
            )
            tags = Tag.objects.bulk_create(
                Tag(name=f"Sujet {i}", slug=f"{prefix}-sujet-{i}")
                for i in range(options["tags"])
            )
        if not all(s.pk for s in sections):  # backends without RETURNING
            sections = list(Section.objects.filter(slug__startswith=f"{prefix}-"))
            authors = list(Author.objects.filter(slug__startswith=f"{prefix}-"))
            tags = list(Tag.objects.filter(slug__startswith=f"{prefix}-"))

        total, batch = options["articles"], options["batch"]
        now = timezone.now()
        body = PARAGRAPH * 6
        made = 0
        previous = []
        while made < total:
            size = min(batch, total - made)
            with transaction.atomic():
                articles = Article.objects.bulk_create(
                    Article(
                        title=f"Article généré numéro {made + i}",
                        slug=f"{prefix}-article-{made + i}",
                        standfirst="Un article généré pour mesurer les performances.",
                        body=body,
                        section=sections[(made + i) % len(sections)],
                        status=Article.Status.PUBLISHED,
                        published_at=now - timedelta(minutes=10 * (total - made - i)),
                    )
                    for i in range(size)
                )
                if not all(a.pk for a in articles):
                    articles = list(
                        Article.objects.filter(
                            slug__in=[a.slug for a in articles]
                        ).order_by("pk")
                    )
                Byline.objects.bulk_create(
                    Byline(article=a, author=authors[rng.randrange(len(authors))])
                    for a in articles
                )
                through = Article.tags.through
                through.objects.bulk_create(
                    through(article_id=a.pk, tag_id=tag.pk)
                    for a in articles
                    for tag in rng.sample(tags, min(3, len(tags)))
                )
                pool = previous + articles
                RelatedLink.objects.bulk_create(
                    RelatedLink(article=a, related=r, position=p)
                    for a in articles
                    for p, r in enumerate(
                        {
                            other.pk: other
                            for other in rng.sample(pool, min(6, len(pool)))
                            if other.pk != a.pk
                        }.values()
                    )
                    if p < 5
                )
            previous = articles[-500:]
            made += size
            self.stdout.write(f"{made}/{total} articles", ending="\r")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"{made} articles générés en {time.monotonic() - started:.0f} s."
            )
        )
