import xml.etree.ElementTree as ET
from datetime import timedelta

from django.core.files.storage import default_storage
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article
from tests.factories import make_article, make_author, make_section, now, tomorrow

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class FeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section(name="International", slug="international")
        cls.culture = make_section(name="Culture", slug="culture")
        cls.claire, cls.paul = make_author(display_name="Claire Dumont"), make_author()
        cls.world_article = make_article(
            title="Sommet à Bruxelles",
            standfirst="Les Vingt-Sept cherchent une voix commune.",
            section=cls.world,
            authors=[cls.claire, cls.paul],
            published_at=now() - timedelta(hours=2),
        )
        cls.culture_article = make_article(
            title="Cannes s'ouvre",
            section=cls.culture,
            authors=[cls.paul],
            published_at=now() - timedelta(hours=3),
        )
        make_article(title="Brouillon", status=Article.Status.DRAFT, published_at=None)
        make_article(title="Programmé", section=cls.world, published_at=tomorrow())

    def rss_items(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/rss+xml"))
        root = ET.fromstring(response.content)
        self.assertEqual(root.tag, "rss")
        self.assertEqual(root.get("version"), "2.0")
        channel = root.find("channel")
        for required in ("title", "link", "description", "language"):
            self.assertTrue(channel.findtext(required), required)
        return channel, channel.findall("item")

    def test_site_rss(self):
        """Newest first, published only, each item with its link, guid, date,
        description (the standfirst), authors and section."""
        channel, items = self.rss_items(reverse("articles:feed_rss"))
        self.assertEqual(channel.findtext("language"), "fr")
        self.assertEqual(
            [i.findtext("title") for i in items],
            ["Sommet à Bruxelles", "Cannes s'ouvre"],
        )
        item = items[0]
        self.assertEqual(
            item.findtext("link"),
            "http://testserver" + self.world_article.get_absolute_url(),
        )
        self.assertEqual(item.findtext("guid"), item.findtext("link"))
        self.assertEqual(
            item.findtext("description"), "Les Vingt-Sept cherchent une voix commune."
        )
        self.assertIn("International", [c.text for c in item.findall("category")])
        self.assertIn(
            "Claire Dumont", item.findtext("{http://purl.org/dc/elements/1.1/}creator")
        )
        self.assertTrue(item.findtext("pubDate"))

    def test_lead_image_as_enclosure(self):
        """The 1200×630 card image, with its absolute URL, size and type."""
        article = make_article(
            title="Avec image", image=True, published_at=now() - timedelta(minutes=1)
        )
        social = article.lead_image_renditions["social"]
        _, items = self.rss_items(reverse("articles:feed_rss"))
        enclosure = items[0].find("enclosure")
        self.assertEqual(
            enclosure.get("url"), "http://testserver/media/" + social["jpg"]
        )
        self.assertEqual(
            int(enclosure.get("length")), default_storage.size(social["jpg"])
        )
        self.assertEqual(enclosure.get("type"), "image/jpeg")
        self.assertIsNone(items[1].find("enclosure"))

    def test_site_atom(self):
        response = self.client.get(reverse("articles:feed_atom"))
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        root = ET.fromstring(response.content)
        self.assertEqual(root.tag, f"{ATOM}feed")
        for required in ("title", "id", "updated"):
            self.assertTrue(root.findtext(f"{ATOM}{required}"), required)
        entries = root.findall(f"{ATOM}entry")
        self.assertEqual(len(entries), 2)
        entry = entries[0]
        self.assertEqual(entry.findtext(f"{ATOM}title"), "Sommet à Bruxelles")
        self.assertTrue(entry.findtext(f"{ATOM}id"))
        self.assertIsNotNone(parse_datetime(entry.findtext(f"{ATOM}updated")))
        self.assertIsNotNone(parse_datetime(entry.findtext(f"{ATOM}published")))
        self.assertEqual(
            entry.find(f"{ATOM}link").get("href"),
            "http://testserver" + self.world_article.get_absolute_url(),
        )
        self.assertEqual(
            entry.findtext(f"{ATOM}author/{ATOM}name"),
            "Claire Dumont, " + self.paul.display_name,
        )

    def test_section_and_author_feeds(self):
        _, items = self.rss_items(
            reverse("articles:section_feed_rss", kwargs={"slug": "culture"})
        )
        self.assertEqual([i.findtext("title") for i in items], ["Cannes s'ouvre"])
        _, items = self.rss_items(
            reverse("articles:author_feed_rss", kwargs={"slug": self.claire.slug})
        )
        self.assertEqual([i.findtext("title") for i in items], ["Sommet à Bruxelles"])
        response = self.client.get(
            reverse("articles:section_feed_atom", kwargs={"slug": "international"})
        )
        root = ET.fromstring(response.content)
        self.assertEqual(root.findtext(f"{ATOM}title"), "Ô Magazine — International")
        response = self.client.get(
            reverse("articles:author_feed_atom", kwargs={"slug": self.paul.slug})
        )
        self.assertEqual(
            len(ET.fromstring(response.content).findall(f"{ATOM}entry")), 2
        )

    def test_unknown_subject_is_404(self):
        for name in ("section_feed_rss", "author_feed_atom"):
            response = self.client.get(
                reverse(f"articles:{name}", kwargs={"slug": "nope"})
            )
            self.assertEqual(response.status_code, 404)

    def test_feed_query_count(self):
        """Articles, bylines, tags: whatever the number of items."""
        for _n in range(5):
            make_article(section=self.world, authors=[self.claire, self.paul])
        with self.assertNumQueries(3):
            self.client.get(reverse("articles:feed_rss"))
        with self.assertNumQueries(4):
            self.client.get(
                reverse("articles:section_feed_atom", kwargs={"slug": "international"})
            )

    def test_autodiscovery_links(self):
        """Every page announces the site feeds; section and author pages also
        their own."""
        home = self.client.get(reverse("articles:home"))
        self.assertContains(
            home,
            '<link rel="alternate" type="application/rss+xml" title="Ô Magazine (RSS)" '
            'href="http://testserver/flux/rss/">',
            html=False,
        )
        self.assertContains(home, 'type="application/atom+xml"', count=1)
        section = self.client.get(self.world.get_absolute_url())
        self.assertContains(
            section,
            'title="Ô Magazine — International (Atom)" '
            'href="http://testserver/rubrique/international/atom/"',
        )
        author = self.client.get(self.claire.get_absolute_url())
        self.assertContains(
            author, f'href="http://testserver/auteur/{self.claire.slug}/rss/"'
        )


class SitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(name="International", slug="international")
        cls.empty_section = make_section(name="Sport", slug="sport")
        cls.author = make_author()
        cls.idle_author = make_author()
        cls.fresh = make_article(
            title="Sommet à Bruxelles",
            section=cls.section,
            authors=[cls.author],
            published_at=now() - timedelta(hours=5),
        )
        cls.old = make_article(
            title="Archive", section=cls.section, published_at=now() - timedelta(days=3)
        )
        cls.draft = make_article(
            title="Brouillon", status=Article.Status.DRAFT, published_at=None
        )
        cls.scheduled = make_article(title="Programmé", published_at=tomorrow())

    def urlset(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        root = ET.fromstring(response.content)
        self.assertEqual(root.tag, f"{SITEMAP}urlset")
        return {u.findtext(f"{SITEMAP}loc"): u for u in root.findall(f"{SITEMAP}url")}

    def test_index_lists_every_sitemap(self):
        response = self.client.get("/sitemap.xml")
        root = ET.fromstring(response.content)
        self.assertEqual(root.tag, f"{SITEMAP}sitemapindex")
        locations = [
            s.findtext(f"{SITEMAP}loc") for s in root.findall(f"{SITEMAP}sitemap")
        ]
        self.assertEqual(
            locations,
            [
                f"http://testserver/sitemap-{name}.xml"
                for name in ("accueil", "rubriques", "auteurs", "articles")
            ],
        )
        for location in locations:
            self.urlset(location.removeprefix("http://testserver"))

    def test_articles_with_last_modification(self):
        urls = self.urlset("/sitemap-articles.xml")
        base = "http://testserver"
        self.assertEqual(
            set(urls),
            {base + self.fresh.get_absolute_url(), base + self.old.get_absolute_url()},
        )
        lastmod = urls[base + self.old.get_absolute_url()].findtext(f"{SITEMAP}lastmod")
        self.assertEqual(
            lastmod, timezone.localdate(self.old.last_modified()).isoformat()
        )

    def test_sections_and_authors(self):
        urls = self.urlset("/sitemap-rubriques.xml")
        self.assertIn("http://testserver/rubrique/international/", urls)
        self.assertIn("http://testserver/rubrique/sport/", urls)
        self.assertTrue(
            urls["http://testserver/rubrique/international/"].findtext(
                f"{SITEMAP}lastmod"
            )
        )
        urls = self.urlset("/sitemap-auteurs.xml")
        self.assertEqual(
            list(urls), ["http://testserver" + self.author.get_absolute_url()]
        )

    def test_google_news_sitemap(self):
        """Only articles of the last two days, with publication name and
        language, title and publication date."""
        urls = self.urlset("/sitemap-news.xml")
        self.assertEqual(
            list(urls), ["http://testserver" + self.fresh.get_absolute_url()]
        )
        news = urls["http://testserver" + self.fresh.get_absolute_url()].find(
            f"{NEWS}news"
        )
        self.assertEqual(news.findtext(f"{NEWS}publication/{NEWS}name"), "Ô Magazine")
        self.assertEqual(news.findtext(f"{NEWS}publication/{NEWS}language"), "fr")
        self.assertEqual(news.findtext(f"{NEWS}title"), "Sommet à Bruxelles")
        self.assertEqual(
            parse_datetime(news.findtext(f"{NEWS}publication_date")),
            self.fresh.published_at.replace(microsecond=0),
        )

    def test_sitemap_query_counts(self):
        """A count and one page of rows, whatever the number of articles."""
        for _n in range(4):
            make_article(section=self.section, authors=[self.author])
        with self.assertNumQueries(2):
            self.client.get("/sitemap-articles.xml")
        with self.assertNumQueries(2):
            self.client.get("/sitemap-news.xml")

    def test_robots_txt(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain")
        lines = response.content.decode().splitlines()
        self.assertIn("Sitemap: http://testserver/sitemap.xml", lines)
        self.assertIn("Sitemap: http://testserver/sitemap-news.xml", lines)
        self.assertIn("Disallow: /admin/", lines)
        self.assertIn("Disallow: /recherche/", lines)
