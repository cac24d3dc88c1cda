"""Change lists and the dashboard run a fixed number of queries, however many
rows (several authors, tags and transitions per article so an N+1 shows)."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from articles import workflow
from articles.models import Article
from tests.editorial.helpers import PASSWORD, make_user
from tests.factories import make_article, make_author, make_section, make_tag, tomorrow

Status = Article.Status


class ChangelistQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("Éditeur")
        cls.journalist = make_user("Journaliste")
        sections = [make_section() for _ in range(3)]
        authors = [make_author() for _ in range(4)]
        tags = [make_tag() for _ in range(3)]
        cls.articles = []
        for n in range(30):
            article = make_article(
                section=sections[n % 3],
                authors=authors[n % 4 : n % 4 + 2],
                tags=tags,
                modified_by=cls.editor,
                status=[Status.DRAFT, Status.REVIEW, Status.PUBLISHED][n % 3],
                created_by=cls.journalist,
            )
            cls.articles.append(article)
        for article in cls.articles[:15:3]:
            workflow.article_submit(article=article, user=cls.editor)
        later = make_article(status=Status.REVIEW, published_at=None)
        workflow.article_schedule(article=later, user=cls.editor, at=tomorrow())

    def setUp(self):
        self.client.login(username=self.editor.username, password=PASSWORD)

    # (url, queries) — session, user, permissions, then the page's own.
    PAGES = [
        ("/admin/articles/article/", 14),
        ("/admin/articles/article/?etat=scheduled", 14),
        ("/admin/articles/article/?q=Article", 14),
        ("/admin/articles/section/", 7),
        ("/admin/articles/author/", 7),
        ("/admin/articles/tag/", 7),
        ("/admin/articles/articletransition/", 9),
        ("/admin/", 8),
    ]

    def test_query_counts_are_pinned(self):
        for url, queries in self.PAGES:
            with self.subTest(url=url), self.assertNumQueries(queries):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)

    def test_more_rows_cost_no_more_queries(self):
        """Doubling the rows, authors and transitions leaves every count as is."""
        counts = {}
        for url, _ in self.PAGES:
            with CaptureQueriesContext(connection) as ctx:
                self.client.get(url)
            counts[url] = len(ctx)
        authors = [make_author() for _ in range(3)]
        for _ in range(30):
            article = make_article(
                status=Status.DRAFT, published_at=None, authors=authors,
                created_by=self.journalist,
            )  # fmt: skip
            workflow.article_submit(article=article, user=self.editor)
        for url, _ in self.PAGES:
            with self.subTest(url=url), self.assertNumQueries(counts[url]):
                self.client.get(url)

    def test_changelist_shows_state_and_signatures(self):
        response = self.client.get("/admin/articles/article/")
        self.assertContains(response, "Programmé pour le")
        self.assertContains(response, "En relecture")
        self.assertContains(
            response, self.articles[0].authors_in_order()[0].display_name
        )

    def test_dashboard_panels(self):
        self.client.login(username=self.journalist.username, password=PASSWORD)
        response = self.client.get("/admin/")
        self.assertContains(response, "En attente de relecture")
        self.assertContains(response, "Programmés (1)")
        self.assertContains(response, "Mes brouillons (5)")
