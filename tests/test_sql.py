from datetime import timedelta
from unittest import skipUnless

from django.db import connection
from django.test import TestCase, override_settings

from articles.models import Article, Tag
from omag.sql import CompiledQuery
from tests.factories import make_article, make_tag, yesterday

HOUR = timedelta(hours=1)


class CompiledQueryTests(TestCase):
    """A CompiledQuery answers what its queryset answers, for any ids, with
    the ORM's value conversions, in one query and without compiling again."""

    @classmethod
    def setUpTestData(cls):
        cls.tags = [make_tag(name=f"Sujet {n}", slug=f"sujet-{n}") for n in range(3)]
        cls.articles = [
            make_article(slug="a", tags=cls.tags[:2], published_at=yesterday()),
            make_article(slug="b", tags=cls.tags[2:], published_at=yesterday() + HOUR),
            make_article(slug="c", published_at=yesterday() + 2 * HOUR),
        ]

    def test_rows_are_those_of_the_queryset_for_each_id(self):
        def tags_of(article_id):
            return (
                Tag.objects.filter(articles=article_id)
                .order_by("name")
                .values_list("name", "slug")
            )

        query = CompiledQuery(Tag, tags_of)
        for article in self.articles:
            expected = list(tags_of(article.pk))
            with self.subTest(article=article.slug), self.assertNumQueries(1):
                rows = query.rows(article.pk)
            self.assertEqual([tuple(row) for row in rows], expected)
        self.assertEqual(len(query.compiled), 1)

    def test_several_ids_and_converted_columns(self):
        def published(*ids):
            return (
                Article.objects.filter(pk__in=ids)
                .order_by("pk")
                .values_list("slug", "published_at", "lead_image_renditions")
            )

        query = CompiledQuery(Article, published)
        ids = [article.pk for article in self.articles]
        for chosen in (ids, ids[:2], ids[2:]):
            with self.subTest(ids=chosen):
                self.assertEqual(
                    [tuple(row) for row in query.rows(*chosen)],
                    list(published(*chosen)),
                )
        # Aware datetimes and JSON, as the ORM gives them.
        slug, published_at, renditions = query.rows(ids[0])[0]
        self.assertEqual(published_at, self.articles[0].published_at)
        self.assertIsNotNone(published_at.tzinfo)
        self.assertEqual(renditions, self.articles[0].lead_image_renditions)

    def test_each_shape_is_compiled_once(self):
        def first_tags(article_id, *, limit):
            return (
                Tag.objects.filter(articles=article_id)
                .order_by("name")
                .values_list("slug", flat=True)[:limit]
            )

        query = CompiledQuery(Tag, first_tags)
        article = self.articles[0]
        self.assertEqual([r[0] for r in query.rows(article.pk, limit=1)], ["sujet-0"])
        self.assertEqual(len(query.rows(article.pk, limit=5)), 2)
        self.assertEqual(len(query.rows(self.articles[1].pk, limit=1)), 1)
        self.assertEqual(len(query.compiled), 2)

    def test_an_id_that_is_not_a_parameter_is_refused(self):
        query = CompiledQuery(Tag, lambda article_id: Tag.objects.values_list("pk"))
        with self.assertRaisesMessage(ValueError, "Every value must be a parameter"):
            query.rows(self.articles[0].pk)

    def test_a_value_that_changes_between_calls_is_refused(self):
        """Compiled once, a query cannot hold a value that would be frozen."""
        query = CompiledQuery(
            Article,
            lambda article_id: (
                Article.objects.published().filter(pk=article_id).values_list("slug")
            ),
        )
        with self.assertRaisesMessage(ValueError, "Only the values given may change"):
            query.rows(self.articles[0].pk)
        # A constant is compiled in.
        constant = CompiledQuery(
            Tag,
            lambda article_id: Tag.objects.filter(
                articles=article_id, slug="sujet-1"
            ).values_list("slug"),
        )
        self.assertEqual(
            [tuple(row) for row in constant.rows(self.articles[0].pk)], [("sujet-1",)]
        )

    def test_a_moment_given_as_a_value(self):
        """The time is a value like the ids: what was published by then."""
        query = CompiledQuery(
            Article,
            lambda now: (
                Article.objects.published(now=now)
                .order_by("slug")
                .values_list("slug", flat=True)
            ),
        )
        first, second, third = sorted(
            self.articles, key=lambda article: article.published_at
        )
        for moment, expected in (
            (first.published_at - timedelta(seconds=1), []),
            (first.published_at, [first.slug]),
            (third.published_at + timedelta(days=1), ["a", "b", "c"]),
        ):
            with self.subTest(moment=moment):
                self.assertEqual([row[0] for row in query.rows(moment)], expected)
        self.assertEqual(len(query.compiled), 1)

    def test_a_string_given_as_a_value(self):
        query = CompiledQuery(
            Article, lambda slug: Article.objects.filter(slug=slug).values_list("pk")
        )
        for article in self.articles:
            self.assertEqual(
                [tuple(r) for r in query.rows(article.slug)], [(article.pk,)]
            )
        self.assertEqual(query.rows("nothing-here"), [])
        with self.assertRaises(TypeError):
            query.rows(1.5)


@skipUnless(connection.vendor == "postgresql", "prepared statements: PostgreSQL")
class PreparedStatementTests(TestCase):
    """On PostgreSQL a compiled query is prepared once per connection, so that
    PostgreSQL plans it once; Django's own queries are not."""

    def prepared(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [statement for (statement,) in cursor.fetchall()]

    def test_prepared_once_and_run_again(self):
        query = CompiledQuery(
            Article, lambda slug: Article.objects.filter(slug=slug).values_list("pk")
        )
        article = make_article(slug="prepare")
        before = self.prepared()
        for _ in range(3):
            self.assertEqual(
                [tuple(row) for row in query.rows("prepare")], [(article.pk,)]
            )
        self.assertEqual(query.rows("absent"), [])
        new = [statement for statement in self.prepared() if statement not in before]
        self.assertEqual(len(new), 1)
        self.assertIn('"articles_article"."slug" = $1', new[0])
        list(Article.objects.filter(slug="prepare").values_list("pk"))
        self.assertEqual(len(self.prepared()), len(before) + 1)

    @override_settings(DATABASE_PREPARED_STATEMENTS=False)
    def test_not_prepared_when_turned_off(self):
        query = CompiledQuery(
            Article, lambda slug: Article.objects.filter(slug=slug).values_list("pk")
        )
        before = self.prepared()
        for _ in range(3):
            self.assertEqual(query.rows("absent"), [])
        self.assertEqual(self.prepared(), before)
