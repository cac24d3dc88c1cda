"""The reader's consent state, read from django-cookie-consent's cookie and ours.

The package's cookie (``cookie_consent``) holds, per optional group, the version
accepted or ``-1``. Ours (``omag_consent``) holds the random consent id that ties
the reader's decisions together in the proof records, and the version hash of
what was shown when they decided: when groups, cookies or texts change, the
hash no longer matches and the reader is asked again.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass

from cookie_consent.cache import all_cookie_groups
from cookie_consent.models import Cookie, CookieGroup
from cookie_consent.util import get_cookie_value_from_request
from django.core.cache import cache
from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .conf import settings

VERSION_CACHE_KEY = "consent:version"
SEPARATOR = "."


def groups_for_display():
    """Every group, required ones first, with their cookies and details joined."""
    return CookieGroup.objects.order_by(
        "-is_required", "ordering", "pk"
    ).prefetch_related(
        Prefetch(
            "cookie_set",
            queryset=Cookie.objects.select_related("details").order_by("name"),
        )
    )


def _compute_version() -> str:
    shown = [
        {
            "group": [g.varname, g.name, g.description, g.is_required],
            "cookies": [
                [
                    c.name,
                    c.description,
                    c.domain,
                    c.path,
                    getattr(getattr(c, "details", None), "provider", ""),
                    getattr(getattr(c, "details", None), "lifetime", ""),
                ]
                for c in g.cookie_set.all()
            ],
        }
        for g in groups_for_display()
    ]
    payload = json.dumps(
        {"groups": shown, "texts": settings.CONSENT_TEXTS_VERSION},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def current_version() -> str:
    """Hash of the groups, cookies and texts shown to readers (cached)."""
    return cache.get_or_set(VERSION_CACHE_KEY, _compute_version, timeout=None)


@receiver([post_save, post_delete], sender=CookieGroup)
@receiver([post_save, post_delete], sender=Cookie)
@receiver([post_save, post_delete], sender="consent.CookieDetails")
def _forget_version(**kwargs):
    cache.delete(VERSION_CACHE_KEY)


def optional_groups() -> dict[str, CookieGroup]:
    """The package's cached optional groups, by varname."""
    return dict(all_cookie_groups())


@dataclass(frozen=True)
class ConsentCookie:
    consent_id: uuid.UUID
    version: str

    @classmethod
    def from_request(cls, request) -> "ConsentCookie | None":
        raw = request.COOKIES.get(settings.CONSENT_COOKIE_NAME, "")
        consent_id, _, version = raw.partition(SEPARATOR)
        try:
            return cls(uuid.UUID(consent_id), version)
        except ValueError:
            return None

    @property
    def value(self) -> str:
        return f"{self.consent_id.hex}{SEPARATOR}{self.version}"


@dataclass(frozen=True)
class ConsentState:
    accepted: list[str]
    declined: list[str]
    pending: list[str]
    consent_id: uuid.UUID | None
    up_to_date: bool

    @property
    def needs_choice(self) -> bool:
        """Ask (again) when a group was never answered, or what was shown changed."""
        return bool(self.pending) or not self.up_to_date

    def is_accepted(self, varname: str) -> bool:
        return varname in self.accepted and self.up_to_date


def consent_state(request) -> ConsentState:
    accepted, declined, pending = [], [], []
    for varname in optional_groups():
        value = get_cookie_value_from_request(request, varname)
        {True: accepted, False: declined, None: pending}[value].append(varname)
    cookie = ConsentCookie.from_request(request)
    up_to_date = cookie is not None and cookie.version == current_version()[:16]
    return ConsentState(
        accepted=accepted,
        declined=declined,
        pending=pending,
        consent_id=cookie.consent_id if cookie else None,
        up_to_date=up_to_date,
    )
