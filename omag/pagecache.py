"""Whole-page cache for anonymous readers, purged exactly.

Django's cache middleware keys pages by URL and headers but cannot drop the
pages one edit changes, so this one keeps generations beside the pages (as
djangoproject.com's `generation_key()` does):

- one generation per path, bumped by `purge_paths()` when the pages at that
  path (with any page number: ?page=2, ?commentaires=3…) changed: the apps
  work out which paths show what changed (articles/purge.py);
- one site generation, bumped by `purge_all()` when every page changed (a
  section renamed: the navigation shows it everywhere).

A lookup is one round trip to the shared cache: the page, both generations
and the next deadline. A page is fresh while the generations are the ones it
was rendered under and for PAGE_CACHE_TIMEOUT at most; a generation lives
that long after its last bump, so that a missing one can only mean that
every page rendered before it is no longer fresh anyway.

A stale page is kept (PAGE_CACHE_KEEP): while one worker renders it again
(a short lock in the shared cache), other readers get the previous copy, so
a purge costs one render however many readers ask; and while the database
is unreachable, readers get the previous copy instead of an error.

Deadlines: an app that knows when pages will change by themselves (a
scheduled article going live) registers a handler (`deadline_handlers`); the
first request past the deadline runs the handlers, which purge what changed
and tell the next deadline.

Views opt in by calling `mark_cacheable()`; only responses without cookies,
for requests without a session, are kept. Every response the cache handles
says how in `X-Page-Cache`: hit, stale or miss (rendered now).
"""

import functools
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from .localpages import local_pages, publish_invalidation

logger = logging.getLogger(__name__)

# The format of what is stored: a release that changes it changes this, so
# that it never reads what an older one left in the shared cache.
FORMAT = "pagecache:2:"
SITE_GENERATION_KEY = FORMAT + "gen:site"
DEADLINE_KEY = FORMAT + "deadline"
DEADLINE_LOCK_KEY = FORMAT + "deadline:lock"
CACHEABLE_ATTR = "_omag_page_cacheable"
# Generations outlive the freshness of the pages rendered before them.
GENERATION_MARGIN = 60
_UNCACHED_PREFIXES = tuple(
    "/" + url.lstrip("/")
    for url in (settings.STATIC_URL, settings.MEDIA_URL)
    if url and not url.startswith(("http://", "https://", "//"))
)

# Callables (since: float | None, now: float) -> float | None, registered by
# apps in AppConfig.ready(): purge what changed by itself since `since` (None:
# unknown, e.g. after the cache was emptied) and return the next moment
# something will (None: nothing planned).
deadline_handlers = []


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def page_key(full_path: str) -> str:
    return FORMAT + "page:" + _digest(full_path)


def path_generation_key(path: str) -> str:
    return FORMAT + "gen:path:" + _digest(path)


def _lock_key(full_path: str) -> str:
    return FORMAT + "lock:" + _digest(full_path)


def _new_generation() -> str:
    return f"{time.time_ns():x}"


class _Missed:
    """A purge this process could not make (cache down): Redis may come back
    with the pages it held, so the whole site is purged by the next request
    that reaches the cache."""

    site = False


def _generation_timeout() -> int:
    return settings.PAGE_CACHE_TIMEOUT + GENERATION_MARGIN


def purge_all() -> None:
    """Every cached page is stale: each is rendered again on its next request."""
    try:
        _cache().set(
            SITE_GENERATION_KEY, _new_generation(), timeout=_generation_timeout()
        )
        publish_invalidation()
        _Missed.site = False
    except Exception:  # noqa: BLE001 - a cache outage must not break a save
        if not _Missed.site:  # once, not on every retry
            logger.warning("Page cache unreachable: site purge postponed")
        _Missed.site = True


