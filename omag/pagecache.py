"""Whole-page cache for anonymous readers.

Django's cache middleware keys pages by URL and headers but cannot drop the
pages one edit changes, so this one keeps generations beside each page:

- one site generation, bumped by any editorial change (an article, section,
  author, tag or related link saved), since navigation and listings show them;
- one generation per path, bumped when only that page changed (a comment
  approved under an article).

A stored page remembers the generations it was rendered under and the time it
must expire (the next scheduled publication); a hit is one cache round trip,
no template, no database query. Views opt in by calling `mark_cacheable()`;
only responses without cookies, for requests without a session, are kept.
"""

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

SITE_GENERATION_KEY = "pagecache:gen:site"
_UNCACHED_PREFIXES = tuple(
    "/" + url.lstrip("/")
    for url in (settings.STATIC_URL, settings.MEDIA_URL)
    if url and not url.startswith(("http://", "https://", "//"))
)
CACHEABLE_ATTR = "_omag_page_cacheable"


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _page_key(path: str) -> str:
    return "pagecache:page:" + hashlib.sha256(path.encode()).hexdigest()


def _path_generation_key(path: str) -> str:
    return "pagecache:gen:path:" + hashlib.sha256(path.encode()).hexdigest()


def _bump(key: str) -> None:
    cache = _cache()
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, int(time.time() * 1000), timeout=None)


class _Missed:
    """An invalidation this process could not make (cache down): Redis may
    come back with the pages it held (persistence), so the whole site is
    invalidated by the next request that reaches the cache."""

    site = False


def invalidate_site() -> None:
    """Every cached page is stale: the next request renders it again."""
    try:
        _bump(SITE_GENERATION_KEY)
        publish_invalidation()
        _Missed.site = False
    except Exception:  # noqa: BLE001 - a cache outage must not break a save
        if not _Missed.site:  # once, not on every retry
            logger.warning("Page cache unreachable: site invalidation postponed")
        _Missed.site = True


def invalidate_paths(paths) -> None:
    """The pages at these paths (e.g. one article in each language), with any
    query string, are stale."""
    try:
        for path in paths:
            _bump(_path_generation_key(path))
        publish_invalidation()
    except Exception:  # noqa: BLE001
        if not _Missed.site:
            logger.warning("Page cache unreachable: path invalidation postponed")
        _Missed.site = True


def mark_cacheable(response, *, expires_at: float | None = None):
    """Let the page cache keep this response, until `expires_at` at the latest
    (a UNIX time: e.g. the next scheduled publication)."""
    setattr(response, CACHEABLE_ATTR, expires_at or True)
    return response


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
        # A path's generation covers all its pages (?page=2…).
        page_key = _page_key(request.get_full_path())
        path_key = _path_generation_key(request.path)
        if _Missed.site:
            invalidate_site()
        local = local_pages()
        if local is not None:
            if entry := local.get(page_key):
                return self._from_entry(request, entry)
            epoch = local.epoch  # before reading: see LocalPages.put
        try:
            found = _cache().get_many([page_key, SITE_GENERATION_KEY, path_key])
            self.outage_logged = False
        except Exception:  # noqa: BLE001 - serve without cache when it is down
            if not self.outage_logged:
                logger.warning("Page cache unreachable: serving without it")
                self.outage_logged = True
            return self.get_response(request)
        generations = (found.get(SITE_GENERATION_KEY), found.get(path_key))
        entry = found.get(page_key)
        if (
            entry
            and entry["generations"] == generations
            and entry["expires"] > time.time()
        ):
            if local is not None:
                local.put(page_key, entry, epoch)
            return self._from_entry(request, entry)

        response = self.get_response(request)
        cacheable = getattr(response, CACHEABLE_ATTR, None)
        if (
            cacheable
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            entry = self._store(page_key, response, generations, cacheable)
            if entry is not None and local is not None:
                local.put(page_key, entry, epoch)
            _public_headers(response)
        return response

    def _store(self, key, response, generations, cacheable) -> dict | None:
        now = time.time()
        expires = now + settings.PAGE_CACHE_TIMEOUT
        if cacheable is not True:
            expires = min(expires, cacheable)
        if expires <= now:
            return None
        content = response.content
        etag = '"' + hashlib.md5(content, usedforsecurity=False).hexdigest() + '"'
        response["ETag"] = etag
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
            "expires": expires,
        }
        try:
            _cache().set(key, entry, timeout=int(expires - now) + 1)
        except Exception:  # noqa: BLE001
            logger.warning("Page cache unreachable: page not stored")
            return None
        return entry

    def _from_entry(self, request, entry):
        headers = entry["headers"]
        if not (
            "HTTP_IF_NONE_MATCH" in request.META
            or "HTTP_IF_MODIFIED_SINCE" in request.META
        ):
            # The common hit: the stored page as it is, no header parsed.
            response = HttpResponse(entry["content"], headers=headers)
            response["X-Page-Cache"] = "hit"
            if "Cache-Control" not in headers:  # stored by an older release
                _public_headers(response)
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
        response["X-Page-Cache"] = "hit"
        _public_headers(response)
        return response
