from django.urls import reverse

FETCH = {"HTTP_X_COOKIE_CONSENT_FETCH": "1"}


def decide(client, choice, groups=(), **extra):
    """Post a decision as consent.js does; returns the JSON response."""
    return client.post(
        reverse("consent:save"),
        {"choice": choice, "groups": list(groups)},
        **FETCH,
        **extra,
    )


def status(client):
    return client.get(reverse("consent:status")).json()


def seed_cookie_groups():
    """Transactional tests flush the database: seed the groups as the data
    migration does, and forget what the caches knew of them."""
    import importlib

    from cookie_consent.cache import delete_cache
    from django.apps import apps
    from django.core.cache import cache

    from consent.state import VERSION_CACHE_KEY

    migration = importlib.import_module("consent.migrations.0002_seed_cookie_groups")
    migration.seed(apps, None)
    delete_cache()
    cache.delete(VERSION_CACHE_KEY)
