import html
import json
import re
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse, set_script_prefix
from django.utils import translation
from django.utils.dateparse import parse_datetime
from PIL import Image

from articles.models import Article
from articles.templatetags.seo import feed_urls, french_path, french_url, iso
from tests.factories import make_article, make_author, make_section, make_tag, now

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def meta(response, attribute, name):
    """Content of <meta {attribute}="{name}">, or None."""
    page = response.content.decode()
    found = re.search(
        rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page
    )
    return html.unescape(found.group(1)) if found else None


def structured_data(response):
    return [json.loads(block) for block in JSON_LD.findall(response.content.decode())]


@override_settings(PAGE_CACHE_ENABLED=False)
class ArticleMetadataTests(TestCase):
    def setUp(self):
        """Per test, not setUpTestData: the image files go to each test's own
        media folder."""
        # A request under /en/ leaves English active in this thread.
        translation.activate(settings.LANGUAGE_CODE)
        self.section = make_section(name="International", slug="international")
        self.authors = [
            make_author(display_name="Claire Dumont", slug="claire-dumont"),
            make_author(display_name="Paul Martin", slug="paul-martin"),
        ]
        self.article = make_article(
            title="La Russie retire une partie de ses troupes en Crimée",
            slug="retrait-crimee",
            standfirst="Moscou annonce un retrait « partiel ».",
            body="<p>" + "mot " * 700 + "</p>",
            section=self.section,
            authors=self.authors,
            tags=[make_tag(name="Russie"), make_tag(name="Ukraine")],
            image=True,
            published_at=now() - timedelta(hours=6),
            updated_at=now() - timedelta(hours=1),
            update_note="Une erreur de date a été corrigée.",
        )
        self.url = self.article.get_absolute_url()

    def test_description_is_the_standfirst_unless_overridden(self):
        response = self.client.get(self.url)
        self.assertEqual(
            meta(response, "name", "description"),
            "Moscou annonce un retrait « partiel ».",
        )
        self.article.meta_description = "Le retrait des troupes russes, expliqué."
        self.article.save()
        response = self.client.get(self.url)
        self.assertEqual(
            meta(response, "name", "description"),
            "Le retrait des troupes russes, expliqué.",
        )
        self.assertEqual(
            meta(response, "property", "og:description"),
            "Le retrait des troupes russes, expliqué.",
        )

    def test_description_follows_the_standfirst(self):
        """Descriptions are remembered per text: a new standfirst shows."""
        self.article.standfirst = "Kyiv <em>salue</em> un   geste."
        self.article.save()
        response = self.client.get(self.url)
        self.assertEqual(meta(response, "name", "description"), "Kyiv salue un geste.")
        (data,) = structured_data(response)
        self.assertEqual(data["description"], "Kyiv salue un geste.")

    def test_headline_follows_the_title(self):
        self.article.title = "Un titre bien trop long " * 6
        self.article.save()
        (data,) = structured_data(self.client.get(self.url))
        self.assertEqual(len(data["headline"]), 110)
        self.assertTrue(data["headline"].startswith("Un titre bien trop long"))
        self.assertTrue(data["headline"].endswith("…"))
        self.article.title = "Un titre court"
        self.article.save()
        (data,) = structured_data(self.client.get(self.url))
        self.assertEqual(data["headline"], "Un titre court")

    def test_canonical_url_is_the_french_page(self):
        expected = f'<link rel="canonical" href="http://testserver{self.url}">'
        self.assertContains(self.client.get(self.url + "?utm_source=x"), expected)
        self.assertContains(self.client.get("/en" + self.url), expected)

    def test_open_graph_and_twitter_card(self):
        response = self.client.get(self.url)
        self.assertEqual(meta(response, "property", "og:type"), "article")
        self.assertEqual(meta(response, "property", "og:title"), self.article.title)
        self.assertEqual(
            meta(response, "property", "og:url"), f"http://testserver{self.url}"
        )
        self.assertEqual(meta(response, "property", "og:image:width"), "1200")
        self.assertEqual(meta(response, "property", "og:image:height"), "630")
        self.assertEqual(
            meta(response, "property", "og:image:alt"), self.article.lead_image_alt
        )
        self.assertEqual(meta(response, "property", "article:section"), "International")
        self.assertEqual(meta(response, "name", "twitter:card"), "summary_large_image")
        image_url = meta(response, "property", "og:image")
        self.assertEqual(meta(response, "name", "twitter:image"), image_url)
        self.assertTrue(image_url.startswith("http://testserver/media/renditions/"))

    @override_settings(PAGE_CACHE_ENABLED=False)
    def test_social_card_follows_each_value_it_shows(self):
        """The card is rendered once per set of values: whichever of them
        changes, the card shows the change."""
        article = self.article

        def card(url=self.url):
            response = self.client.get(url)
            return lambda attribute, name: meta(response, attribute, name)

        def tags():
            page = self.client.get(self.url).content.decode()
            return re.findall(r'<meta property="article:tag" content="([^"]*)">', page)

        self.assertEqual(card()("property", "og:title"), article.title)
        article.title = "Un autre titre"
        article.save()
        self.assertEqual(card()("property", "og:title"), "Un autre titre")
        self.assertEqual(card()("name", "twitter:title"), "Un autre titre")

        article.meta_description = "Une autre description."
        article.save()
        self.assertEqual(card()("property", "og:description"), article.meta_description)
        self.assertEqual(
            card()("name", "twitter:description"), article.meta_description
        )

        article.lead_image_alt = "Un autre texte de l'image"
        article.save()
        self.assertEqual(card()("property", "og:image:alt"), article.lead_image_alt)
        self.assertEqual(card()("name", "twitter:image:alt"), article.lead_image_alt)

        renditions = dict(article.lead_image_renditions)
        renditions["social"] = {"jpg": "renditions/autre.jpg", "w": 1000, "h": 500}
        Article.objects.filter(pk=article.pk).update(lead_image_renditions=renditions)
        found = card()
        self.assertEqual(
            found("property", "og:image"),
            "http://testserver/media/renditions/autre.jpg",
        )
        self.assertEqual(found("property", "og:image:width"), "1000")
        self.assertEqual(found("property", "og:image:height"), "500")
        self.assertEqual(found("name", "twitter:image"), found("property", "og:image"))

        published = parse_datetime("2026-01-10T08:00:00+00:00")
        Article.objects.filter(pk=article.pk).update(published_at=published)
        self.assertEqual(
            parse_datetime(card()("property", "article:published_time")), published
        )
        modified = now().replace(microsecond=0) + timedelta(minutes=5)
        Article.objects.filter(pk=article.pk).update(modified_at=modified)
        self.assertEqual(
            parse_datetime(card()("property", "article:modified_time")), modified
        )

        self.section.name = "Monde"
        self.section.save()
        self.assertEqual(card()("property", "article:section"), "Monde")

        self.assertEqual(tags(), ["Russie", "Ukraine"])
        tag = article.tags.get(name="Russie")
        tag.name = "Kremlin"
        tag.save()
        self.assertEqual(tags(), ["Kremlin", "Ukraine"])
        article.tags.add(make_tag(name="Crimée"))
        self.assertEqual(tags(), ["Crimée", "Kremlin", "Ukraine"])

        self.assertEqual(
            card(self.url + "?page=2")("property", "og:url"),
            f"http://testserver{self.url}?page=2",
        )
        Article.objects.filter(pk=article.pk).update(lead_image_renditions={})
        found = card()
        self.assertIsNone(found("property", "og:image"))
        self.assertEqual(found("name", "twitter:card"), "summary")

    def test_social_rendition_is_1200_by_630_and_made_once(self):
        """Made on save, stored with the other renditions, never remade while
        the image is the same."""
        social = self.article.lead_image_renditions["social"]
        self.assertEqual((social["w"], social["h"]), (1200, 630))
        with default_storage.open(social["jpg"]) as f, Image.open(f) as image:
            self.assertEqual(image.size, (1200, 630))
        self.article.title = "Nouveau titre"
        self.article.save()
        self.assertEqual(self.article.lead_image_renditions["social"], social)

    def test_older_renditions_get_a_social_card_on_save(self):
        renditions = dict(self.article.lead_image_renditions)
        del renditions["social"]
        Article.objects.filter(pk=self.article.pk).update(
            lead_image_renditions=renditions
        )
        article = Article.objects.get(pk=self.article.pk)
        article.save()
        article.refresh_from_db()
        self.assertEqual(article.lead_image_renditions["social"]["w"], 1200)

    def test_no_image_means_a_small_card(self):
        article = make_article(title="Sans image")
        response = self.client.get(article.get_absolute_url())
        self.assertEqual(meta(response, "name", "twitter:card"), "summary")
        self.assertIsNone(meta(response, "property", "og:image"))
        self.assertNotIn("image", structured_data(response)[0])

    def test_news_article_json_ld(self):
        """NewsArticle with headline, dates, authors in byline order, section,
        image, publisher and the correction."""
        response = self.client.get(self.url)
        (data,) = structured_data(response)
        article = self.article
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(data["@type"], "NewsArticle")
        self.assertEqual(data["headline"], article.title)
        self.assertEqual(data["url"], f"http://testserver{self.url}")
        self.assertEqual(data["mainEntityOfPage"]["@id"], data["url"])
        self.assertEqual(
            parse_datetime(data["datePublished"]),
            article.published_at.replace(microsecond=0),
        )
        self.assertEqual(
            parse_datetime(data["dateModified"]),
            article.last_modified().replace(microsecond=0),
        )
        self.assertEqual(
            data["author"],
            [
                {
                    "@type": "Person",
                    "name": "Claire Dumont",
                    "url": "http://testserver/auteur/claire-dumont/",
                },
                {
                    "@type": "Person",
                    "name": "Paul Martin",
                    "url": "http://testserver/auteur/paul-martin/",
                },
            ],
        )
        self.assertEqual(data["articleSection"], "International")
        self.assertEqual(data["keywords"], ["Russie", "Ukraine"])
        self.assertEqual(data["image"][0], meta(response, "property", "og:image"))
        self.assertEqual(data["publisher"]["name"], "Ô Magazine")
        self.assertEqual(data["publisher"]["@type"], "NewsMediaOrganization")
        self.assertEqual(data["wordCount"], 700)
        self.assertEqual(data["inLanguage"], "fr")
        self.assertEqual(
            data["correction"][0]["text"], "Une erreur de date a été corrigée."
        )
        self.assertEqual(
            parse_datetime(data["correction"][0]["datePublished"]),
            article.updated_at.replace(microsecond=0),
        )

    def test_no_correction_without_an_update_note(self):
        article = make_article()
        (data,) = structured_data(self.client.get(article.get_absolute_url()))
        self.assertNotIn("correction", data)

    def test_json_ld_cannot_be_closed_by_article_text(self):
        title = "Un titre </script><script>alert(1)</script> & <!-- piège"
        article = make_article(title=title)
        response = self.client.get(article.get_absolute_url())
        self.assertNotIn("<script>alert(1)", response.content.decode())
        (data,) = structured_data(response)
        self.assertEqual(data["headline"], title)

    def test_reading_time(self):
        """700 words at 230 a minute: 4 minutes; a short text: 1 minute."""
        self.assertContains(
            self.client.get(self.url),
            '<span class="reading-time">4 min de lecture</span>',
            html=True,
        )
        short = make_article(body="<p>Trois petits mots.</p>")
        self.assertContains(
            self.client.get(short.get_absolute_url()), "1 min de lecture"
        )

    def test_word_count_follows_the_body(self):
        """A new body is counted anew, in the structured data and the reading
        time."""
        (data,) = structured_data(self.client.get(self.url))
        self.assertEqual(data["wordCount"], 700)
        self.article.body = "<p>" + "mot " * 1000 + "</p>"
        self.article.save()
        response = self.client.get(self.url)
        (data,) = structured_data(response)
        self.assertEqual(data["wordCount"], 1000)
        self.assertContains(response, "5 min de lecture")

    def test_json_ld_author_url_follows_the_slug(self):
        author = self.authors[0]
        author.slug = "claire-dumont-2"
        author.save()
        (data,) = structured_data(self.client.get(self.url))
        self.assertEqual(
            data["author"][0]["url"], "http://testserver/auteur/claire-dumont-2/"
        )

    # The page cache keys pages by path alone: these renders must not be kept.
    @override_settings(
        ALLOWED_HOSTS=["testserver", "omag.example"], PAGE_CACHE_ENABLED=False
    )
    def test_absolute_urls_follow_the_host(self):
        """The origin is worked out per page, the absolute URLs remembered per
        origin: another host, or https, gives other URLs."""
        response = self.client.get(self.url, headers={"host": "omag.example"})
        (data,) = structured_data(response)
        self.assertEqual(data["url"], f"http://omag.example{self.url}")
        self.assertEqual(
            data["author"][0]["url"], "http://omag.example/auteur/claire-dumont/"
        )
        self.assertEqual(data["publisher"]["url"], "http://omag.example/")
        self.assertTrue(
            meta(response, "property", "og:image").startswith("http://omag.example/")
        )
        self.assertContains(
            response,
            'href="http://omag.example/flux/rss/"',
        )
        response = self.client.get(self.url, secure=True)
        (data,) = structured_data(response)
        self.assertEqual(data["url"], f"https://testserver{self.url}")
        self.assertEqual(data["publisher"]["url"], "https://testserver/")

    def test_article_page_query_count(self):
        """Metadata reads what the page already fetched: no extra query beyond
        the article page's budget (tests/articles/test_query_counts.py)."""
        with self.assertNumQueries(8):
            self.client.get(self.url)


class ListingMetadataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(
            name="Culture", slug="culture", description="Livres, films, expositions."
        )
        for _n in range(14):
            make_article(section=cls.section)

    def test_home(self):
        response = self.client.get(reverse("articles:home"))
        self.assertEqual(meta(response, "property", "og:type"), "website")
        self.assertEqual(meta(response, "property", "og:title"), "Ô Magazine")
        self.assertTrue(meta(response, "name", "description"))
        self.assertContains(
            response, '<link rel="canonical" href="http://testserver/">'
        )
        (data,) = structured_data(response)
        self.assertEqual(data["@type"], "WebSite")
        self.assertEqual(
            data["potentialAction"]["target"],
            "http://testserver/recherche/?q={search_term_string}",
        )

    @override_settings(PAGE_CACHE_ENABLED=False)
    def test_social_card_of_a_listing_follows_its_values(self):
        url = self.section.get_absolute_url()
        response = self.client.get(url)
        self.assertEqual(meta(response, "property", "og:locale"), "fr_FR")
        self.assertEqual(meta(response, "property", "og:type"), "website")
        self.section.name = "Arts"
        self.section.description = "Peinture, sculpture."
        self.section.save()
        response = self.client.get(url)
        self.assertEqual(meta(response, "property", "og:title"), "Arts")
        self.assertEqual(
            meta(response, "property", "og:description"), "Peinture, sculpture."
        )
        response = self.client.get("/en" + url)
        self.assertEqual(meta(response, "property", "og:locale"), "en_GB")
        self.assertEqual(
            meta(response, "property", "og:url"), f"http://testserver{url}"
        )
        author = make_author(display_name="Claire Dumont", bio="Reporter.")
        response = self.client.get(author.get_absolute_url())
        self.assertEqual(meta(response, "property", "og:type"), "profile")
        self.assertEqual(meta(response, "property", "og:title"), "Claire Dumont")
        self.assertEqual(meta(response, "property", "og:description"), "Reporter.")

    def test_section(self):
        response = self.client.get(self.section.get_absolute_url())
        self.assertEqual(
            meta(response, "name", "description"), "Livres, films, expositions."
        )
        self.assertEqual(meta(response, "property", "og:title"), "Culture")
        self.assertEqual(
            meta(response, "property", "og:description"), "Livres, films, expositions."
        )

    def test_paginated_section_is_its_own_canonical(self):
        response = self.client.get(self.section.get_absolute_url() + "?page=2")
        self.assertContains(
            response,
            '<link rel="canonical" href="http://testserver/rubrique/culture/?page=2">',
        )
        response = self.client.get(self.section.get_absolute_url() + "?page=1")
        self.assertContains(
            response,
            '<link rel="canonical" href="http://testserver/rubrique/culture/">',
        )


