import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and the notification lock start from nothing."""
    cache.clear()
    yield
    cache.clear()
