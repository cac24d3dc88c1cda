"""Every reader page runs a fixed number of SQL queries, whatever the number of
articles, authors, tags and related links. Budgets (anonymous reader, page
rendered):

- home: 3 (sections, also shown by the section nav; the latest and the
  latest per section; their bylines)
- author, tag page: 4 (subject, page, bylines, section nav; no COUNT: see
  articles/pagination.py)
- section page: 3 (the sections, for the nav and the subject among them;
  page, bylines)
- article page: 8 (article+section, bylines, tags, related picks,
  corrections, top-up, section nav, comments' counts; two more when there
  are comments, whatever their number: see tests/comments)

and 0 when the page comes from the page cache. When the scheduled
publications are unknown to the page cache (its deadline: after the cache
was emptied), the first request asks for the next one.
"""

from django.test import TestCase
from django.urls import reverse

from tests.factories import make_article, make_author, make_section, make_tag

BUDGETS = {"home": 3, "section": 3, "list": 4, "article": 8}


class QueryBudgetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.sections = [make_section() for _ in range(4)]
        cls.authors = [make_author() for _ in range(5)]
        cls.tags = [make_tag() for _ in range(5)]
        cls.articles = cls.grow([], 12)

    @classmethod
    def grow(cls, articles, count):
        """Add articles with several authors, tags, related links and images."""
        for i in range(count):
            n = len(articles)
            articles.append(
                make_article(
                    section=cls.sections[n % len(cls.sections)],
                    authors=cls.authors[n % 3 : n % 3 + 3],
                    tags=cls.tags[n % 2 : n % 2 + 3],
                    related=articles[-2:],
                    image=i < 2,
                )
            )
        return articles

    def assert_pages_within_budget(self):
        article = self.articles[-1]
        pages = [
            ("home", reverse("articles:home")),
            ("section", self.sections[0].get_absolute_url()),
            ("list", self.authors[1].get_absolute_url()),
            ("list", self.tags[1].get_absolute_url()),
            ("article", article.get_absolute_url()),
        ]
        for kind, url in pages:
            with self.subTest(url=url), self.assertNumQueries(BUDGETS[kind]):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)

    def test_budgets(self):
        self.assert_pages_within_budget()

    def test_budgets_do_not_grow_with_content(self):
        """Three times more of everything: the same number of queries."""
        self.articles = self.grow(list(self.articles), 24)
        for article in self.articles[-6:]:
            for author in self.authors:
                article.bylines.get_or_create(author=author)
        self.assert_pages_within_budget()
