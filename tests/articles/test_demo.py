from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils.html import escape

from articles.demo import seed_article
from articles.models import Article, Author, RelatedLink, Section

SEED_FILE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "omag-article.txt"


class DemoContentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", stdout=StringIO())
        cls.seed = Article.objects.get(title=seed_article.TITLE)

    def test_seed_article_as_in_the_seed_file(self):
        """Title, section, date, every paragraph and the inline related link."""
        seed = self.seed
        self.assertEqual(seed.section.name, "International")
        self.assertEqual(seed.published_at.date().isoformat(), "2022-02-16")
        self.assertTrue(seed.is_published())
        self.assertEqual(seed.standfirst, seed_article.STANDFIRST)
        for paragraph in (
            *seed_article.PARAGRAPHS_BEFORE_LINK,
            *seed_article.PARAGRAPHS_AFTER_SUBHEADING,
        ):
            self.assertIn(f"<p>{escape(paragraph)}</p>", seed.body)
        self.assertIn(f"<h2>{escape(seed_article.SUBHEADING)}</h2>", seed.body)
        scholz = Article.objects.get(title=seed_article.RELATED_TITLE)
        self.assertTrue(scholz.is_published())
        self.assertIn(f'<a href="{scholz.get_absolute_url()}">', seed.body)
        self.assertTrue(
            RelatedLink.objects.filter(article=seed, related=scholz).exists()
        )
        self.assertTrue(seed.lead_image_renditions["items"])
        self.assertTrue(seed.lead_image_alt)

    def test_seed_texts_match_the_shared_seed_file(self):
        """The demo module is a verbatim copy of the seed page's texts."""
        if not SEED_FILE.exists():
            self.skipTest(f"{SEED_FILE} is not beside this checkout")
        text = SEED_FILE.read_text(encoding="utf-8")
        for piece in (
            seed_article.TITLE,
            seed_article.STANDFIRST,
            seed_article.RELATED_TITLE,
            seed_article.SUBHEADING,
            *seed_article.PARAGRAPHS_BEFORE_LINK,
            *seed_article.PARAGRAPHS_AFTER_SUBHEADING,
        ):
            self.assertIn(piece, text)

    def test_seed_article_page(self):
        response = self.client.get(self.seed.get_absolute_url())
        self.assertContains(response, "mercredi 16 février 2022")
        self.assertContains(response, "À lire également")
        self.assertContains(response, "En visite à Kiev, Olaf Scholz")

    def test_enough_varied_content(self):
        """At least 40 more articles over 6 sections, several authors, images."""
        published = Article.objects.published()
        self.assertGreaterEqual(published.count(), 42)
        self.assertGreaterEqual(
            Section.objects.filter(articles__in=published).distinct().count(), 6
        )
        self.assertGreaterEqual(Author.objects.count(), 5)
        self.assertEqual(published.filter(lead_image="").count(), 0)
        self.assertGreater(RelatedLink.objects.count(), 10)
        self.assertGreater(published.filter(tags__isnull=False).distinct().count(), 40)
        self.assertTrue(Article.objects.exclude(status="published").exists())

    def test_loading_twice_changes_nothing(self):
        counts = [
            model.objects.count() for model in (Article, Section, Author, RelatedLink)
        ]
        out = StringIO()
        call_command("load_demo", stdout=out)
        self.assertIn("créés 0 rubriques, 0 auteurs", out.getvalue())
        self.assertEqual(
            counts,
            [
                model.objects.count()
                for model in (Article, Section, Author, RelatedLink)
            ],
        )

    def test_demo_users_have_roles(self):
        from django.contrib.auth.models import User

        for username, group in [
            ("journaliste", "Journaliste"),
            ("editeur", "Éditeur"),
            ("moderateur", "Modérateur"),
        ]:
            user = User.objects.get(username=username)
            self.assertTrue(user.is_staff)
            self.assertTrue(user.groups.filter(name=group).exists())
        self.assertEqual(
            User.objects.get(username="journaliste").author.display_name,
            "Claire Dumont",
        )


class DemoAccountsCommandTests(TestCase):
    @override_settings(DEBUG=True)
    def test_passwords_printed_in_debug(self):
        out = StringIO()
        call_command("demo_accounts", stdout=out)
        self.assertIn("journaliste / journaliste-demo", out.getvalue())

    @override_settings(DEBUG=False)
    def test_passwords_hidden_without_debug(self):
        out = StringIO()
        call_command("demo_accounts", stdout=out)
        self.assertNotIn("journaliste-demo", out.getvalue())
