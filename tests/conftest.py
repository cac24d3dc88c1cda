import pytest


@pytest.fixture(autouse=True)
def media_root(tmp_path_factory, settings):
    """Uploads and renditions go to a throwaway folder, never the project's."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _clear_caches():
    """Database rows are rolled back after each test; cached pages must go too."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _french_by_default():
    """A request to /en/… leaves English active in the test thread; each test
    starts in French, as the site does, so reverse() gives unprefixed URLs."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.activate("fr")
