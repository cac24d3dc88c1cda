"""Rate limits live in the shared cache: with Redis (REDIS_URL in production),
every app server counts the same posts."""

import os

import pytest
import redis
from django.core.cache import caches
from django.test import TestCase, override_settings
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_article

from .factories import post_data

REDIS_URL = os.environ.get("OMAG_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")
PREFIX = "omag-test-comments"


def redis_available() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not redis_available(), reason=f"Redis not reachable at {REDIS_URL}")
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": PREFIX,
        }
    },
    COMMENTS_RATE_LIMITS={"ip": (2, 60), "email": (50, 60)},
)
class RedisRateLimitTests(TestCase):
    def setUp(self):
        self.raw = redis.Redis.from_url(REDIS_URL)
        self.clean()
        self.addCleanup(self.clean)

    def clean(self):
        keys = self.raw.keys(f"{PREFIX}:*")
        if keys:
            self.raw.delete(*keys)

    def test_counter_is_shared_through_redis(self):
        """The per-IP counter is a Redis key with an expiry, seen by any
        process; past the limit the post is refused."""
        article = make_article()
        url = reverse("comments:post", kwargs={"slug": article.slug})
        for _ in range(2):
            response = self.client.post(
                url, post_data(article), REMOTE_ADDR="192.0.2.7"
            )
            self.assertEqual(response.status_code, 302)
        keys = self.raw.keys(f"{PREFIX}:*comments:rate:ip:*")
        self.assertEqual(len(keys), 1)
        self.assertEqual(int(self.raw.get(keys[0])), 2)
        self.assertGreater(self.raw.ttl(keys[0]), 0)
        # Another process: a fresh connection to the same Redis sees the count.
        other = caches.create_connection("default")
        self.assertEqual(other.get(keys[0].decode().split(":", 2)[2]), 2)
        response = self.client.post(url, post_data(article), REMOTE_ADDR="192.0.2.7")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(Comment.objects.count(), 2)
