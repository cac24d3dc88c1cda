from django.test import TestCase
from django.urls import reverse

from consent.models import AudienceCount

from .helpers import decide


class AudienceEndpointTests(TestCase):
    url = reverse("consent:audience")

    def test_refused_without_consent(self):
        self.client.cookies["omag_audience"] = "v"
        response = self.client.post(self.url, {"path": "/"})
        self.assertEqual(response.status_code, 403)
        decide(self.client, "refuse_all")
        self.client.cookies["omag_audience"] = "v"
        self.assertEqual(self.client.post(self.url, {"path": "/"}).status_code, 403)
        self.assertFalse(AudienceCount.objects.exists())

    def test_counts_views_and_new_visitors_per_page_and_day(self):
        decide(self.client, "selection", ["audience"])
        self.client.cookies["omag_audience"] = "v"
        self.assertEqual(
            self.client.post(self.url, {"path": "/a/", "new": "1"}).status_code, 204
        )
        self.client.post(self.url, {"path": "/a/", "new": "0"})
        self.client.post(self.url, {"path": "/b/?q=1", "new": "0"})
        self.assertEqual(
            sorted(AudienceCount.objects.values_list("path", "views", "visitors")),
            [("/a/", 2, 1), ("/b/", 1, 0)],
        )

    def test_bad_input_is_a_400_with_a_reason(self):
        decide(self.client, "accept_all")
        response = self.client.post(self.url, {"path": "/"})
        self.assertContains(response, "Cookie de mesure", status_code=400)
        self.client.cookies["omag_audience"] = "v"
        for path in ("", "https://evil.example/", "/" + "a" * 600):
            with self.subTest(path=path):
                response = self.client.post(self.url, {"path": path})
                self.assertContains(
                    response, "Adresse de page invalide.", status_code=400
                )

    def test_get_is_not_allowed(self):
        self.assertEqual(self.client.get(self.url).status_code, 405)
