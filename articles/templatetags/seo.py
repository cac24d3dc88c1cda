"""Page metadata for search engines and social networks: canonical URL, feed
autodiscovery, OpenGraph/Twitter cards and JSON-LD, all from the fields the
pages already show. Nothing here runs a query of its own on an article page:
it reads what ArticleQuerySet.for_detail() fetched."""

import json
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse, translate_url
from django.utils import timezone, translation
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from omag.rendering import render_once

from ..images import rendition_url
from ..models import Author, Section

register = template.Library()

SITE_DESCRIPTION = _("Ô Magazine, l'actualité internationale, politique et culturelle.")
OG_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
# In a <script>, "</script>" or "<!--" would end or change the element.
# (str.replace: much faster than str.translate with a dict on a long text.)
JSON_SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


def page_origin(context) -> str:
    """scheme://host of the page's request ("" without one), worked out once
    per page: each absolute URL of its metadata starts with it."""
    state = context.render_context.dicts[0]
    if page_origin not in state:
        request = context.get("request")
        state[page_origin] = request.build_absolute_uri("/")[:-1] if request else ""
    return state[page_origin]


def absolute(origin: str, url: str) -> str:
    return absolute_on(origin, url) if origin else url


# What request.build_absolute_uri(url) answers on a request to `origin`, for
# a path from the root or a full URL (the request's own path then plays no
# part): the same few URLs on every page, remembered.
@lru_cache(maxsize=1024)
def absolute_on(origin: str, url: str) -> str:
    bits = urlsplit(url)
    if bits.scheme and bits.netloc:
        return iri_to_uri(url)
    path = bits.path
    dots = "/./" in path or "/../" in path
    if path.startswith("/") and not (bits.scheme or bits.netloc or dots):
        return iri_to_uri(origin + url.removeprefix("//"))
    return iri_to_uri(urljoin(origin + "/", url))


def shortened(text: str, length: int) -> str:
    """Truncator(text).chars(length): it walks the text character by character
    and translates its ellipsis, so it is remembered per text and language."""
    return _shortened(text, length, translation.get_language())


@lru_cache(maxsize=1024)
def _shortened(text, length, _language):
    return Truncator(text).chars(length)


def iso(moment) -> str:
    if not moment:
        return ""
    return _iso(moment, timezone.get_current_timezone())


# localtime() and isoformat() of the same few dates on every article page.
# (Aware datetimes are equal when they are the same instant, and the result
# depends only on the instant and the time zone.)
@lru_cache(maxsize=1024)
def _iso(moment, zone):
    return timezone.localtime(moment, zone).replace(microsecond=0).isoformat()


def french_path(path: str) -> str:
    """The French (default language) address of a page: the content is French
    whatever the interface language, so /en/… pages point there."""
    # resolve() reads the active language (the /en/ prefix) and reverse() the
    # script prefix: both are in the key.
    return _french_path(path, translation.get_language(), get_script_prefix())


# Resolving and reversing the path costs more than the rest of the page's
# metadata: remembered per path (paths come from requests, hence the bound).
@lru_cache(maxsize=1024)
def _french_path(path, _language, _script_prefix):
    return translate_url(path, settings.LANGUAGE_CODE)


def french_url(viewname: str, slug: str | None = None) -> str:
    """The path of a view in French, whatever the interface language."""
    return _french_url(viewname, slug, get_script_prefix())


# A few reverse() per page (feeds, publisher, authors), each the same for
# every request: remembered per view and slug.
@lru_cache(maxsize=1024)
def _french_url(viewname, slug, _script_prefix):
    kwargs = {} if slug is None else {"slug": slug}
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(viewname, kwargs=kwargs)


