"""Page metadata for search engines and social networks: canonical URL, feed
autodiscovery, OpenGraph/Twitter cards and JSON-LD, all from the fields the
pages already show. Nothing here runs a query of its own on an article page:
it reads what ArticleQuerySet.for_detail() fetched."""

import json
from typing import NamedTuple

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..images import rendition_url
from ..models import Author, Section

register = template.Library()

SITE_DESCRIPTION = _("Ô Magazine, l'actualité internationale, politique et culturelle.")
OG_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
# In a <script>, "</script>" or "<!--" would end or change the element.
JSON_SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


def absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


def iso(moment) -> str:
    if not moment:
        return ""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def french_path(path: str) -> str:
    """The French (default language) address of a page: the content is French
    whatever the interface language, so /en/… pages point there."""
    return translate_url(path, settings.LANGUAGE_CODE)


def french_url(viewname: str, slug: str | None = None) -> str:
    """The path of a view in French, whatever the interface language."""
    kwargs = {} if slug is None else {"slug": slug}
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(viewname, kwargs=kwargs)


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The address search engines should index: French, without tracking
    parameters, keeping only a page number beyond the first."""
    request = context.get("request")
    if request is None:
        return ""
    url = french_path(request.path)
    page = request.GET.get("page", "")
    # ASCII digits only ("¹".isdigit() is true) and short enough for int().
    if page.isascii() and page.isdigit() and len(page) < 20 and int(page) > 1:
        url += f"?page={int(page)}"
    return request.build_absolute_uri(url)


@register.simple_tag(takes_context=True)
def canonical_link(context):
    url = canonical_url(context)
    return format_html('<link rel="canonical" href="{}">', url) if url else ""


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
    request = context.get("request")
    return format_html_join(
        "\n  ",
        '<link rel="alternate" type="{}" title="{}" href="{}">',
        (
            (kind, title, absolute(request, url))
            for kind, title, url in feed_urls(subject)
        ),
    )


class SocialImage(NamedTuple):
    url: str
    width: int
    height: int
    alt: str


def social_image(request, article) -> SocialImage | None:
    renditions = article.lead_image_renditions or {}
    social = renditions.get("social")
    if not social:
        return None
    return SocialImage(
        url=absolute(request, rendition_url(social["jpg"])),
        width=social["w"],
        height=social["h"],
        alt=article.lead_image_alt,
    )


@register.inclusion_tag("includes/meta_social.html", takes_context=True)
def social_meta(context, title="", description="", type="website"):
    """OpenGraph and Twitter card of a page that is not an article."""
    return {
        "site_name": settings.SITE_NAME,
        "locale": OG_LOCALES.get(translation.get_language(), "fr_FR"),
        "type": type,
        "title": title or settings.SITE_NAME,
        "description": Truncator(" ".join(str(description).split())).chars(300)
        or str(SITE_DESCRIPTION),
        "url": canonical_url(context),
    }


@register.inclusion_tag("includes/meta_social.html", takes_context=True)
def article_social_meta(context, article):
    """OpenGraph and Twitter card of an article, with its 1200×630 image."""
    return {
        "site_name": settings.SITE_NAME,
        "locale": OG_LOCALES.get(settings.LANGUAGE_CODE, "fr_FR"),
        "type": "article",
        "title": article.title,
        "description": article.get_meta_description(),
        "url": canonical_url(context),
        "image": social_image(context.get("request"), article),
        "is_article": True,
        "published": iso(article.published_at),
        "modified": iso(article.last_modified()),
        "section": article.section.name,
        "tags": [tag.name for tag in article.tags.all()],
    }


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


def publisher(request) -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": absolute(request, french_url("articles:home")),
    }


def article_structured_data(request, article, canonical: str) -> dict:
    """schema.org NewsArticle of an article, as Google News reads it."""
    authors = [
        {
            "@type": "Person",
            "name": author.display_name,
            # Author.get_absolute_url(), in French.
            "url": absolute(request, french_url("articles:author", author.slug)),
        }
        for author in article.authors_in_order()
    ]
    images = []
    social = social_image(request, article)
    if social:
        images.append(social.url)
    items = (article.lead_image_renditions or {}).get("items") or []
    if items:
        images.append(absolute(request, rendition_url(items[-1]["jpg"])))
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
        "headline": Truncator(article.title).chars(110),
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
        "publisher": publisher(request),
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
        article_structured_data(context.get("request"), article, canonical_url(context))
    )


@register.simple_tag(takes_context=True)
def site_json_ld(context):
    """WebSite (with the search box search engines may show) and publisher."""
    request = context.get("request")
    search_url = absolute(request, french_url("articles:search"))
    organization = publisher(request)
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
