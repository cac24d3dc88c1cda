"""Reads from a read replica, writes to the primary (used only when
DATABASE_REPLICA_URL is set; see docs/deploy.md).

A replica lags the primary by a fraction of a second, sometimes more. So that
nobody sees the past, a read goes to the primary when:

- it runs inside a transaction on the primary (it must see that transaction);
- the request has written, or is a POST/PUT/PATCH/DELETE (it will write and
  its checks, e.g. duplicate comments, must see the latest rows);
- the request is the admin's (editors read what they have just saved);
- the reader wrote less than REPLICA_PIN_SECONDS ago (a cookie says so: the
  comment they posted, the consent they saved, is there on the next page);
- the model is a session or an account (logging in must work at once).

Everything else (reader pages rendered for the page cache, feeds, sitemaps,
search) is served by the replica. The one lag left: a page rendered from the
replica just after an editor publishes may miss the change; the page cache
then keeps it until the next invalidation, so the site also pins reads to the
primary for REPLICA_PIN_SECONDS after any editorial save (a key in the shared
cache, read once per uncached request).

The per-request state lives in context variables, set by the middleware: right
for WSGI (gunicorn's sync workers). Outside a request (a management command),
the first write keeps the rest of the process on the primary, the safe side."""

import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
# Apps whose rows are read right after being written by the same person.
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "admin", "reversion"})
# Editorial apps: a save pins the whole site to the primary for a moment.
EDITORIAL_APPS = frozenset({"articles"})
PIN_COOKIE = "omag_primary"
SITE_PIN_KEY = "omag:db:primary-until"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Whether reads in the current request (or thread) must go to the primary.
_pinned: ContextVar[bool] = ContextVar("omag_db_pinned", default=False)
# Whether the current request has written.
_wrote: ContextVar[bool] = ContextVar("omag_db_wrote", default=False)


def pin_seconds() -> int:
    return getattr(settings, "REPLICA_PIN_SECONDS", 5)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    """Sends reads to REPLICA unless one of the rules above needs PRIMARY."""

    def db_for_read(self, model, **hints):
        if not replica_configured():
            return None
        if (
            _pinned.get()
            or _wrote.get()
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases are the same data: rows may point at each other.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's schema through replication.
        return db != REPLICA


class ReplicaPinMiddleware:
    """Decides, once per request, whether its reads may use the replica, and
    keeps a reader who just wrote on the primary for a few seconds. Placed
    after the page cache: a cached page needs no database at all."""

    def __init__(self, get_response):
        self.get_response = get_response
        connect()

    def __call__(self, request):
        pinned = _pinned.set(self.must_read_primary(request))
        wrote = _wrote.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get():
                response.set_cookie(
                    PIN_COOKIE,
                    "1",
                    max_age=pin_seconds(),
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
            return response
        finally:
            _pinned.reset(pinned)
            _wrote.reset(wrote)

    @staticmethod
    def must_read_primary(request) -> bool:
        if request.method in UNSAFE_METHODS or PIN_COOKIE in request.COOKIES:
            return True
        if request.path_info.startswith("/admin/"):
            return True
        return site_pinned()


def site_pinned() -> bool:
    try:
        return (cache.get(SITE_PIN_KEY) or 0) > time.time()
    except Exception:  # noqa: BLE001 - no cache: the replica serves, as usual
        return False


def pin_site(sender, **kwargs) -> None:
    """After an editorial save or a comment published, unpublished or deleted
    (comments_changed), pages re-rendered for the page cache read the primary
    until the replica has surely caught up."""
    if kwargs.get("raw") or not replica_configured():
        return
    if sender._meta.app_label not in EDITORIAL_APPS | {"comments"}:
        return
    if sender._meta.app_label == "comments" and "article_ids" not in kwargs:
        return  # a comment saved (e.g. pending) changes no public page
    try:
        cache.set(SITE_PIN_KEY, time.time() + pin_seconds(), timeout=pin_seconds())
    except Exception:  # noqa: BLE001 - a cache outage must not break a save
        logger.warning("Cache unreachable: replica pin skipped")


def connect() -> None:
    """Listen for editorial saves (once the middleware is installed, i.e. only
    when a replica is configured). Apps whose public changes are not plain
    saves connect their own signal to pin_site (comments, in its AppConfig)."""
    post_save.connect(pin_site, dispatch_uid="omag.db.pin_site.save")
    post_delete.connect(pin_site, dispatch_uid="omag.db.pin_site.delete")