def purge_paths(paths) -> None:
    """The pages at these paths (e.g. one article in each language), with any
    query string, are stale. Call it once the change is committed: a page
    rendered before would be stored under the new generation otherwise."""
    generation = _new_generation()
    keys = {path_generation_key(path): generation for path in set(paths)}
    if not keys:
        return
    try:
        _cache().set_many(keys, timeout=_generation_timeout())
        publish_invalidation()
    except Exception:  # noqa: BLE001
        if not _Missed.site:
            logger.warning("Page cache unreachable: path purge postponed")
        _Missed.site = True


def mark_cacheable(response):
    """Let the page cache keep this response: it depends on its URL alone
    and is the same for every reader."""
    setattr(response, CACHEABLE_ATTR, True)
    return response


def cacheable(view):
    """A view whose successful responses the page cache may keep (see
    mark_cacheable())."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            mark_cacheable(response)
        return response

    return wrapped


def check_deadline(*, now=None, known=True, since=None) -> None:
    """Run the deadline handlers (one process at a time) and store the next
    deadline. `known`: whether `since`, the last check, is known."""
    cache = _cache()
    now = now or time.time()
    lock_seconds = settings.PAGE_CACHE_LOCK_SECONDS
    try:
        if not cache.add(DEADLINE_LOCK_KEY, 1, timeout=lock_seconds):
            return  # another process is at it
    except Exception:  # noqa: BLE001
        return
    try:
        if known and since is None:
            since = (cache.get(DEADLINE_KEY) or {}).get("checked")
        upcoming = [handler(since, now) for handler in deadline_handlers]
        upcoming = [moment for moment in upcoming if moment is not None]
        cache.set(
            DEADLINE_KEY,
            {"at": min(upcoming, default=None), "checked": now},
            timeout=None,
        )
        publish_invalidation()  # local copies were kept until the old one
    except Exception:  # noqa: BLE001 - e.g. the database is down
        logger.warning("Page cache deadline not checked", exc_info=True)
        # Tried again once the lock expires, not by every request meanwhile.
        return
    cache.delete(DEADLINE_LOCK_KEY)


def _is_eligible(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path_info.startswith(_UNCACHED_PREFIXES):
        return False  # static files and media: WhiteNoise or the web server
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return False  # SecurityMiddleware, below, redirects it to HTTPS
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # logged-in staff, or a reader with a session: never shared
    for name, value in request.GET.lists():
        # Only pagination varies a page; other query strings would let anyone
        # fill the cache with copies.
        if (
            name not in settings.PAGE_CACHE_QUERY_PARAMS
            or len(value) != 1
            or not (value[0].isascii() and value[0].isdigit())
        ):
            return False
    return True


def _public_headers(response) -> None:
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PAGE_CACHE_BROWSER_MAX_AGE,
        s_maxage=settings.PAGE_CACHE_SHARED_MAX_AGE,
        stale_while_revalidate=settings.PAGE_CACHE_STALE_WHILE_REVALIDATE,
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.outage_logged = False

    def __call__(self, request):
        if not settings.PAGE_CACHE_ENABLED or not _is_eligible(request):
            return self.get_response(request)
        full_path = request.get_full_path()
        keys = [
            page_key(full_path),
            SITE_GENERATION_KEY,
            path_generation_key(request.path),
            DEADLINE_KEY,
        ]
        if _Missed.site:
            purge_all()
        now = time.time()
        local = local_pages()
        if local is not None:
            if (entry := local.get(keys[0], now)) is not None:
                return self.from_entry(request, entry)
            epoch = local.epoch  # before reading: see LocalPages.put
        try:
            found = self.lookup(keys, now)
            self.outage_logged = False
        except Exception:  # noqa: BLE001 - serve without cache when it is down
            if not self.outage_logged:
                logger.warning("Page cache unreachable: serving without it")
                self.outage_logged = True
            return self.get_response(request)
        generations = (found.get(keys[1]), found.get(keys[2]))
        entry = found.get(keys[0])
        deadline = (found.get(DEADLINE_KEY) or {}).get("at") or float("inf")
        if entry is not None and self.is_fresh(entry, generations, now):
            if local is not None:
                local.put(
                    keys[0], entry, epoch, until=min(entry["fresh_until"], deadline)
                )
            return self.from_entry(request, entry)

        locked = False
        if entry is not None:
            # Stale: one worker renders it again, the others serve this copy.
            lock = _lock_key(full_path)
            try:
                locked = _cache().add(lock, 1, timeout=settings.PAGE_CACHE_LOCK_SECONDS)
            except Exception:  # noqa: BLE001
                locked = True  # no lock to be had: render, as without a cache
            if not locked:
                return self.stale(entry, now)
        response = self.get_response(request)
        if response.status_code >= 500 and entry is not None:
            # E.g. the database is down: the lock, kept until it expires,
            # spares it the other readers' attempts.
            return self.stale(entry, now)
        if locked:
            _cache().delete(_lock_key(full_path))
        if (
            getattr(response, CACHEABLE_ATTR, False)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            entry = self.store(keys[0], response, generations, now)
            if entry is not None and local is not None:
                local.put(
                    keys[0], entry, epoch, until=min(entry["fresh_until"], deadline)
                )
        response["X-Page-Cache"] = "miss"
        return response

    def lookup(self, keys, now) -> dict:
        """The page, its generations and the deadline; past the deadline, or
        when it is unknown, the deadline handlers run first."""
        found = _cache().get_many(keys)
        deadline = found.get(DEADLINE_KEY)
        if deadline is None or (deadline["at"] is not None and deadline["at"] <= now):
            check_deadline(now=now, known=deadline is not None)
            found = _cache().get_many(keys)
        return found

    @staticmethod
    def is_fresh(entry, generations, now) -> bool:
        if entry["fresh_until"] <= now:
            return False
        # A generation that expired was bumped before the page's freshness.
        return all(
            current is None or current == stored
            for current, stored in zip(generations, entry["generations"], strict=True)
        )

    def store(self, key, response, generations, now) -> dict | None:
        content = response.content
        response["ETag"] = (
            '"' + hashlib.md5(content, usedforsecurity=False).hexdigest() + '"'
        )
        response["Last-Modified"] = http_date(now)
        # The page depends on its URL alone (the contract of mark_cacheable), so
        # shared caches need no Vary on the language or cookies.
        del response["Vary"]
        # Stored with its final headers, so that a hit copies them as they are.
        _public_headers(response)
        entry = {
            "content": content,
            "headers": {
                name: value
                for name, value in response.items()
                if name.lower() not in {"set-cookie", "vary"}
            },
            "generations": generations,
            # From the lookup: a purge during the render is newer than it.
            "fresh_until": now + settings.PAGE_CACHE_TIMEOUT,
            "stored_at": now,
        }
        try:
            _cache().set(key, entry, timeout=settings.PAGE_CACHE_KEEP)
        except Exception:  # noqa: BLE001
            logger.warning("Page cache unreachable: page not stored")
            return None
        return entry

    @staticmethod
    def from_entry(request, entry):
        headers = entry["headers"]
        if not (
            "HTTP_IF_NONE_MATCH" in request.META
            or "HTTP_IF_MODIFIED_SINCE" in request.META
        ):
            # The common hit: the stored page as it is, no header parsed.
            response = HttpResponse(entry["content"], headers=headers)
            response["X-Page-Cache"] = "hit"
            return response
        response = get_conditional_response(
            request,
            etag=headers.get("ETag"),
            last_modified=parse_http_date_safe(headers.get("Last-Modified", "")),
        )
        if response is None:
            response = HttpResponse(entry["content"], headers=headers)
        else:
            for name in ("ETag", "Last-Modified", "Content-Language"):
                if name in headers:
                    response[name] = headers[name]
            _public_headers(response)
        response["X-Page-Cache"] = "hit"
        return response

    @staticmethod
    def stale(entry, now):
        """The previous copy of a page, marked stale for caches in front
        (its Age past any max-age they may keep it for)."""
        response = HttpResponse(entry["content"], headers=entry["headers"])
        response["Cache-Control"] = "public, max-age=0"
        response["Age"] = str(max(0, int(now - entry["stored_at"])))
        response["X-Page-Cache"] = "stale"
        return response
