"""Security headers on reader pages, cached or not, and the admin's policy."""

import re

from django.contrib.auth.models import User
from django.http import HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware, get_nonce
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse

from omag.pagecache import CACHEABLE_ATTR, mark_cacheable
from omag.security import SecurityHeadersMiddleware
from tests.factories import make_article


def directives(response, header="Content-Security-Policy") -> dict[str, str]:
    policy = response[header]
    return {
        part.split(" ", 1)[0]: part.partition(" ")[2]
        for part in (p.strip() for p in policy.split(";"))
    }


@override_settings(PAGE_CACHE_ENABLED=True)
class ReaderPageHeadersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()

    def test_reader_pages_send_the_security_headers(self):
        for url in (
            reverse("articles:home"),
            self.article.get_absolute_url(),
            reverse("articles:section", args=[self.article.section.slug]),
            reverse("consent:settings"),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(
                    response["Referrer-Policy"], "strict-origin-when-cross-origin"
                )
                self.assertEqual(response["X-Frame-Options"], "DENY")
                policy = directives(response)
                self.assertEqual(policy["script-src"], "'self'")
                self.assertEqual(policy["style-src"], "'self'")
                self.assertEqual(policy["object-src"], "'none'")
                self.assertEqual(policy["frame-ancestors"], "'none'")
                self.assertNotIn("unsafe-inline", response["Content-Security-Policy"])
                self.assertNotIn("nonce-", response["Content-Security-Policy"])

    def test_a_cached_page_carries_the_same_policy_and_no_nonce(self):
        """Cached pages are shared: their policy never names a nonce, and the
        HTML holds no nonce attribute either."""
        url = self.article.get_absolute_url()
        first = self.client.get(url)
        second = self.client.get(url)
        self.assertEqual(second["X-Page-Cache"], "hit")
        self.assertEqual(
            first["Content-Security-Policy"], second["Content-Security-Policy"]
        )
        self.assertNotContains(second, "nonce=")

    def test_reader_pages_have_no_inline_script_or_handler(self):
        """Every <script> loads a file or is data (JSON-LD, consent
        placeholders); no on…= attribute anywhere."""
        response = self.client.get(self.article.get_absolute_url())
        html = response.text
        for tag in re.findall(r"<script\b[^>]*>", html):
            with self.subTest(tag=tag):
                self.assertTrue(
                    " src=" in tag
                    or 'type="application/ld+json"' in tag
                    or 'type="text/plain"' in tag,
                    tag,
                )
        self.assertIsNone(re.search(r"<[^>]+\son[a-z]+\s*=", html))

    def test_a_page_that_uses_a_nonce_is_never_cached(self):
        """A template reading csp_nonce gets a fresh nonce each time, so the
        page cache must not keep it."""

        def view(request):
            return mark_cacheable(HttpResponse(f"<script nonce={get_nonce(request)}>"))

        def respond(view):
            stack = ContentSecurityPolicyMiddleware(SecurityHeadersMiddleware(view))
            return stack(RequestFactory().get("/"))

        self.assertFalse(hasattr(respond(view), CACHEABLE_ATTR))
        untouched = respond(lambda request: mark_cacheable(HttpResponse("ok")))
        self.assertTrue(hasattr(untouched, CACHEABLE_ATTR))


class DebugPagesTests(TestCase):
    def test_debug_error_pages_work_in_development(self):
        """With DEBUG on (make run), Django's 404 page keeps its inline style;
        normal pages keep the policy."""
        with self.settings(DEBUG=True):
            missing = self.client.get("/rubrique/absente/")
            home = self.client.get(reverse("articles:home"))
        self.assertEqual(missing.status_code, 404)
        self.assertNotIn("Content-Security-Policy", missing)
        self.assertIn("Content-Security-Policy", home)
        production = self.client.get("/rubrique/absente/")
        self.assertIn("Content-Security-Policy", production)


class AdminHeadersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_superuser("chef", password="x-y-z-123456")

    def test_the_admin_gets_its_own_policy_without_inline_scripts(self):
        self.client.force_login(self.user)
        response = self.client.get(reverse("admin:articles_article_add"))
        self.assertEqual(response.status_code, 200)
        policy = directives(response)
        self.assertRegex(policy["script-src"], r"^'self' 'nonce-[\w-]+'$")
        # TinyMCE sets style attributes; scripts stay strict.
        self.assertIn("'unsafe-inline'", policy["style-src"])
        self.assertIn("blob:", policy["img-src"])
        self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")
        self.assertContains(response, "tinymce/tinymce.min.js")
        self.assertNotRegex(response.text, r"<[^>]+\son[a-z]+\s*=")
