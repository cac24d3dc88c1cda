"""The whole-page cache: hits cost no query, edits show at once, nothing per
reader is shared, HTTP caching headers for browsers and CDNs."""

import logging
import os
import time
import uuid
from datetime import timedelta
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date

from omag import localpages, pagecache
from omag.localpages import local_pages
from tests.factories import make_article, make_author, make_section, now, tomorrow

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


class PageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(name="International", slug="international")
        cls.author = make_author()
        cls.article = make_article(
            title="Titre d'origine", section=cls.section, authors=[cls.author]
        )

    def get(self, url, **headers):
        return self.client.get(url, headers=headers)

    def test_second_request_is_a_hit_without_queries(self):
        url = self.article.get_absolute_url()
        first = self.get(url)
        self.assertNotIn("X-Page-Cache", first)
        with self.assertNumQueries(0):
            second = self.get(url)
        self.assertEqual(second["X-Page-Cache"], "hit")
        self.assertEqual(second.content, first.content)
        self.assertEqual(second["Content-Type"], first["Content-Type"])
        self.assertEqual(second["Content-Language"], "fr")
        # A hit carries the stored headers as they were sent the first time.
        for name in ("Cache-Control", "ETag", "Last-Modified"):
            self.assertEqual(second[name], first[name], name)

    def test_a_hit_carries_the_security_headers_of_the_first_answer(self):
        """The page cache sits above SecurityMiddleware and the CSP middleware:
        what they added is stored with the page."""
        url = self.article.get_absolute_url()
        first = self.get(url)
        second = self.get(url)
        self.assertEqual(second["X-Page-Cache"], "hit")
        for name in (
            "Content-Security-Policy",
            "X-Content-Type-Options",
            "Referrer-Policy",
            "Cross-Origin-Opener-Policy",
            "X-Frame-Options",
        ):
            self.assertEqual(second.get(name), first.get(name), name)
        self.assertIn("default-src 'self'", second["Content-Security-Policy"])
        self.assertNotIn("nonce-", second["Content-Security-Policy"])

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_plain_http_is_redirected_even_when_the_page_is_cached(self):
        url = self.article.get_absolute_url()
        self.assertEqual(self.client.get(url, secure=True).status_code, 200)
        self.assertEqual(self.client.get(url, secure=True)["X-Page-Cache"], "hit")
        response = self.client.get(url)
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], "https://testserver" + url)

    def test_static_files_never_reach_the_cache(self):
        calls = []
        real = pagecache._cache

        def spy():
            calls.append(1)
            return real()

        pagecache._cache, restore = spy, real
        try:
            self.client.get(settings.STATIC_URL + "css/site.css")
            self.client.get(settings.MEDIA_URL + "nothing.jpg")
        finally:
            pagecache._cache = restore
        self.assertEqual(calls, [])

    def test_every_reader_page_is_cached(self):
        for url in (
            reverse("articles:home"),
            self.section.get_absolute_url(),
            self.author.get_absolute_url(),
            self.article.get_absolute_url(),
        ):
            self.get(url)
            with self.subTest(url=url), self.assertNumQueries(0):
                self.assertEqual(self.get(url)["X-Page-Cache"], "hit")

    def test_saving_an_article_refreshes_every_page_showing_it(self):
        urls = [
            reverse("articles:home"),
            self.section.get_absolute_url(),
            self.article.get_absolute_url(),
        ]
        for url in urls:
            self.assertContains(self.get(url), "Titre d&#x27;origine")
        self.article.title = "Titre corrigé"
        self.article.save()
        for url in urls:
            response = self.get(url)
            self.assertNotIn("X-Page-Cache", response)
            self.assertContains(response, "Titre corrigé")

    def test_renaming_a_section_refreshes_the_navigation(self):
        self.get(self.article.get_absolute_url())
        self.section.name = "Monde"
        self.section.save()
        self.assertContains(self.get(self.article.get_absolute_url()), ">Monde</a>")

    def test_unpublishing_answers_404_at_once(self):
        url = self.article.get_absolute_url()
        self.get(url)
        self.article.status = "unpublished"
        self.article.save()
        self.assertEqual(self.get(url).status_code, 404)

    def test_path_invalidation_touches_only_that_page(self):
        home, url = reverse("articles:home"), self.article.get_absolute_url()
        for page in (home, url, url + "?commentaires=2"):
            self.get(page)
        pagecache.invalidate_paths([url])
        self.assertNotIn("X-Page-Cache", self.get(url))
        self.assertNotIn("X-Page-Cache", self.get(url + "?commentaires=2"))
        self.assertEqual(self.get(home)["X-Page-Cache"], "hit")

    def test_page_expires_at_next_scheduled_publication(self):
        """A scheduled article appears at its time: listings expire then."""
        make_article(section=self.section, published_at=tomorrow())
        soon = make_article(
            section=self.section, published_at=now() + timedelta(minutes=2)
        )
        url = reverse("articles:home")
        self.get(url)
        entry = caches["default"].get(pagecache._page_key(url))
        self.assertAlmostEqual(entry["expires"], soon.published_at.timestamp(), 1)

    def test_page_expiry_bounded_by_the_timeout(self):
        make_article(section=self.section, published_at=tomorrow())
        url = reverse("articles:home")
        started = time.time()
        self.get(url)
        entry = caches["default"].get(pagecache._page_key(url))
        self.assertLessEqual(
            entry["expires"], time.time() + settings.PAGE_CACHE_TIMEOUT
        )
        self.assertGreaterEqual(entry["expires"], started + settings.PAGE_CACHE_TIMEOUT)

    def test_logged_in_staff_bypass_the_cache(self):
        url = self.article.get_absolute_url()
        self.get(url)
        self.client.cookies["sessionid"] = "abc"
        with CaptureQueriesContext(connection) as queries:
            response = self.get(url)
        self.assertNotIn("X-Page-Cache", response)
        self.assertGreater(len(queries), 0)

    def test_only_pagination_query_strings_are_cached(self):
        url = self.section.get_absolute_url()
        for query in ("?utm_source=x", "?page=1&x=2", "?page=abc"):
            self.get(url + query)
            self.assertNotIn("X-Page-Cache", self.get(url + query), query)
        self.get(url + "?page=1")
        self.assertEqual(self.get(url + "?page=1")["X-Page-Cache"], "hit")

    def test_not_found_and_posts_are_not_cached(self):
        self.get("/article/inconnu/")
        self.assertNotIn("X-Page-Cache", self.get("/article/inconnu/"))

    def test_http_caching_headers_and_conditional_requests(self):
        url = self.article.get_absolute_url()
        first = self.get(url)
        cache_control = first["Cache-Control"]
        for part in (
            "public",
            "max-age=60",
            "s-maxage=60",
            "stale-while-revalidate=300",
        ):
            self.assertIn(part, cache_control)
        self.assertNotIn("Vary", first)
        etag = first["ETag"]
        not_modified = self.get(url, if_none_match=etag)
        self.assertEqual(not_modified.status_code, 304)
        self.assertEqual(not_modified["ETag"], etag)
        since = self.get(url, if_modified_since=first["Last-Modified"])
        self.assertEqual(since.status_code, 304)
        stale = self.get(url, if_none_match='"other"')
        self.assertEqual(stale.status_code, 200)
        self.assertIn("public", stale["Cache-Control"])

    def test_old_if_modified_since_gets_the_page(self):
        url = self.article.get_absolute_url()
        self.get(url)
        response = self.get(url, if_modified_since=http_date(0))
        self.assertEqual(response.status_code, 200)

    @override_settings(PAGE_CACHE_ENABLED=False)
    def test_can_be_switched_off(self):
        url = self.article.get_absolute_url()
        self.get(url)
        self.assertNotIn("X-Page-Cache", self.get(url))


