"""A Redis outage degrades the site instead of breaking it (omag/cache.py):
pages are served from the database, comments are still taken (held for
moderation since rate limits cannot be counted), and the health endpoint says
"degraded". The outage is real: the cache points at a port nothing listens on."""

import logging
import os

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from comments.models import Comment
from omag import cache as omag_cache
from tests.comments.factories import post_data
from tests.factories import make_article

REDIS_URL = os.environ.get("OMAG_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
# Port 9 (discard) is closed on 127.0.0.1: connections are refused at once.
DEAD_REDIS_URL = "redis://127.0.0.1:9/0"


def redis_cache(url):
    return {
        "default": {
            "BACKEND": "omag.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "omag-test-outage",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }


def redis_available() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture(autouse=True)
def _fresh_outage_state():
    from omag import pagecache

    omag_cache._Outage.down_until = 0.0
    omag_cache._Outage.logged = False
    yield
    omag_cache._Outage.down_until = 0.0
    omag_cache._Outage.logged = False
    pagecache._Missed.site = False


@pytest.fixture
def dead_redis():
    with override_settings(CACHES=redis_cache(DEAD_REDIS_URL)):
        yield


def test_reads_miss_and_writes_are_dropped(dead_redis):
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("k", 1) is False
    assert cache.set("k", 1) is None
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.delete("k") is False
    assert cache.get_or_set("k", lambda: "computed") == "computed"


def test_counters_say_they_are_unknown(dead_redis):
    with pytest.raises(omag_cache.CacheUnavailable):
        cache.incr("counter")


def test_one_warning_per_outage(dead_redis, caplog, monkeypatch):
    # No back-off, so that every call really asks the dead Redis.
    monkeypatch.setattr(omag_cache, "RETRY_AFTER", 0)
    with caplog.at_level(logging.WARNING, logger="omag.cache"):
        for _ in range(5):
            cache.get("k")
    assert [r.getMessage()[:17] for r in caplog.records] == ["Cache unreachable"]


@pytest.mark.django_db
def test_pages_are_served_without_redis(dead_redis, client, caplog):
    article = make_article()
    # The save's skipped invalidation is logged, rightly; the outage starts
    # afresh for the readers.
    caplog.clear()
    omag_cache._Outage.down_until = 0.0
    omag_cache._Outage.logged = False
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert client.get("/").status_code == 200
            assert client.get(article.get_absolute_url()).status_code == 200
    outage_warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(outage_warnings) == 1


def trusted_commenter(article, email):
    """Three approved comments make the e-mail trusted; returns the post URL."""
    for index in range(3):
        Comment.objects.create(
            article=article,
            name="Fidèle",
            email=email,
            body=f"Ancien {index}",
            status=Comment.Status.APPROVED,
        )
    return reverse("comments:post", kwargs={"slug": article.slug})


@pytest.mark.django_db
def test_comments_are_held_for_moderation_without_rate_limits(dead_redis, client):
    """Fail safe: without counters, a comment that would have been published
    at once (a trusted commenter) is held; none is refused or lost."""
    article = make_article()
    data = post_data(article)
    url = trusted_commenter(article, data["email"])
    response = client.post(url, data, REMOTE_ADDR="192.0.2.8")
    assert response.status_code == 302
    comment = Comment.objects.get(body=data["body"])
    assert comment.status == Comment.Status.PENDING
    assert "Limites d'envoi indisponibles" in comment.held_reason


@pytest.mark.django_db
def test_trusted_commenter_is_published_when_redis_is_up(client):
    """The same post with the rate limits counted is published at once."""
    if not redis_available():
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    with override_settings(CACHES=redis_cache(REDIS_URL)):
        cache.clear()
        article = make_article()
        data = post_data(article)
        url = trusted_commenter(article, data["email"])
        response = client.post(url, data, REMOTE_ADDR="192.0.2.9")
        assert response.status_code == 302
        comment = Comment.objects.get(body=data["body"])
        assert comment.status == Comment.Status.APPROVED
        cache.clear()


@pytest.mark.django_db
def test_invalidation_missed_during_an_outage_is_made_when_redis_returns(
    client, django_capture_on_commit_callbacks
):
    """An article saved while Redis is down cannot bump the page generation;
    a Redis restarted with its data would serve the old pages. The first
    request once Redis answers again makes the invalidation."""
    from omag import pagecache

    if not redis_available():
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    with override_settings(CACHES=redis_cache(REDIS_URL)):
        cache.clear()
        article = make_article(title="Titre avant la panne")
        client.get(article.get_absolute_url())
        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
        with (
            override_settings(CACHES=redis_cache(DEAD_REDIS_URL)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            article.title = "Titre corrigé pendant la panne"
            article.save()
        omag_cache._Outage.down_until = 0.0  # Redis is back
        try:
            response = client.get(article.get_absolute_url())
            assert response["X-Page-Cache"] == "miss"
            assert "Titre corrigé pendant la panne" in response.text
            assert pagecache._Missed.site is False
        finally:
            pagecache._Missed.site = False
            cache.clear()
