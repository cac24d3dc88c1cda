"""Article bodies are sanitised on the server with an allowlist (nh3), whatever
the editor or a forged request sends.

Embeds (YouTube, Vimeo, X/Twitter, Instagram) are never stored as iframes or
scripts: they become a marker with the URL, which the consent feature renders
as a click-to-load placeholder::

    <figure class="embed" data-embed-url="https://www.youtube.com/watch?v=ID"
    data-embed-provider="youtube"><a href="URL">URL</a></figure>

An editor makes one by pasting the video or post address alone on its line, or
with the editor's "media" button (its iframe is turned back into the marker).
"""

import re
from html import escape, unescape
from urllib.parse import parse_qs, urlsplit

import nh3

TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub",
    "sup", "a", "ul", "ol", "li", "blockquote", "cite", "q", "figure",
    "figcaption", "img", "hr",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "figure": {"data-embed-url", "data-embed-provider"},
    "ol": {"start"},
    "blockquote": {"cite"},
}
CLASSES = {"p": {"inline-related"}, "figure": {"embed", "image"}}
URL_SCHEMES = {"http", "https", "mailto"}

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_DIGITS = re.compile(r"[0-9]{1,20}")
_HANDLE = re.compile(r"[A-Za-z0-9_]{1,30}")
_INSTAGRAM_CODE = re.compile(r"[A-Za-z0-9_-]{5,40}")


def embed_for(url: str) -> tuple[str, str] | None:
    """(provider, canonical URL) of a supported embed address, else None.

    The canonical URL is rebuilt from validated parts, never copied through.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    segments = [s for s in parts.path.split("/") if s]
    if host in ("youtube.com", "youtube-nocookie.com"):
        if segments == ["watch"]:
            video = parse_qs(parts.query).get("v", [""])[0]
        elif len(segments) == 2 and segments[0] in ("embed", "shorts", "live"):
            video = segments[1]
        else:
            return None
        if _YOUTUBE_ID.fullmatch(video):
            return "youtube", f"https://www.youtube.com/watch?v={video}"
    elif host == "youtu.be" and len(segments) == 1:
        if _YOUTUBE_ID.fullmatch(segments[0]):
            return "youtube", f"https://www.youtube.com/watch?v={segments[0]}"
    elif host == "vimeo.com" and len(segments) == 1:
        if _DIGITS.fullmatch(segments[0]):
            return "vimeo", f"https://vimeo.com/{segments[0]}"
    elif host == "player.vimeo.com" and len(segments) == 2 and segments[0] == "video":
        if _DIGITS.fullmatch(segments[1]):
            return "vimeo", f"https://vimeo.com/{segments[1]}"
    elif host in ("twitter.com", "x.com") and len(segments) == 3:
        handle, status, number = segments
        if (
            status == "status"
            and _HANDLE.fullmatch(handle)
            and _DIGITS.fullmatch(number)
        ):
            return "twitter", f"https://{host}/{handle}/status/{number}"
    elif host == "instagram.com" and len(segments) == 2:
        kind, code = segments
        if kind in ("p", "reel", "tv") and _INSTAGRAM_CODE.fullmatch(code):
            return "instagram", f"https://www.instagram.com/{kind}/{code}/"
    return None


def embed_marker(provider: str, url: str) -> str:
    url = escape(url)
    return (
        f'<figure class="embed" data-embed-url="{url}" '
        f'data-embed-provider="{escape(provider)}"><a href="{url}">{url}</a></figure>'
    )


_SCHEME_LIKE = re.compile(r"^[^/?#]*:")
_SAFE_SCHEME = re.compile(r"^(https?|mailto):", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\s\x00-\x1f`]")


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if attribute in ("href", "src", "cite"):
        # nh3 vets schemes; also refuse what only looks relative ("`javascript:").
        compact = _INVISIBLE.sub("", value)
        if _SCHEME_LIKE.match(compact) and not _SAFE_SCHEME.match(compact):
            return None
    # A marker's URL is not an href, so nh3 does not vet it: only a canonical
    # address of a known provider is kept.
    if element == "figure" and attribute == "data-embed-url":
        embed = embed_for(value)
        return value if embed and embed[1] == value else None
    if element == "figure" and attribute == "data-embed-provider":
        return value if value in ("youtube", "vimeo", "twitter", "instagram") else None
    return value


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={
            "script",
            "style",
            "iframe",
            "object",
            "embed",
            "noscript",
            "template",
            "svg",
            "math",
            "textarea",
            "select",
            "title",
        },  # fmt: skip
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter,
        allowed_classes=CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


_IFRAME_SRC = re.compile(
    r"""<iframe\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]+)[^>]*>(?:.*?</iframe\s*>)?""",
    re.IGNORECASE | re.DOTALL,
)
_EMBED_FIGURE = re.compile(
    r'<figure\b[^>]*?\bdata-embed-url="([^"]*)"[^>]*>.*?</figure>', re.DOTALL
)
_URL_PARAGRAPH = re.compile(
    r'<p>\s*(?:<a href="([^"]*)">)?\s*([^<>\s]+)\s*(?:</a>)?\s*</p>', re.DOTALL
)

_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|\xa0|<br>)*</p>")


def _iframe_to_paragraph(match: re.Match) -> str:
    embed = embed_for(unescape(match.group(1)))
    return f"<p>{escape(embed[1])}</p>" if embed else ""


def _marker_for_figure(match: re.Match) -> str:
    embed = embed_for(unescape(match.group(1)))
    return embed_marker(*embed) if embed else ""


def _marker_for_paragraph(match: re.Match) -> str:
    href, text = match.group(1), unescape(match.group(2))
    if href is not None and unescape(href) != text:
        return match.group(0)
    embed = embed_for(text)
    return embed_marker(*embed) if embed else match.group(0)


def sanitize_body(html: str) -> str:
    """The body made safe to show as is: allowlisted tags and attributes only,
    http(s)/mailto/relative links only, embeds as markers."""
    if not html:
        return ""
    html = _IFRAME_SRC.sub(_iframe_to_paragraph, html)
    html = _clean(html)
    html = _EMBED_FIGURE.sub(_marker_for_figure, html)
    html = _URL_PARAGRAPH.sub(_marker_for_paragraph, html)
    html = _EMPTY_PARAGRAPH.sub("", html)
    # A second pass mends whatever the substitutions left unbalanced.
    return _clean(html).strip()
