"""The whole-page cache: hits cost no query, purged pages show at once (what
each change purges: tests/articles/test_purge.py), one render per purge,
stale copies while rendering or while the database is down, scheduled
articles at their minute, nothing per reader shared, HTTP caching headers
for browsers and CDNs."""

import logging
import os
import threading
import time
import uuid
from datetime import timedelta
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, TestCase, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from articles.views import ArticleDetailView
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
        self.assertEqual(first["X-Page-Cache"], "miss")
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

    def test_a_purged_path_renders_again_in_all_its_pages(self):
        home, url = reverse("articles:home"), self.article.get_absolute_url()
        for page in (home, url, url + "?commentaires=2"):
            self.get(page)
        pagecache.purge_paths([url])
        self.assertEqual(self.get(url)["X-Page-Cache"], "miss")
        self.assertEqual(self.get(url + "?commentaires=2")["X-Page-Cache"], "miss")
        self.assertEqual(self.get(url)["X-Page-Cache"], "hit")
        self.assertEqual(self.get(home)["X-Page-Cache"], "hit")

    def test_purge_all(self):
        url = self.article.get_absolute_url()
        self.get(url)
        pagecache.purge_all()
        self.assertEqual(self.get(url)["X-Page-Cache"], "miss")

    def test_unpublishing_answers_404_at_once(self):
        url = self.article.get_absolute_url()
        self.get(url)
        with self.captureOnCommitCallbacks(execute=True):
            self.article.status = "unpublished"
            self.article.save()
        self.assertEqual(self.get(url).status_code, 404)

    def test_a_purge_during_a_render_is_not_lost(self):
        """A page rendered from the rows as they were before a change is
        stored under the generation read before the render: the purge made
        meanwhile still makes it stale."""
        url = self.article.get_absolute_url()
        real = ArticleDetailView.get_context_data

        def purged_while_rendering(view, **kwargs):
            context = real(view, **kwargs)
            pagecache.purge_paths([url])  # an editor's commit, meanwhile
            return context

        with mock.patch.object(
            ArticleDetailView, "get_context_data", purged_while_rendering
        ):
            self.get(url)
        self.assertEqual(self.get(url)["X-Page-Cache"], "miss")
        self.assertEqual(self.get(url)["X-Page-Cache"], "hit")

    def test_fresh_for_the_timeout_kept_longer(self):
        url = reverse("articles:home")
        started = time.time()
        self.get(url)
        entry = caches["default"].get(pagecache.page_key(url))
        self.assertGreaterEqual(
            entry["fresh_until"], started + settings.PAGE_CACHE_TIMEOUT
        )
        self.assertLessEqual(
            entry["fresh_until"], time.time() + settings.PAGE_CACHE_TIMEOUT
        )
        with mock.patch("omag.pagecache.time.time", return_value=started + 601):
            response = self.get(url)
        self.assertEqual(response["X-Page-Cache"], "miss")

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
        self.assertEqual(self.get("/article/inconnu/")["X-Page-Cache"], "miss")

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
        with self.captureOnCommitCallbacks(execute=True):
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
        caches["default"].set(pagecache.SITE_GENERATION_KEY, "autre nœud")
        redis.Redis.from_url(REDIS_URL).publish(
            caches["default"].make_key(localpages.CHANNEL), b""
        )
        wait_until(lambda: pages.epoch != epoch)
        self.assertContains(self.client.get(url), "Après")

    def test_the_copy_is_off_while_invalidations_cannot_be_heard(self):
        url = make_article(title="Écoute").get_absolute_url()
        pages = self.listening_copy()
        self.client.get(url)
        self.assertIsNotNone(pages.get(pagecache.page_key(url), time.time()))
        # The subscription is cut: whatever is published meanwhile is lost.
        server = redis.Redis.from_url(REDIS_URL)
        name = f"omag-page-invalidations-{os.getpid()}"
        for client in server.client_list(_type="pubsub"):
            if client["name"] == name:
                server.client_kill_filter(_id=client["id"])
        wait_until(lambda: not pages.listening)
        self.assertIsNone(pages.get(pagecache.page_key(url), time.time()))
        # Subscribed again, it starts empty and fills again.
        wait_until(lambda: pages.listening)
        self.assertIsNone(pages.get(pagecache.page_key(url), time.time()))
        self.client.get(url)
        self.assertIsNotNone(pages.get(pagecache.page_key(url), time.time()))

    def test_the_copy_is_off_when_redis_has_not_answered_for_a_while(self):
        """A hung Redis keeps the subscription open but relays nothing."""
        url = make_article(title="Silence").get_absolute_url()
        pages = self.listening_copy()
        self.client.get(url)
        self.assertIsNotNone(pages.get(pagecache.page_key(url), time.time()))
        with mock.patch.object(localpages, "TRUSTED_FOR", -1):
            self.assertIsNone(pages.get(pagecache.page_key(url), time.time()))

    def test_a_page_read_before_an_invalidation_is_not_kept(self):
        pages = self.listening_copy()
        entry = {"content": b"vieux"}
        until = time.time() + 60
        epoch = pages.epoch
        pages.clear()  # an invalidation heard while the page was being read
        pages.put("clé", entry, epoch, until=until)
        self.assertIsNone(pages.get("clé", time.time()))
        pages.put("clé", entry, pages.epoch, until=until)
        self.assertIs(pages.get("clé", time.time()), entry)
        # Kept until its freshness or the next deadline ends, not longer.
        self.assertIsNone(pages.get("clé", until))


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


