"""The English interface under /en/ reads in English; the French pages at /
are untouched by the catalogues."""

import re
from pathlib import Path

from cookie_consent.models import Cookie, CookieGroup
from django.test import TestCase
from django.utils import translation

from tests.factories import make_article, make_author

# Labels of base.html (header, footer, banner) that must never show in French
# on an English page.
FRENCH_CHROME = (
    "Aller au contenu",
    "Rechercher dans les articles",
    ">Rechercher<",
    "Gérer les cookies",
    'aria-label="Rubriques"',
    'aria-label="Langue"',
    "Tout accepter",
    "Tout refuser",
    "Paramètres individuels",
    "Vos choix en matière de cookies",
)
ENGLISH_CHROME = (
    '<html lang="en">',
    "Skip to content",
    "Search the articles",
    ">Search<",
    "Manage cookies",
    'aria-label="Sections"',
    'aria-label="Language"',
    "Accept all",
    "Refuse all",
    "Individual settings",
    "Your cookie choices",
)


class TranslatedPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.other = make_article(title="Le second article")
        cls.article = make_article(
            title="Le premier article",
            authors=[
                make_author(display_name="Claire Dumont"),
                make_author(display_name="Paul Martin"),
            ],
            related=[cls.other],
        )

    def setUp(self):
        # A request under /en/ leaves English active in this thread.
        self.addCleanup(translation.activate, "fr")

    def get(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content.decode()

    def assert_english(self, url, *labels):
        html = self.get(url)
        for text in ENGLISH_CHROME + labels:
            self.assertIn(text, html, url)
        for text in FRENCH_CHROME:
            self.assertNotIn(text, html, url)
        return html

    def test_home(self):
        self.assert_english("/en/", "Front page")

    def test_article(self):
        html = self.assert_english(
            "/en" + self.article.get_absolute_url(),
            "Published on",
            "min read",
            "By <",
            "Claire Dumont</a> and <a",
            "Read also",
            "No comments yet.",
            "Leave a comment",
            "Post comment",
        )
        for french in ("Publié le", "min de lecture", "À lire également", "Par <"):
            self.assertNotIn(french, html)

    def test_search(self):
        html = self.assert_english(
            "/en/recherche/?q=x", "Search: x", "No articles match “x”.", "A few tips"
        )
        self.assertNotIn("Aucun article ne correspond", html)

    def test_search_form_error(self):
        response = self.client.get("/en/recherche/?q=" + "x" * 300)
        self.assertContains(response, "Your search is too long", status_code=400)

    def test_cookie_page(self):
        html = self.assert_english(
            "/en/cookies/",
            "Cookie settings",
            "Essential",
            "Always active",
            "Accept “Audience measurement”",
            "Accept “External media”",
            "Keeps you signed in.",
            "2 weeks",
            "Save selection",
        )
        self.assertNotIn("Essentiels", html)
        self.assertNotIn("2 semaines", html)

    def test_not_found(self):
        response = self.client.get("/en/article/inconnu/")
        self.assertContains(response, "Page not found", status_code=404)

    def test_french_pages_unchanged(self):
        article = self.get(self.article.get_absolute_url())
        for text in (
            '<html lang="fr">',
            "Publié le",
            "min de lecture",
            "Par <",
            "Claire Dumont</a> et <a",
            "À lire également",
            "Aller au contenu",
            "Gérer les cookies",
            "Tout refuser",
        ):
            self.assertIn(text, article)
        for english in ("Published on", "Read also", "Manage cookies"):
            self.assertNotIn(english, article)
        self.assertIn("À la une", self.get("/"))
        self.assertIn("Aucun article ne correspond", self.get("/recherche/?q=x"))
        cookies = self.get("/cookies/")
        self.assertIn("Essentiels", cookies)
        self.assertIn("Accepter « Mesure d&#x27;audience »", cookies)


class SeededCookieTextsTests(TestCase):
    """The cookie page translates the stored group and cookie texts at render
    time: every seeded one needs an English entry in the catalogue."""

    def test_every_seeded_text_has_an_english_translation(self):
        texts = set()
        for group in CookieGroup.objects.all():
            texts |= {group.name, group.description}
        for cookie in Cookie.objects.select_related("details"):
            texts |= {cookie.description, cookie.details.lifetime}
        texts.discard("session")  # the same word in English
        self.assertGreater(len(texts), 10)
        with translation.override("en"):
            untranslated = sorted(t for t in texts if translation.gettext(t) == t)
        self.assertEqual(untranslated, [])


class CataloguesTests(TestCase):
    """Every English entry is translated and none is a fuzzy guess (which
    gettext ignores): a string added in French must not reach /en/ as is."""

    def test_no_entry_is_empty_or_fuzzy(self):
        root = Path(__file__).resolve().parents[1]
        catalogues = sorted(root.glob("*/locale/en/LC_MESSAGES/django.po")) + [
            root / "locale/en/LC_MESSAGES/django.po"
        ]
        self.assertGreaterEqual(len(catalogues), 2)
        for path in catalogues:
            entries = path.read_text(encoding="utf-8").split("\n\n")
            with self.subTest(catalogue=str(path.relative_to(root))):
                fuzzy = [e for e in entries if "#, fuzzy" in e]
                empty = [
                    e
                    for e in entries[1:]  # the header has an empty msgid
                    if not e.lstrip().startswith("#~")
                    and re.search(r'^msgstr(\[\d+\])? ""\Z', e.strip(), re.M)
                    and not re.search(r'^msgstr(\[\d+\])? ""\n"', e, re.M)
                ]
                self.assertEqual(fuzzy, [])
                self.assertEqual(empty, [])
