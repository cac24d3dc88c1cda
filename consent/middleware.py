"""Consent enforcement on responses.

Both middlewares sit at the very top of MIDDLEWARE, outside any page cache
(django.middleware.cache.UpdateCacheMiddleware and a CDN cache whole pages
for every reader): what they add or remove depends on this reader's cookies
and must never be stored and replayed to others.
"""

from http.cookies import SimpleCookie

from cookie_consent.middleware import CleanCookiesMiddleware
from django.conf import settings as django_settings

from omag.db import PIN_COOKIE

from .conf import settings
from .state import consent_state, optional_groups


def essential_cookie_names() -> set[str]:
    """Cookies that never need consent, known without touching the database."""
    return {
        django_settings.SESSION_COOKIE_NAME,
        django_settings.CSRF_COOKIE_NAME,
        django_settings.LANGUAGE_COOKIE_NAME,
        settings.COOKIE_CONSENT_NAME,
        settings.CONSENT_COOKIE_NAME,
        "messages",
        PIN_COOKIE,
    }


def _only_essential(names) -> bool:
    return set(names) <= essential_cookie_names()


def _is_deletion(morsel) -> bool:
    return str(morsel["max-age"]) == "0" or morsel["expires"].startswith(
        "Thu, 01 Jan 1970"
    )


class ConsentCleanCookiesMiddleware(CleanCookiesMiddleware):
    """The package's middleware (deletes cookies of groups not accepted that the
    browser sent), skipped when the request carries only essential cookies so
    that ordinary page views never load the groups."""

    def process_response(self, request, response):
        if _only_essential(request.COOKIES):
            return response
        return super().process_response(request, response)


class _CookieView:
    """The cookies as they will be once the response is applied."""

    def __init__(self, request, response):
        self.COOKIES = dict(request.COOKIES)
        for name in (settings.COOKIE_CONSENT_NAME, settings.CONSENT_COOKIE_NAME):
            if name in response.cookies:
                self.COOKIES[name] = response.cookies[name].value


class ConsentCookieFilterMiddleware:
    """Drop every Set-Cookie of a cookie whose group the reader has not
    accepted; the package only deletes cookies the browser already sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.cookies and not _only_essential(response.cookies):
            self.filter_cookies(request, response)
        return response

    @staticmethod
    def filter_cookies(request, response):
        owners = {
            cookie.name: varname
            for varname, group in optional_groups().items()
            for cookie in group.cookie_set.all()
        }
        state = consent_state(_CookieView(request, response))
        cookies: SimpleCookie = response.cookies
        for name, morsel in list(cookies.items()):
            group = owners.get(name)
            if group is None or _is_deletion(morsel) or state.is_accepted(group):
                continue
            del cookies[name]
