import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The package caches the groups and we cache their version hash; a rolled
    back test must not leave its groups behind for the next one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _french():
    """A request to /en/ leaves English active in the thread; reverse() in the
    next test must give French URLs."""
    with translation.override("fr"):
        yield