def redis_available():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return False


@pytest.mark.skipif(
    not redis_available() and not os.environ.get("OMAG_REQUIRE_BROWSER"),
    reason="Redis is not running on 127.0.0.1:6379",
)
class RedisPageCacheTests(TestCase):
    """The same cache on a real Redis, as several gunicorn nodes share it."""

    @classmethod
    def setUpClass(cls):
        cls.enterClassContext(
            override_settings(
                CACHES={
                    "default": {
                        "BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": REDIS_URL,
                        "KEY_PREFIX": f"omag-test-{uuid.uuid4().hex}",
                    }
                }
            )
        )
        super().setUpClass()

    def test_hit_then_invalidation(self):
        article = make_article(title="Sur Redis")
        url = article.get_absolute_url()
        self.client.get(url)
        with self.assertNumQueries(0):
            self.assertEqual(self.client.get(url)["X-Page-Cache"], "hit")
        article.title = "Toujours sur Redis"
        article.save()
        self.assertContains(self.client.get(url), "Toujours sur Redis")

    def listening_copy(self):
        """This process's copy of pages, once it hears invalidations."""
        pages = local_pages()
        wait_until(lambda: pages.listening)
        return pages

    def test_a_page_read_twice_comes_from_memory_the_second_time(self):
        url = make_article(title="En mémoire").get_absolute_url()
        self.listening_copy()
        self.client.get(url)  # rendered, stored in Redis and in memory
        with (
            mock.patch.object(
                caches["default"], "get_many", side_effect=AssertionError("Redis")
            ),
            self.assertNumQueries(0),
        ):
            response = self.client.get(url)
        self.assertEqual(response["X-Page-Cache"], "hit")
        self.assertContains(response, "En mémoire")

    def test_an_edit_made_by_another_process_empties_the_copy(self):
        article = make_article(title="Avant")
        url = article.get_absolute_url()
        pages = self.listening_copy()
        self.client.get(url)
        self.assertEqual(self.client.get(url)["X-Page-Cache"], "hit")
        # Another node: the row changes without this process's signals, and
        # that node invalidates through Redis.
        type(article).objects.filter(pk=article.pk).update(title="Après")
        epoch = pages.epoch
        pagecache._bump(pagecache.SITE_GENERATION_KEY)
        redis.Redis.from_url(REDIS_URL).publish(
            caches["default"].make_key(localpages.CHANNEL), b""
        )
        wait_until(lambda: pages.epoch != epoch)
        self.assertContains(self.client.get(url), "Après")

    def test_the_copy_is_off_while_invalidations_cannot_be_heard(self):
        url = make_article(title="Écoute").get_absolute_url()
        pages = self.listening_copy()
        self.client.get(url)
        self.assertIsNotNone(pages.get(pagecache._page_key(url)))
        # The subscription is cut: whatever is published meanwhile is lost.
        server = redis.Redis.from_url(REDIS_URL)
        name = f"omag-page-invalidations-{os.getpid()}"
        for client in server.client_list(_type="pubsub"):
            if client["name"] == name:
                server.client_kill_filter(_id=client["id"])
        wait_until(lambda: not pages.listening)
        self.assertIsNone(pages.get(pagecache._page_key(url)))
        # Subscribed again, it starts empty and fills again.
        wait_until(lambda: pages.listening)
        self.assertIsNone(pages.get(pagecache._page_key(url)))
        self.client.get(url)
        self.assertIsNotNone(pages.get(pagecache._page_key(url)))

    def test_the_copy_is_off_when_redis_has_not_answered_for_a_while(self):
        """A hung Redis keeps the subscription open but relays nothing."""
        url = make_article(title="Silence").get_absolute_url()
        pages = self.listening_copy()
        self.client.get(url)
        self.assertIsNotNone(pages.get(pagecache._page_key(url)))
        with mock.patch.object(localpages, "TRUSTED_FOR", -1):
            self.assertIsNone(pages.get(pagecache._page_key(url)))

    def test_a_page_read_before_an_invalidation_is_not_kept(self):
        pages = self.listening_copy()
        entry = {"content": b"vieux", "expires": time.time() + 60}
        epoch = pages.epoch
        pages.clear()  # an invalidation heard while the page was being read
        pages.put("clé", entry, epoch)
        self.assertIsNone(pages.get("clé"))
        pages.put("clé", entry, pages.epoch)
        self.assertIs(pages.get("clé"), entry)


def wait_until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


class CacheOutageTests(TestCase):
    @override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
            }
        }
    )
    def test_pages_and_saves_keep_working_without_the_cache(self):
        """Redis down: pages are served uncached, saves go through, and the
        outage is logged once, not once per request."""
        with self.assertLogs("omag.pagecache", logging.WARNING) as logs:
            article = make_article(title="Sans cache")
            for _ in range(3):
                self.assertContains(
                    self.client.get(article.get_absolute_url()), "Sans cache"
                )
        serving = [line for line in logs.output if "serving without it" in line]
        self.assertEqual(len(serving), 1)
