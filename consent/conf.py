"""Defaults of the consent settings; override any of them in omag/settings.py."""

from appconf import AppConf
from django.conf import settings

__all__ = ["settings"]


class ConsentConf(AppConf):
    # Essential cookie holding the random consent id and the version decided on.
    COOKIE_NAME = "omag_consent"
    # A choice is remembered six months (CNIL), then asked again.
    MAX_AGE = 60 * 60 * 24 * 182
    # Bump when the banner's texts change: readers are then asked again.
    TEXTS_VERSION = "2026-11-1"
    # Proof records (and the package's log) older than this are purged.
    RECORD_RETENTION_DAYS = 395
    # Group varnames our own code relies on (seeded by the data migration).
    AUDIENCE_GROUP = "audience"
    EXTERNAL_MEDIA_GROUP = "external_media"
    AUDIENCE_COOKIE_NAME = "omag_audience"
    AUDIENCE_COOKIE_MAX_AGE = 60 * 60 * 24 * 395
    # Provider key → (display name, iframe URL built from the content id).
    # Tests point these at hosts they intercept; nothing is fetched before consent.
    EMBED_PROVIDERS = {
        "youtube": ("YouTube", "https://www.youtube-nocookie.com/embed/{id}"),
        "vimeo": ("Vimeo", "https://player.vimeo.com/video/{id}"),
        "twitter": (
            "X (Twitter)",
            "https://platform.twitter.com/embed/Tweet.html?id={id}",
        ),
        "instagram": ("Instagram", "https://www.instagram.com/p/{id}/embed/"),
    }

    class Meta:
        prefix = "consent"
