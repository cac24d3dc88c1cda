from cookie_consent.models import Cookie
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory, TestCase, override_settings

from consent.middleware import (
    ConsentCleanCookiesMiddleware,
    ConsentCookieFilterMiddleware,
    essential_cookie_names,
)

from .helpers import decide


def sets(response, name):
    """Whether the response stores the cookie (deleting it does not count)."""
    morsel = response.cookies.get(name)
    return morsel is not None and str(morsel["max-age"]) != "0"


@override_settings(ROOT_URLCONF="tests.consent.urls")
class SetCookieFilterTests(TestCase):
    def test_optional_cookies_are_dropped_before_any_choice(self):
        response = self.client.get("/test-cookies/")
        self.assertFalse(sets(response, "omag_audience"))
        self.assertFalse(sets(response, "YSC"))

    def test_unlisted_cookies_and_deletions_pass(self):
        """Deleting is always allowed; cookies of no group are not ours to judge."""
        response = self.client.get("/test-cookies/")
        self.assertIn("unlisted", response.cookies)
        self.assertEqual(response.cookies["vuid"]["max-age"], 0)

    def test_refused_group_cookies_are_dropped(self):
        decide(self.client, "refuse_all")
        response = self.client.get("/test-cookies/")
        self.assertFalse(sets(response, "omag_audience"))
        self.assertFalse(sets(response, "YSC"))

    def test_accepted_group_cookies_pass_and_only_those(self):
        decide(self.client, "selection", ["audience"])
        response = self.client.get("/test-cookies/")
        self.assertEqual(response.cookies["omag_audience"].value, "visiteur")
        self.assertFalse(sets(response, "YSC"))

    def test_acceptance_stops_counting_when_the_groups_change(self):
        decide(self.client, "accept_all")
        from cookie_consent.models import CookieGroup

        group = CookieGroup.objects.get(varname="audience")
        group.name = "Statistiques"
        group.save()
        response = self.client.get("/test-cookies/")
        self.assertFalse(sets(response, "omag_audience"))


class CleanCookiesTests(TestCase):
    def test_optional_cookie_sent_without_consent_is_deleted(self):
        """The package's middleware: a cookie of a group not accepted is deleted."""
        self.client.cookies["omag_audience"] = "ancien"
        response = self.client.get("/")
        self.assertEqual(response.cookies["omag_audience"]["max-age"], 0)

    def test_accepted_cookie_is_kept(self):
        decide(self.client, "accept_all")
        self.client.cookies["omag_audience"] = "visiteur"
        response = self.client.get("/")
        self.assertFalse(sets(response, "omag_audience"))

    def test_essential_cookies_only_cost_no_query(self):
        """Ordinary page views do not load the groups for the middlewares."""
        request = RequestFactory().get("/")
        request.COOKIES = {"csrftoken": "x" * 32, "sessionid": "abc"}

        def view(request):
            response = HttpResponse()
            response.set_cookie("csrftoken", "y" * 32)
            return response

        with self.assertNumQueries(0):
            ConsentCleanCookiesMiddleware(view)(request)
            ConsentCookieFilterMiddleware(view)(request)


class MiddlewareOrderTests(TestCase):
    def test_consent_middlewares_are_outside_any_page_cache(self):
        """They act on one reader's cookies: a cache below them never stores
        (and replays to others) what they add or remove."""
        middleware = settings.MIDDLEWARE
        clean = middleware.index("consent.middleware.ConsentCleanCookiesMiddleware")
        keep = middleware.index("consent.middleware.ConsentCookieFilterMiddleware")
        self.assertNotIn("cookie_consent.middleware.CleanCookiesMiddleware", middleware)
        self.assertIn("omag.pagecache.PageCacheMiddleware", middleware)
        for cache_middleware in (
            "omag.pagecache.PageCacheMiddleware",
            "django.middleware.cache.UpdateCacheMiddleware",
            "django.middleware.cache.CacheMiddleware",
        ):
            if cache_middleware in middleware:
                self.assertLess(max(clean, keep), middleware.index(cache_middleware))
        self.assertEqual({clean, keep}, {0, 1})


class EssentialCookiesTests(TestCase):
    def test_every_cookie_set_without_consent_is_listed_for_readers(self):
        """The cookie page lists the essential group: it must name every
        cookie the middlewares let through without consent, and no other."""
        listed = set(
            Cookie.objects.filter(cookiegroup__varname="essential").values_list(
                "name", flat=True
            )
        )
        self.assertEqual(listed, essential_cookie_names())
        self.assertIn("omag_primary", listed)
