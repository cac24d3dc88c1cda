"""Security wiring: admin response headers, admin login throttling, and the
checks `manage.py check --deploy` adds for them.

The login throttle counts failed admin logins in the default cache, which is
Redis in production and so shared by every process and node. django-axes
would do it, but its releases do not support Django 6.1 yet.
"""

import hashlib
import logging
import math
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core import checks
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.middleware.csp import get_nonce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.csp import csp_override

from .pagecache import CACHEABLE_ATTR

logger = logging.getLogger(__name__)

THROTTLED_ATTR = "_omag_login_retry_after"


def client_ip(request) -> str:
    """The reader's address, taken from X-Forwarded-For only as deep as the
    trusted proxies in front of the app go."""
    proxies = settings.COMMENTS_TRUSTED_PROXIES
    if proxies:
        hops = [
            h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")
        ]
        if len(hops) >= proxies and hops[-proxies]:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


class LoginThrottle:
    """Failed admin logins of one address and one account name, per window
    (settings.ADMIN_LOGIN_LIMITS). A cache outage never locks editors out:
    logins are then checked by password alone, with a warning in the log."""

    def __init__(self, *, ip: str, username: str):
        username = username.strip().casefold()
        self.keys = {
            "ip_username": self._key("ip_username", f"{ip}\n{username}"),
            "ip": self._key("ip", ip),
            "username": self._key("username", username),
        }

    @staticmethod
    def _key(kind: str, value: str) -> str:
        digest = hashlib.sha256(value.encode()).hexdigest()[:32]
        return f"admin-login:fail:{kind}:{digest}"

    def retry_after(self) -> int:
        """Seconds before another attempt is heard (0: now)."""
        keys = [*self.keys.values(), *(key + ":until" for key in self.keys.values())]
        try:
            found = cache.get_many(keys)
        except Exception:  # noqa: BLE001 - cache down: fall back to passwords alone
            logger.warning("Cache unreachable: admin login throttle skipped")
            return 0
        wait = 0
        for kind, key in self.keys.items():
            limit, period = settings.ADMIN_LOGIN_LIMITS[kind]
            if found.get(key, 0) >= limit:
                until = found.get(key + ":until", time.time() + period)
                wait = max(wait, math.ceil(until - time.time()))
        return wait

    def record_failure(self) -> None:
        """Count one failure in each window; atomic (add, incr), so that
        parallel guesses cannot slip through between a read and a write."""
        try:
            for kind, key in self.keys.items():
                period = settings.ADMIN_LOGIN_LIMITS[kind][1]
                cache.add(key + ":until", time.time() + period, timeout=period)
                cache.add(key, 0, timeout=period)
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.add(key, 1, timeout=period)
        except Exception:  # noqa: BLE001
            logger.warning("Cache unreachable: failed admin login not counted")

    def record_success(self) -> None:
        """A correct password clears this address's count for the account."""
        try:
            key = self.keys["ip_username"]
            cache.delete_many([key, key + ":until"])
        except Exception:  # noqa: BLE001
            logger.warning("Cache unreachable: admin login count not cleared")


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin login form; refuses to even check a password once too many
    attempts failed, so that guessing stops for the window."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": _(
            "Trop de tentatives de connexion échouées. Par sécurité, la connexion "
            "est suspendue : réessayez dans %(minutes)s. En cas d'oubli du mot de "
            "passe, demandez à un administrateur de le réinitialiser."
        ),
    }

    def clean(self):
        throttle = LoginThrottle(
            ip=client_ip(self.request), username=self.data.get("username") or ""
        )
        if wait := throttle.retry_after():
            setattr(self.request, THROTTLED_ATTR, wait)
            minutes = math.ceil(wait / 60)
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={
                    "minutes": ngettext("%d minute", "%d minutes", minutes) % minutes
                },
            )
        try:
            cleaned_data = super().clean()
        except ValidationError:
            throttle.record_failure()
            raise
        throttle.record_success()
        return cleaned_data


class SecurityHeadersMiddleware:
    """Sits inside the page cache and the CSP middleware:

    - admin pages get the admin's CSP (TinyMCE) and are never indexed;
    - a throttled admin login answers 429 with Retry-After;
    - Django's debug error pages (DEBUG only) go without CSP;
    - a page whose template used the CSP nonce is not cached, since the nonce
      must change with every response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(reverse("admin:index")):
            response.setdefault("X-Robots-Tag", "noindex, nofollow")
            response = with_policy(request, response, settings.ADMIN_CSP)
            if wait := getattr(request, THROTTLED_ATTR, None):
                response.status_code = 429
                response.headers["Retry-After"] = str(wait)
        if settings.DEBUG and response.status_code in (404, 500):
            # Django's debug pages (DEBUG only) inline their styles and script.
            response = with_policy(request, response, {})
        if get_nonce(request) and hasattr(response, CACHEABLE_ATTR):
            delattr(response, CACHEABLE_ATTR)
        return response


def with_policy(request, response, config):
    """The response with this CSP (an empty one: no header), as Django's
    csp_override() gives a view's responses."""
    return csp_override(config)(lambda request: response)(request)


@checks.register(checks.Tags.security, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """The login throttle (and the page cache) must be shared by all processes."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            checks.Warning(
                "The default cache is local to each process: admin login "
                "throttling and comment rate limits are not shared.",
                hint="Set REDIS_URL.",
                id="omag.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security)
def check_embed_frames(app_configs, **kwargs):
    """Every click-to-load embed provider must be allowed by the CSP frame-src."""
    allowed = set(settings.SECURE_CSP.get("frame-src") or ())
    errors = []
    for key, (_name, template) in getattr(
        settings, "CONSENT_EMBED_PROVIDERS", {}
    ).items():
        parts = urlsplit(template)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in allowed:
            errors.append(
                checks.Warning(
                    f"Embed provider {key!r} ({origin}) is not in the CSP frame-src: "
                    "its embeds would be blocked.",
                    hint="Add it to CSP_FRAME_SRC.",
                    id="omag.W002",
                )
            )
    return errors
