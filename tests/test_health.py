"""/sante/ for load balancers: 200 while the database answers, "degraded" but
200 with the cache down, never cached. (503 with the database down is shown
by tests/faults/pg_restart.py against a real PostgreSQL being restarted.)"""

import pytest
from django.test import override_settings

from omag import cache as omag_cache

DEAD_REDIS = {
    "default": {
        "BACKEND": "omag.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.5},
    }
}


@pytest.fixture(autouse=True)
def _fresh_outage_state():
    yield
    omag_cache._Outage.down_until = 0.0
    omag_cache._Outage.logged = False


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.django_db
def test_cache_down_is_degraded_but_serving(client):
    with override_settings(CACHES=DEAD_REDIS):
        response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "down"}


@pytest.mark.django_db
def test_head_and_no_post(client):
    assert client.head("/sante/").status_code == 200
    assert client.post("/sante/").status_code == 405
