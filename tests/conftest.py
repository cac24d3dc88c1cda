import time

import pytest


@pytest.fixture(autouse=True)
def media_root(tmp_path_factory, settings):
    """Uploads and renditions go to a throwaway folder, never the project's."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _clear_caches():
    """Database rows are rolled back after each test; cached pages must go too."""
    from django.conf import settings
    from django.core.cache import caches

    from articles.signals import pending
    from omag import localpages, pagecache

    for cache in caches.all():
        cache.clear()
    # With REDIS_URL set, each process keeps a copy of the most read pages,
    # which clearing Redis does not reach.
    for pages in localpages._instances.values():
        pages.clear()
    pending.reset()  # purges a rolled-back test left behind
    # As on a running site, the page cache knows its next deadline (none
    # planned); a test that schedules an article commits it (on_commit).
    caches[settings.PAGE_CACHE_ALIAS].set(
        pagecache.DEADLINE_KEY, {"at": None, "checked": time.time()}, timeout=None
    )
    yield


@pytest.fixture(autouse=True)
def _french_by_default():
    """A request to /en/… leaves English active in the test thread; each test
    starts in French, as the site does, so reverse() gives unprefixed URLs."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.activate("fr")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A "replica" alias mirroring the default test database (Django's way of
    testing a primary/replica set-up), for tests/test_db_router.py. Nothing
    else uses it: the router that sends reads there is installed by those
    tests only (or in production by DATABASE_REPLICA_URL)."""
    from django.conf import settings

    settings.DATABASES.setdefault(
        "replica",
        {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}},
    )


@pytest.fixture(scope="session", autouse=True)
def _json_support_known(django_db_setup, django_db_blocker):
    """Django asks SQLite once per connection whether it has JSON functions,
    with a query, the first time a query uses them (the comments' summary):
    asked here, not inside a test that counts its queries."""
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            connection.features.supports_json_field  # noqa: B018
