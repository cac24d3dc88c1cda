"""Embeds in article bodies become click-to-load placeholders.

Two shapes are recognised: the editorial marker
``<figure class="embed" data-embed-url="…" data-embed-provider="…">…</figure>``
and a paragraph holding nothing but a provider URL (bare or as its own link).
The placeholder carries the iframe address in a data attribute: nothing is
requested from the provider until consent.js loads it.
"""

import re
from dataclasses import dataclass
from html import unescape

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .conf import settings

URL_PATTERNS = {
    "youtube": [
        r"https?://(?:www\.|m\.)?youtube\.com/watch\?(?:[^#\s]*&)?v=(?P<id>[\w-]{11})",
        r"https?://youtu\.be/(?P<id>[\w-]{11})",
        r"https?://(?:www\.)?youtube\.com/(?:shorts|embed|live)/(?P<id>[\w-]{11})",
    ],
    "vimeo": [r"https?://(?:www\.)?vimeo\.com/(?:video/)?(?P<id>\d+)"],
    "twitter": [
        r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w+/status/(?P<id>\d+)"
    ],
    "instagram": [r"https?://(?:www\.)?instagram\.com/(?:p|reel|tv)/(?P<id>[\w-]+)"],
}

MARKER = re.compile(
    r'<figure class="embed" data-embed-url="(?P<url>[^"]*)"'
    r' data-embed-provider="(?P<provider>[a-z]*)">.*?</figure>',
    re.DOTALL,
)
BARE = re.compile(
    r"<p>\s*(?:<a\s[^>]*>\s*)?(?P<url>https?://[^\s<>\"]+)\s*(?:</a>\s*)?</p>"
)


@dataclass(frozen=True)
class Embed:
    provider: str
    content_id: str
    url: str

    @classmethod
    def from_url(cls, url: str) -> "Embed | None":
        url = unescape(url).strip()
        for provider, patterns in URL_PATTERNS.items():
            if provider not in settings.CONSENT_EMBED_PROVIDERS:
                continue
            for pattern in patterns:
                if match := re.fullmatch(pattern + r"(?:[/?&#][^\s]*)?", url):
                    return cls(provider, match["id"], url)
        return None

    @property
    def provider_name(self) -> str:
        return settings.CONSENT_EMBED_PROVIDERS[self.provider][0]

    @property
    def src(self) -> str:
        return settings.CONSENT_EMBED_PROVIDERS[self.provider][1].format(
            id=self.content_id
        )

    def render(self) -> str:
        return render_to_string("consent/embed_placeholder.html", {"embed": self})


def _replace(match: re.Match) -> str:
    embed = Embed.from_url(match["url"])
    return embed.render() if embed else match[0]


def placeholder_embeds(html: str) -> SafeString:
    """The body with every recognised embed replaced by its placeholder."""
    html = MARKER.sub(_replace, str(html))
    return mark_safe(BARE.sub(_replace, html))