@receiver(setting_changed)
def forget_french_urls(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "LANGUAGE_CODE", "LANGUAGES"):
        _french_path.cache_clear()
        _french_url.cache_clear()


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The address search engines should index: French, without tracking
    parameters, keeping only a page number beyond the first."""
    # Several tags of a page ask for it: worked out once per page.
    state = context.render_context.dicts[0]
    if canonical_url not in state:
        state[canonical_url] = page_canonical_url(
            context.get("request"), page_origin(context)
        )
    return state[canonical_url]


def page_canonical_url(request, origin: str) -> str:
    if request is None:
        return ""
    url = french_path(request.path)
    page = request.GET.get("page", "")
    # ASCII digits only ("¹".isdigit() is true) and short enough for int().
    if page.isascii() and page.isdigit() and len(page) < 20 and int(page) > 1:
        url += f"?page={int(page)}"
    return absolute(origin, url)


@register.simple_tag(takes_context=True)
def canonical_link(context):
    url = canonical_url(context)
    return canonical_link_tag(url) if url else ""


# format_html() escaping the values costs more than the rest of these tags:
# the markup is remembered per set of values it shows.
@lru_cache(maxsize=1024)
def canonical_link_tag(url: str) -> str:
    return format_html('<link rel="canonical" href="{}">', url)


def feed_urls(subject=None) -> list[tuple[str, str, str]]:
    """(type, title, url) of the RSS and Atom feeds of the site or a subject."""
    if isinstance(subject, Section):
        names, slug = ("section_feed_rss", "section_feed_atom"), subject.slug
        label = f"{settings.SITE_NAME} — {subject.name}"
    elif isinstance(subject, Author):
        names, slug = ("author_feed_rss", "author_feed_atom"), subject.slug
        label = f"{settings.SITE_NAME} — {subject.display_name}"
    else:
        names, slug, label = ("feed_rss", "feed_atom"), None, settings.SITE_NAME
    return [
        (
            "application/rss+xml",
            f"{label} (RSS)",
            french_url(f"articles:{names[0]}", slug),
        ),
        (
            "application/atom+xml",
            f"{label} (Atom)",
            french_url(f"articles:{names[1]}", slug),
        ),
    ]


@register.simple_tag(takes_context=True)
def feed_links(context, subject=None):
    """<link rel="alternate"> tags that let feed readers discover the feeds."""
    origin = page_origin(context)
    return feed_link_tags(
        tuple(
            (kind, title, absolute(origin, url))
            for kind, title, url in feed_urls(subject)
        )
    )


@lru_cache(maxsize=1024)
def feed_link_tags(feeds: tuple[tuple[str, str, str], ...]) -> str:
    return format_html_join(
        "\n  ", '<link rel="alternate" type="{}" title="{}" href="{}">', feeds
    )


class SocialImage(NamedTuple):
    url: str
    width: int
    height: int
    alt: str


def social_image(origin, article) -> SocialImage | None:
    renditions = article.lead_image_renditions or {}
    social = renditions.get("social")
    if not social:
        return None
    return SocialImage(
        url=absolute(origin, rendition_url(social["jpg"])),
        width=social["w"],
        height=social["h"],
        alt=article.lead_image_alt,
    )


def social_card(context, **values) -> str:
    """meta_social.html of the given values, which are all it shows (no
    object, no query): rendered once per set of values."""
    return render_once(
        context, "includes/meta_social.html", site_name=settings.SITE_NAME, **values
    )


@register.simple_tag(takes_context=True)
def social_meta(context, title="", description="", type="website"):
    """OpenGraph and Twitter card of a page that is not an article."""
    return social_card(
        context,
        locale=OG_LOCALES.get(translation.get_language(), "fr_FR"),
        type=type,
        title=title or settings.SITE_NAME,
        description=shortened(" ".join(str(description).split()), 300)
        or str(SITE_DESCRIPTION),
        url=canonical_url(context),
    )


@register.simple_tag(takes_context=True)
def article_social_meta(context, article):
    """OpenGraph and Twitter card of an article, with its 1200×630 image."""
    return social_card(
        context,
        locale=OG_LOCALES.get(settings.LANGUAGE_CODE, "fr_FR"),
        type="article",
        title=article.title,
        description=article.get_meta_description(),
        url=canonical_url(context),
        image=social_image(page_origin(context), article),
        is_article=True,
        published=iso(article.published_at),
        modified=iso(article.last_modified()),
        section=article.section.name,
        tags=tuple(tag.name for tag in article.tags.all()),
    )


def escape_json_for_script(text: str) -> str:
    for char, escaped in JSON_SCRIPT_ESCAPES:
        text = text.replace(char, escaped)
    return text


def json_ld(data) -> str:
    """A JSON-LD <script>, escaped so that no text can close the element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(escape_json_for_script(text)),
    )


def publisher(origin) -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": absolute(origin, french_url("articles:home")),
    }


def article_structured_data(origin, article, canonical: str) -> dict:
    """schema.org NewsArticle of an article, as Google News reads it."""
    authors = [
        {
            "@type": "Person",
            "name": author.display_name,
            # Author.get_absolute_url(), in French.
            "url": absolute(origin, french_url("articles:author", author.slug)),
        }
        for author in article.authors_in_order()
    ]
    images = []
    social = social_image(origin, article)
    if social:
        images.append(social.url)
    items = (article.lead_image_renditions or {}).get("items") or []
    if items:
        images.append(absolute(origin, rendition_url(items[-1]["jpg"])))
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
        "headline": shortened(article.title, 110),
        "description": article.get_meta_description(),
        "datePublished": iso(article.published_at),
        "dateModified": iso(article.last_modified()),
        "author": authors,
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "inLanguage": settings.LANGUAGE_CODE,
        "wordCount": article.word_count,
        "timeRequired": f"PT{article.reading_minutes}M",
        "isAccessibleForFree": True,
        "publisher": publisher(origin),
    }
    if images:
        data["image"] = images
    if article.shows_update and article.update_note:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": article.update_note,
                "datePublished": iso(article.updated_at),
            }
        ]
    return data


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    return json_ld(
        article_structured_data(page_origin(context), article, canonical_url(context))
    )


@register.simple_tag(takes_context=True)
def site_json_ld(context):
    """WebSite (with the search box search engines may show) and publisher."""
    origin = page_origin(context)
    search_url = absolute(origin, french_url("articles:search"))
    organization = publisher(origin)
    return json_ld(
        {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": settings.SITE_NAME,
            "url": organization["url"],
            "inLanguage": settings.LANGUAGE_CODE,
            "publisher": organization,
            "potentialAction": {
                "@type": "SearchAction",
                "target": f"{search_url}?q={{search_term_string}}",
                "query-input": "required name=search_term_string",
            },
        }
    )
