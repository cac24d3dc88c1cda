from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from articles.models import Article
from tests.factories import (
    make_article,
    make_author,
    make_section,
    make_tag,
    tomorrow,
    yesterday,
)

PARIS = ZoneInfo("Europe/Paris")


class ReaderPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(name="International", slug="international")
        cls.author = make_author(display_name="Claire Dumont", slug="claire-dumont")
        cls.coauthor = make_author(display_name="Mehdi Benali", slug="mehdi-benali")
        cls.tag = make_tag(name="Russie", slug="russie")
        cls.article = make_article(
            title="La Russie retire une partie de ses troupes en Crimée",
            standfirst="Moscou a ordonné le retrait d’une partie de ses troupes.",
            body="<p>Les négociations diplomatiques ont peut-être eu un impact.</p>",
            section=cls.section,
            published_at=datetime(2022, 2, 16, 11, 30, tzinfo=PARIS),
            authors=[cls.author, cls.coauthor],
            tags=[cls.tag],
            image=True,
            lead_image_caption="Des blindés russes.",
            lead_image_credit="Agence",
        )
        cls.draft = make_article(
            section=cls.section, status=Article.Status.DRAFT, authors=[cls.author]
        )
        cls.future = make_article(
            section=cls.section, published_at=tomorrow(), authors=[cls.author]
        )

    def test_home_lists_latest_and_a_block_per_section(self):
        response = self.client.get(reverse("articles:home"))
        self.assertContains(response, self.article.title)
        self.assertContains(
            response, '<h2 id="section-international" class="block-title">'
        )
        self.assertNotContains(response, self.draft.title)
        self.assertNotContains(response, self.future.title)

    def test_section_page(self):
        response = self.client.get(self.section.get_absolute_url())
        self.assertContains(response, '<h1 class="list-title">International</h1>')
        self.assertContains(response, self.article.title)
        self.assertNotContains(response, self.draft.title)

    def test_section_nav_marks_the_current_section(self):
        make_section(name="Arts & <Lettres>", slug="arts", order=32767)
        nav = (
            '<nav class="section-nav" aria-label="Rubriques">\n  <ul>\n'
            '    <li><a href="/rubrique/international/"{}>International</a></li>\n'
            '    <li><a href="/rubrique/arts/">Arts &amp; &lt;Lettres&gt;</a></li>\n'
            "    \n  </ul>\n</nav>\n"
        )
        for url, current in (
            (self.section.get_absolute_url(), ' aria-current="page"'),
            (reverse("articles:home"), ""),
            (self.article.get_absolute_url(), ""),
            (self.author.get_absolute_url(), ""),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, nav.format(current), html=False)
        response = self.client.get("/en/rubrique/arts/")
        self.assertContains(
            response,
            '<a href="/en/rubrique/arts/" aria-current="page">Arts &amp; ',
            html=False,
        )
        self.assertContains(response, 'aria-label="Sections"', html=False)

    def test_article_page_shows_everything_a_reader_expects(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertEqual(response["Content-Language"], "fr")
        self.assertContains(response, '<html lang="fr">')
        self.assertContains(response, "International</a></p>")
        self.assertContains(
            response,
            '<h1 class="article__title">La Russie retire une partie de ses troupes en Crimée</h1>',
            html=False,
        )
        self.assertContains(response, "Moscou a ordonné le retrait")
        self.assertContains(response, "mercredi 16 février 2022")
        self.assertContains(
            response, '<a href="/auteur/claire-dumont/" rel="author">Claire Dumont</a>'
        )
        self.assertContains(
            response, '<a href="/auteur/mehdi-benali/" rel="author">Mehdi Benali</a>'
        )
        self.assertContains(response, " et ")
        self.assertContains(response, "Des blindés russes.")
        self.assertContains(response, "© Agence")
        self.assertContains(response, '<a href="/sujet/russie/">Russie</a>')
        self.assertContains(response, "<p>Les négociations diplomatiques")
        self.assertNotContains(response, "Mis à jour")

    def test_lead_image_has_webp_jpeg_srcset_and_size(self):
        response = self.client.get(self.article.get_absolute_url())
        html = response.content.decode()
        self.assertIn('<source type="image/webp" srcset="/media/renditions/', html)
        self.assertIn(".webp 320w", html)
        self.assertIn(".jpg 1280w", html)
        self.assertIn('width="1280" height="720"', html)
        self.assertIn('alt="Image de l&#x27;article', html)
        self.assertIn('loading="eager"', html)

    def test_update_shown_with_note(self):
        self.article.updated_at = datetime(2022, 2, 17, 9, 5, tzinfo=PARIS)
        self.article.update_note = "Ajout de la réaction de l'OTAN."
        self.article.save()
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(response, "Mis à jour le")
        self.assertContains(response, "jeudi 17 février 2022 à 09h05")
        self.assertContains(response, "Ajout de la réaction de l&#x27;OTAN.")

    def test_author_and_tag_pages(self):
        response = self.client.get(self.author.get_absolute_url())
        self.assertContains(response, "Claire Dumont</h1>")
        self.assertContains(response, self.article.title)
        self.assertNotContains(response, self.draft.title)
        response = self.client.get(self.tag.get_absolute_url())
        self.assertContains(response, "Russie</h1>")
        self.assertContains(response, self.article.title)

    def test_drafts_and_future_articles_answer_404(self):
        """Readers never see an article before it is published."""
        for article in (self.draft, self.future):
            response = self.client.get(article.get_absolute_url())
            self.assertEqual(response.status_code, 404)
            self.assertContains(response, "Page introuvable", status_code=404)

    def test_unknown_subjects_answer_404(self):
        for name in (
            "articles:section",
            "articles:author",
            "articles:tag",
            "articles:detail",
        ):
            response = self.client.get(reverse(name, kwargs={"slug": "inconnu"}))
            self.assertEqual(response.status_code, 404, name)

    def test_english_interface_under_en(self):
        # The request leaves English active in this thread; later reverse() calls
        # must not inherit it.
        self.addCleanup(translation.activate, "fr")
        response = self.client.get("/en" + self.article.get_absolute_url())
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Wednesday 16 February 2022")
        self.assertContains(response, 'href="/article/')

    def test_french_whatever_the_browser_asks(self):
        """The language is in the URL: an English browser still gets / in French."""
        response = self.client.get(
            self.article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-US,en"
        )
        self.assertContains(response, "mercredi 16 février 2022")

    def test_pages_hold_no_per_reader_token(self):
        """Pages are the same for every reader, so they can be cached whole."""
        for url in (
            reverse("articles:home"),
            self.section.get_absolute_url(),
            self.article.get_absolute_url(),
        ):
            response = self.client.get(url)
            self.assertNotContains(response, "csrfmiddlewaretoken")
            self.assertNotIn("csrftoken", response.cookies)
            self.assertNotIn("sessionid", response.cookies)


class PaginationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section()
        cls.articles = [
            make_article(
                section=cls.section, published_at=yesterday() - timedelta(hours=i)
            )
            for i in range(15)
        ]

    @override_settings(ARTICLES_PER_PAGE=12)
    def test_section_newest_first_over_pages(self):
        url = self.section.get_absolute_url()
        first = self.client.get(url)
        self.assertEqual(list(first.context["articles"]), self.articles[:12])
        self.assertContains(first, "Page 1")
        self.assertNotContains(first, 'rel="prev"')
        self.assertContains(first, 'href="?page=2" rel="next"')
        second = self.client.get(url, {"page": 2})
        self.assertEqual(list(second.context["articles"]), self.articles[12:])
        self.assertContains(second, 'href="?page=1" rel="prev"')
        self.assertNotContains(second, 'rel="next"')

    def test_bad_page_numbers_answer_404(self):
        url = self.section.get_absolute_url()
        for page in ("abc", "999999", "-1", "0", "1e9", "last", "3"):
            response = self.client.get(url, {"page": page})
            self.assertEqual(response.status_code, 404, page)


class ErrorPagesTests(TestCase):
    def test_500_page_is_french_and_standalone(self):
        from django.template.loader import render_to_string

        html = render_to_string("500.html")
        self.assertIn('<html lang="fr">', html)
        self.assertIn("Une erreur est survenue", html)


class HomeBlocksTests(TestCase):
    def test_each_section_block_shows_its_four_newest_articles(self):
        """Blocks follow the sections' order; each lists its newest four."""
        first, second, empty = (
            make_section(order=1),
            make_section(order=2),
            make_section(order=3),
        )
        expected = {}
        for section in (first, second):
            articles = [
                make_article(
                    section=section, published_at=yesterday() - timedelta(hours=h)
                )
                for h in range(6)
            ]
            make_article(section=section, status=Article.Status.DRAFT)
            expected[section] = articles[:4]
        response = self.client.get(reverse("articles:home"))
        blocks = response.context["sections"]
        self.assertEqual([section for section, _ in blocks], [first, second])
        for section, articles in blocks:
            self.assertEqual(articles, expected[section])
        self.assertNotIn(empty, [section for section, _ in blocks])

    def test_latest_may_all_come_from_one_section(self):
        """The newest seven articles of all head the page even when one section
        has them all; its block still shows its newest four only."""
        busy, quiet = make_section(order=1), make_section(order=2)
        old = [
            make_article(section=quiet, published_at=yesterday() - timedelta(days=d))
            for d in range(1, 6)
        ]
        new = [
            make_article(section=busy, published_at=yesterday() - timedelta(hours=h))
            for h in range(9)
        ]
        response = self.client.get(reverse("articles:home"))
        self.assertEqual(list(response.context["latest"]), new[:7])
        self.assertEqual(
            response.context["sections"], [(busy, new[:4]), (quiet, old[:4])]
        )


class TeaserTests(TestCase):
    def test_teasers_show_what_the_date_filter_and_reverse_give(self):
        """Dates, URLs and bylines computed once per teaser read as Django's
        date filter and reverse() write them, in both languages and seasons."""
        section = make_section(slug="monde")
        authors = [make_author(slug=f"auteur-{n}") for n in range(3)]
        winter = make_article(
            section=section,
            slug="hiver",
            published_at=datetime(2022, 2, 16, 11, 30, tzinfo=PARIS),
            authors=authors,
        )
        summer = make_article(
            section=section,
            slug="ete",
            published_at=datetime(2022, 7, 14, 8, 5, tzinfo=PARIS),
            authors=authors[:1],
        )
        for language in ("fr", "en"):
            with translation.override(language):
                home = self.client.get(reverse("articles:home"))
                for article in (winter, summer):
                    rendered = Template(
                        "{{ a.published_at|date:'Y-m-d\\TH:i:sO' }}|"
                        "{{ a.published_at|date:'j F Y' }}"
                    ).render(Context({"a": article}))
                    moment, day = rendered.split("|")
                    self.assertContains(
                        home, f'<time datetime="{moment}">{day}</time>', count=2
                    )
                    self.assertContains(home, f'href="{article.get_absolute_url()}"')
                for author in authors:
                    self.assertContains(home, f'href="{author.get_absolute_url()}"')
                self.assertContains(home, f'href="{section.get_absolute_url()}"')
        self.assertContains(home, "+0100")
        self.assertContains(home, "+0200")


@override_settings(PAGE_CACHE_ENABLED=False)
class SharedFragmentsTests(TestCase):
    """The language links and the consent dialog, on every reader page."""

    def test_language_links_follow_the_page(self):
        section = make_section(slug="monde")
        article = make_article(section=section, slug="un-article")
        for path, english in (
            (reverse("articles:home"), "/en/"),
            (section.get_absolute_url(), "/en/rubrique/monde/"),
            (article.get_absolute_url(), "/en/article/un-article/"),
        ):
            with self.subTest(path=path):
                self.assertContains(
                    self.client.get(path),
                    f'<a href="{english}" hreflang="en" lang="en">English</a>',
                )
        self.assertContains(
            self.client.get("/en/article/un-article/"),
            '<a href="/article/un-article/" hreflang="fr" lang="fr">Français</a>',
        )

    def test_consent_dialog_in_each_language(self):
        french = self.client.get(reverse("articles:home"))
        english = self.client.get("/en/")
        self.assertContains(french, "Tout accepter")
        self.assertContains(english, "Accept all")
        self.assertNotContains(english, "Tout accepter")


class UpdateDateLanguageTests(TestCase):
    def test_update_time_written_per_language(self):
        article = make_article(
            published_at=datetime(2022, 2, 16, 11, 30, tzinfo=PARIS),
            updated_at=datetime(2022, 2, 17, 9, 5, tzinfo=PARIS),
            update_note="Ajout d'une réaction.",
        )
        french = self.client.get(article.get_absolute_url())
        self.assertContains(french, "Mis à jour le")
        self.assertContains(french, "jeudi 17 février 2022 à 09h05</time> — Ajout")
        english = self.client.get("/en" + article.get_absolute_url())
        self.assertContains(english, "Thursday 17 February 2022, 09:05</time> — Ajout")
