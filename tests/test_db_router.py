"""The read replica router (omag/db.py), with two aliases on one database.

DATABASE_REPLICA_URL gives the replica alias TEST = {"MIRROR": "default"},
Django's documented way of testing a primary/replica set-up; tests/conftest.py
adds the same alias for the test run: both aliases open their own connections
to the same test database. The router and its middleware are installed here
only, so the rest of the suite reads the default database as before."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from omag import db
from tests.comments.factories import form_token
from tests.factories import make_article

ROUTER = "omag.db.ReplicaRouter"
BOTH = [db.PRIMARY, db.REPLICA]


@pytest.fixture
def replica(settings):
    # This thread is a "request" of its own: nothing written yet.
    pinned, wrote = db._pinned.set(False), db._wrote.set(False)
    settings.DATABASE_ROUTERS = [ROUTER]
    index = settings.MIDDLEWARE.index("omag.pagecache.PageCacheMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: index + 1],
        "omag.db.ReplicaPinMiddleware",
        *settings.MIDDLEWARE[index + 1 :],
    ]
    settings.PAGE_CACHE_ENABLED = False  # every request reaches the database
    settings.COMMENTS_RATE_LIMITS = {"ip": (100, 60), "email": (100, 60)}
    yield connections[db.REPLICA]
    db._pinned.reset(pinned)
    db._wrote.reset(wrote)


class Spy:
    """The queries each alias ran."""

    def __init__(self):
        self.primary = CaptureQueriesContext(connections[db.PRIMARY])
        self.replica = CaptureQueriesContext(connections[db.REPLICA])

    def __enter__(self):
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)


def test_the_test_alias_is_a_mirror_of_the_default_database():
    assert (
        connections[db.REPLICA].settings_dict["NAME"]
        == (connections[db.PRIMARY].settings_dict["NAME"])
    )


@pytest.mark.django_db
def test_without_the_router_every_read_goes_to_the_default():
    assert router.db_for_read(Article) == db.PRIMARY
    assert Article.objects.all().db == db.PRIMARY


def test_without_a_replica_alias_the_router_has_no_opinion(monkeypatch):
    monkeypatch.delitem(connections.settings, db.REPLICA)
    assert db.ReplicaRouter().db_for_read(Article) is None


def test_the_replica_setting_adds_a_mirrored_alias_the_router_and_its_middleware():
    code = (
        "import omag.settings as s;"
        "print(s.DATABASES['replica']['TEST'], s.DATABASE_ROUTERS,"
        " s.MIDDLEWARE.index('omag.db.ReplicaPinMiddleware')"
        " - s.MIDDLEWARE.index('omag.pagecache.PageCacheMiddleware'))"
    )
    env = {**os.environ, "DATABASE_REPLICA_URL": "postgres://replica.example/omag"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert out.stdout.strip() == "{'MIRROR': 'default'} ['omag.db.ReplicaRouter'] 1"
    env.pop("DATABASE_REPLICA_URL")
    code = "import omag.settings as s; print(sorted(s.DATABASES), s.__dict__.get('DATABASE_ROUTERS'))"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert out.stdout.strip() == "['default'] None"


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reads_go_to_the_replica_and_writes_to_the_primary(replica):
    routes = db.ReplicaRouter()
    assert routes.db_for_read(Article) == db.REPLICA
    assert routes.db_for_read(Session) == db.PRIMARY
    assert routes.db_for_read(get_user_model()) == db.PRIMARY
    assert routes.allow_migrate(db.REPLICA, "articles") is False
    assert routes.allow_migrate(db.PRIMARY, "articles") is True
    with transaction.atomic():
        assert routes.db_for_read(Article) == db.PRIMARY
    assert Article.objects.all().db == db.REPLICA
    make_article()  # a write: the rest of this "request" reads the primary
    assert Article.objects.all().db == db.PRIMARY


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_reader_page_reads_only_the_replica(replica, client):
    article = make_article()
    cache.clear()  # the editorial save's short pin to the primary is over
    with Spy() as spy:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.title in response.text
    assert len(spy.replica.captured_queries) > 0
    assert spy.primary.captured_queries == []


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_reader_who_posts_reads_the_primary_until_the_replica_caught_up(
    replica, client
):
    article = make_article()
    cache.clear()
    post = {
        "name": "Lectrice",
        "email": "lectrice@example.org",
        "body": "Premier commentaire, en attente.",
        "token": form_token(article),
    }
    with Spy() as spy:
        response = client.post(f"/commentaires/article/{article.slug}/envoyer/", post)
    assert response.status_code == 302
    assert spy.replica.captured_queries == []
    pin = response.cookies[db.PIN_COOKIE]
    assert pin["max-age"] == 5
    assert pin["httponly"]

    with Spy() as spy:
        state = client.get(f"/commentaires/article/{article.slug}/etat/").json()
    # The comment awaiting moderation is shown back, read from the primary.
    assert len(state["pending"]) == 1
    assert spy.replica.captured_queries == []

    client.cookies.pop(db.PIN_COOKIE)
    with Spy() as spy:
        client.get(article.get_absolute_url())
    assert spy.primary.captured_queries == [] or all(
        "django_session" in q["sql"] for q in spy.primary.captured_queries
    )


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_admin_reads_the_primary(replica, admin_client):
    make_article()
    cache.clear()
    with Spy() as spy:
        response = admin_client.get("/admin/articles/article/")
    assert response.status_code == 200
    assert spy.replica.captured_queries == []


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_an_editorial_save_pins_reader_pages_to_the_primary_for_a_moment(
    replica, client
):
    article = make_article()
    client.get("/")  # the middleware is built and listens for editorial saves
    cache.clear()
    Article.objects.filter(pk=article.pk).update(title="Avant")
    article.refresh_from_db()
    article.title = "Titre corrigé"
    article.save()
    with Spy() as spy:
        response = client.get(article.get_absolute_url())
    assert "Titre corrigé" in response.text
    assert spy.replica.captured_queries == []

    cache.delete(db.SITE_PIN_KEY)  # REPLICA_PIN_SECONDS later
    with Spy() as spy:
        client.get(article.get_absolute_url())
    assert spy.primary.captured_queries == []
