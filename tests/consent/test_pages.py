import re

from django.test import Client, TestCase

from tests.factories import make_article

from .helpers import decide

EMBED = (
    '<figure class="embed" data-embed-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"'
    ' data-embed-provider="youtube"><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></figure>"
)
# The footer's language form carries a CSRF token (masked differently on every
# response, whoever reads): it is not consent state.
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def page_html(client, url):
    return CSRF.sub("", client.get(url).content.decode())


class SamePageForEveryConsentStateTests(TestCase):
    """Pages carry no consent state, so they can be cached whole."""

    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(body="<p>Texte.</p>" + EMBED)

    def test_identical_html_whatever_the_choice(self):
        for url in (
            "/",
            self.article.get_absolute_url(),
            self.article.section.get_absolute_url(),
        ):
            with self.subTest(url=url):
                fresh = Client()
                accepted, refused, partial = Client(), Client(), Client()
                decide(accepted, "accept_all")
                decide(refused, "refuse_all")
                decide(partial, "embed")
                reference = page_html(fresh, url)
                self.assertIn('id="consent"', reference)
                for client in (accepted, refused, partial):
                    self.assertEqual(page_html(client, url), reference)

    def test_pages_set_no_consent_cookie(self):
        """Consent cookies are only set by the per-reader endpoints."""
        client = Client()
        decide(client, "accept_all")
        response = client.get(self.article.get_absolute_url())
        self.assertFalse(set(response.cookies) & {"cookie_consent", "omag_consent"})

    def test_optional_script_is_inert_in_the_page(self):
        html = page_html(Client(), "/")
        self.assertRegex(
            html,
            r'<script type="text/plain" data-consent-group="audience" data-src="[^"]+audience\.js"',
        )
        self.assertNotRegex(html, r'<script[^>]*\ssrc="[^"]*audience\.js"')

    def test_footer_link_reopens_the_choice(self):
        html = page_html(Client(), "/")
        self.assertIn('href="/cookies/" data-consent-open>Gérer les cookies</a>', html)

    def test_english_pages_have_english_banner(self):
        html = page_html(Client(), "/en/")
        for text in (
            "Accept all",
            "Refuse all",
            "Individual settings",
            "Manage cookies",
        ):
            self.assertIn(text, html)
        self.assertIn('data-status-url="/en/cookies/etat/"', html)
