from django.test import SimpleTestCase, TestCase, override_settings

from consent.embeds import Embed, placeholder_embeds
from tests.factories import make_article


def marker(url, provider):
    return (
        f'<figure class="embed" data-embed-url="{url}" data-embed-provider="{provider}">'
        f'<a href="{url}">{url}</a></figure>'
    )


class EmbedFilterTests(SimpleTestCase):
    def test_marker_becomes_a_placeholder_naming_the_provider(self):
        html = placeholder_embeds(
            "<p>Avant</p>"
            + marker("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube")
        )
        self.assertIn("<p>Avant</p>", html)
        self.assertIn("Afficher le contenu", html)
        self.assertIn("<strong>YouTube</strong>", html)
        self.assertIn(
            'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"', html
        )
        self.assertNotIn("<iframe", html)
        self.assertNotIn("<script", html)
        self.assertNotIn('class="embed"', html)

    def test_every_provider(self):
        cases = {
            "https://vimeo.com/76979871": (
                "Vimeo",
                "https://player.vimeo.com/video/76979871",
            ),
            "https://x.com/afpfr/status/1234567890": (
                "X (Twitter)",
                "https://platform.twitter.com/embed/Tweet.html?id=1234567890",
            ),
            "https://twitter.com/afpfr/status/42": (
                "X (Twitter)",
                "https://platform.twitter.com/embed/Tweet.html?id=42",
            ),
            "https://www.instagram.com/p/CxYz_12-a/": (
                "Instagram",
                "https://www.instagram.com/p/CxYz_12-a/embed/",
            ),
            "https://youtu.be/dQw4w9WgXcQ?t=42": (
                "YouTube",
                "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            ),
        }
        for url, (name, src) in cases.items():
            with self.subTest(url=url):
                embed = Embed.from_url(url)
                self.assertEqual((embed.provider_name, embed.src), (name, src))

    def test_bare_url_paragraph_becomes_a_placeholder(self):
        for body in (
            "<p>https://www.youtube.com/watch?v=dQw4w9WgXcQ</p>",
            '<p><a href="https://vimeo.com/1">https://vimeo.com/1</a></p>',
            "<p> https://www.youtube.com/watch?feature=share&amp;v=dQw4w9WgXcQ </p>",
        ):
            with self.subTest(body=body):
                self.assertIn("Afficher le contenu", placeholder_embeds(body))

    def test_urls_inside_text_or_other_sites_are_left_alone(self):
        for body in (
            "<p>Voir https://www.youtube.com/watch?v=dQw4w9WgXcQ ici.</p>",
            "<p>https://example.com/video</p>",
            '<p><a href="https://vimeo.com/1">la vidéo</a></p>',
            marker("https://example.com/", "youtube"),
            marker("javascript:alert(1)", "youtube"),
        ):
            with self.subTest(body=body):
                self.assertEqual(placeholder_embeds(body), body)

    def test_urls_are_escaped(self):
        html = placeholder_embeds(
            "<p>https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;x=&lt;b&gt;</p>"
        )
        self.assertIn("Afficher le contenu", html)
        self.assertNotIn("<b>", html)

    @override_settings(
        CONSENT_EMBED_PROVIDERS={"youtube": ("YouTube", "http://embeds.test/{id}")}
    )
    def test_target_is_configurable_and_unknown_providers_stay_links(self):
        html = placeholder_embeds(
            marker("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube")
            + marker("https://vimeo.com/1", "vimeo")
        )
        self.assertIn('data-embed-src="http://embeds.test/dQw4w9WgXcQ"', html)
        self.assertIn(marker("https://vimeo.com/1", "vimeo"), html)


class ArticlePageEmbedTests(TestCase):
    def test_article_page_shows_the_placeholder(self):
        article = make_article(
            body="<p>Texte.</p>"
            + marker("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube")
        )
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "Afficher le contenu")
        self.assertContains(response, "<p>Texte.</p>", html=True)
        self.assertNotContains(response, "<iframe")