class FrenchURLTests(TestCase):
    """The French paths that metadata shows, from any language and script
    prefix."""

    def tearDown(self):
        translation.activate(settings.LANGUAGE_CODE)
        set_script_prefix("/")

    def test_french_path_of_each_path(self):
        self.assertEqual(french_path("/rubrique/culture/"), "/rubrique/culture/")
        self.assertEqual(french_path("/rubrique/monde/"), "/rubrique/monde/")

    def test_french_path_depends_on_the_active_language(self):
        """/en/… resolves only while English is active (its URL prefix)."""
        with translation.override("en"):
            self.assertEqual(french_path("/en/rubrique/monde/"), "/rubrique/monde/")
        with translation.override("fr"):
            self.assertEqual(french_path("/en/rubrique/monde/"), "/en/rubrique/monde/")

    def test_french_url_of_each_view_and_slug(self):
        self.assertEqual(french_url("articles:home"), "/")
        self.assertEqual(french_url("articles:author", "a"), "/auteur/a/")
        self.assertEqual(french_url("articles:author", "b"), "/auteur/b/")
        self.assertEqual(french_url("articles:section", "b"), "/rubrique/b/")
        with translation.override("en"):
            self.assertEqual(french_url("articles:author", "a"), "/auteur/a/")

    def test_script_prefix_is_followed(self):
        self.assertEqual(french_url("articles:home"), "/")
        self.assertEqual(french_path("/rubrique/monde/"), "/rubrique/monde/")
        set_script_prefix("/omag/")
        self.assertEqual(french_url("articles:home"), "/omag/")
        self.assertEqual(french_path("/rubrique/monde/"), "/omag/rubrique/monde/")

    def test_feed_urls_of_each_subject(self):
        culture = make_section(name="Culture", slug="culture")
        monde = make_section(name="Monde", slug="monde")
        self.assertEqual(
            [url for _kind, _title, url in feed_urls(culture)],
            ["/rubrique/culture/rss/", "/rubrique/culture/atom/"],
        )
        self.assertEqual(feed_urls(monde)[0][1], "Ô Magazine — Monde (RSS)")
        self.assertEqual(feed_urls(monde)[0][2], "/rubrique/monde/rss/")
        author = make_author(display_name="Claire Dumont", slug="claire-dumont")
        self.assertEqual(feed_urls(author)[1][1], "Ô Magazine — Claire Dumont (Atom)")


class IsoTests(SimpleTestCase):
    def test_each_moment_in_the_current_time_zone(self):
        moment = parse_datetime("2026-03-01T12:30:15.123+00:00")
        with translation.override("fr"), self.settings(TIME_ZONE="Europe/Paris"):
            self.assertEqual(iso(moment), "2026-03-01T13:30:15+01:00")
            self.assertEqual(
                iso(moment + timedelta(days=120)), "2026-06-29T14:30:15+02:00"
            )
        with self.settings(TIME_ZONE="UTC"):
            self.assertEqual(iso(moment), "2026-03-01T12:30:15+00:00")
        self.assertEqual(iso(None), "")
