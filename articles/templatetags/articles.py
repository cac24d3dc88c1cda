from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from ..images import rendition_url
from ..models import Section

register = template.Library()


@register.inclusion_tag("includes/section_nav.html", takes_context=True)
def section_nav(context):
    """Every section, linked. A page that lists them all already (home,
    section) lends them as `all_sections`."""
    sections = context.get("all_sections")
    if sections is None:
        sections = Section.objects.all()
    return {"sections": sections, "request": context.get("request")}


@register.simple_tag
def lead_picture(article, sizes="100vw", eager=False, css_class=""):
    """<picture> of an article's lead image from its stored renditions: WebP
    with a JPEG fallback, srcset/sizes, intrinsic size, lazy unless eager."""
    renditions = article.lead_image_renditions or {}
    items = renditions.get("items")
    if not items:
        return ""
    largest = items[-1]

    def srcset(ext):
        return ", ".join(f"{rendition_url(i[ext])} {i['w']}w" for i in items)

    return format_html(
        '<picture{}><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" '
        'loading="{}" decoding="async"{}></picture>',
        format_html(' class="{}"', css_class) if css_class else "",
        srcset("webp"),
        sizes,
        rendition_url(largest["jpg"]),
        srcset("jpg"),
        sizes,
        largest["w"],
        largest["h"],
        article.lead_image_alt,
        "eager" if eager else "lazy",
        mark_safe(' fetchpriority="high"') if eager else "",
    )


@register.simple_tag
def byline(article):
    """Every author of the article, linked, in byline order: "A", "A et B",
    "A, B et C"."""
    links = [
        format_html('<a href="{}" rel="author">{}</a>', a.get_absolute_url(), a)
        for a in article.authors_in_order()
    ]
    if len(links) < 2:
        return links[0] if links else ""
    return format_html(
        "{} {} {}",
        format_html_join(", ", "{}", ((link,) for link in links[:-1])),
        _("et"),
        links[-1],
    )


@register.inclusion_tag("includes/language_links.html", takes_context=True)
def language_links(context):
    """Links to this page in the other languages (plain links, no form, so the
    page holds no per-reader token and can be cached whole)."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    return {
        "languages": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": translate_url(path, code),
            }
            for code, _name in settings.LANGUAGES
            if code != current
        ]
    }