def wait_past(moment):
    while timezone.now() <= moment:
        time.sleep(0.05)


class ScheduledPublicationTests(TestCase):
    """A scheduled article appears at its minute, without a save or a cron
    job: the first request past the page cache's deadline purges its pages."""

    def test_a_scheduled_article_appears_at_its_minute(self):
        home = reverse("articles:home")
        make_article(title="Déjà là")
        with self.captureOnCommitCallbacks(execute=True):
            soon = make_article(
                title="Bientôt en ligne", published_at=now() + timedelta(seconds=1)
            )
        deadline = caches["default"].get(pagecache.DEADLINE_KEY)
        self.assertAlmostEqual(deadline["at"], soon.published_at.timestamp(), 3)
        self.assertNotContains(self.client.get(home), "Bientôt en ligne")
        self.assertEqual(self.client.get(home)["X-Page-Cache"], "hit")
        wait_past(soon.published_at)
        response = self.client.get(home)
        self.assertEqual(response["X-Page-Cache"], "miss")
        self.assertContains(response, "Bientôt en ligne")
        self.assertEqual(caches["default"].get(pagecache.DEADLINE_KEY)["at"], None)

    def test_rescheduled_earlier(self):
        with self.captureOnCommitCallbacks(execute=True):
            article = make_article(title="Avancé", published_at=tomorrow())
        home = reverse("articles:home")
        self.client.get(home)
        with self.captureOnCommitCallbacks(execute=True):
            article.published_at = now() + timedelta(seconds=1)
            article.save()
        self.assertEqual(self.client.get(home)["X-Page-Cache"], "hit")
        wait_past(article.published_at)
        self.assertContains(self.client.get(home), "Avancé")

    def test_unknown_deadline_is_looked_up_once(self):
        """After the cache lost it, the first request asks for the next
        scheduled article (one query) and purges every page: what went live
        meanwhile is unknown."""
        url = make_article().get_absolute_url()
        self.client.get(url)
        caches["default"].delete(pagecache.DEADLINE_KEY)
        with self.assertNumQueries(9):  # the page's eight and the deadline
            self.assertEqual(self.client.get(url)["X-Page-Cache"], "miss")
        with self.assertNumQueries(0):
            self.assertEqual(self.client.get(url)["X-Page-Cache"], "hit")


class StaleIfErrorTests(TestCase):
    def test_pages_cached_before_are_served_while_the_database_is_down(self):
        article = make_article(title="Toujours lisible")
        never_read = make_article()
        url, home = article.get_absolute_url(), reverse("articles:home")
        before = self.client.get(url).content
        self.client.get(home)
        pagecache.purge_paths([url])  # stale: rendered again on the next request
        self.client.raise_request_exception = False
        with mock.patch.object(
            BaseDatabaseWrapper,
            "ensure_connection",
            side_effect=OperationalError("connection refused"),
        ):
            self.assertEqual(self.client.get(home)["X-Page-Cache"], "hit")
            for _ in range(2):  # the second does not even try the database
                stale = self.client.get(url)
                self.assertEqual(stale.status_code, 200)
                self.assertEqual(stale["X-Page-Cache"], "stale")
                self.assertEqual(stale.content, before)
                self.assertEqual(stale["Cache-Control"], "public, max-age=0")
                self.assertIn("Age", stale)
            self.assertEqual(
                self.client.get(never_read.get_absolute_url()).status_code, 500
            )


class OneRenderPerPurgeTests(TransactionTestCase):
    """Readers of a purged page get the previous copy while one worker
    renders the new one (a lock in the shared cache)."""

    readers = 8

    def test_concurrent_readers_of_a_purged_page_cause_one_render(self):
        article = make_article(title="Très lu")
        url = article.get_absolute_url()
        before = Client().get(url).content
        pagecache.purge_paths([url])
        renders = []
        real = ArticleDetailView.get_context_data

        def slow_render(view, **kwargs):
            renders.append(1)
            time.sleep(0.5)  # long enough for every reader to arrive
            return real(view, **kwargs)

        barrier = threading.Barrier(self.readers)
        responses = []

        def read():
            barrier.wait()
            try:
                responses.append(Client().get(url))
            finally:
                connection.close()

        with mock.patch.object(ArticleDetailView, "get_context_data", slow_render):
            threads = [threading.Thread(target=read) for _ in range(self.readers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
        self.assertEqual(len(renders), 1)
        self.assertEqual(
            sorted(response["X-Page-Cache"] for response in responses),
            ["miss"] + ["stale"] * (self.readers - 1),
        )
        for response in responses:
            self.assertEqual(response.status_code, 200)
            if response["X-Page-Cache"] == "stale":
                self.assertEqual(response.content, before)
        self.assertEqual(Client().get(url)["X-Page-Cache"], "hit")


@pytest.mark.skipif(
    not redis_available() and not os.environ.get("OMAG_REQUIRE_BROWSER"),
    reason="Redis is not running on 127.0.0.1:6379",
)
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "omag.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"omag-test-{uuid.uuid4().hex}",
        }
    }
)
class OneRenderPerPurgeOnRedisTests(OneRenderPerPurgeTests):
    """The same with the lock in Redis, as gunicorn workers and nodes share it."""
