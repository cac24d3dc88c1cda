import re
from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import dateformat, timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from omag.rendering import KeptMarkup, render_once
from omag.sql import CompiledQuery

from ..images import rendition_url
from ..models import Section

register = template.Library()

# What Django's "slug" path converter accepts.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
SLUG_PLACEHOLDER = "slug-placeholder"


class SlugURL:
    """reverse() of a view whose only argument is a slug, for many slugs: the
    URL is reversed once with a placeholder that each slug then replaces (a
    page of teasers would otherwise reverse a hundred URLs)."""

    def __init__(self, viewname):
        self.viewname = viewname
        url = reverse(viewname, kwargs={"slug": SLUG_PLACEHOLDER})
        self.head, _placeholder, self.tail = url.rpartition(SLUG_PLACEHOLDER)

    def __call__(self, slug):
        if SLUG.fullmatch(slug):
            return f"{self.head}{slug}{self.tail}"
        return reverse(self.viewname, kwargs={"slug": slug})


class Listing:
    """What the teasers of one page share: URLs reversed once, dates formatted
    once per day, author links made once per author."""

    def __init__(self):
        self.dates = {}
        self.author_links = {}
        self._render_settings = None

    @cached_property
    def article_url(self):
        return SlugURL("articles:detail")

    @cached_property
    def section_url(self):
        return SlugURL("articles:section")

    @cached_property
    def author_url(self):
        return SlugURL("articles:author")

    @classmethod
    def of(cls, context):
        """The page's listing, kept in the render context (like {% include %}
        keeps its templates) so that every list of the page shares it."""
        state = context.render_context.dicts[0]
        if cls not in state:
            state[cls] = cls()
        return state[cls]

    def render_settings(self, context):
        """What a teaser's markup depends on besides its article."""
        if self._render_settings is None:
            self._render_settings = (
                context.template.engine.get_template("includes/teaser.html"),
                get_language(),
                timezone.get_current_timezone(),
            )
        return self._render_settings

    def date(self, moment):
        # As {{ moment|date:"j F Y" }}.
        day = moment.date()
        if day not in self.dates:
            self.dates[day] = dateformat.format(moment, "j F Y")
        return self.dates[day]

    def author_link(self, author):
        if author.pk not in self.author_links:
            url = self.author_url(author.slug)
            self.author_links[author.pk] = author_link(author, url)
        return self.author_links[author.pk]

    def teaser(self, article):
        published = timezone.localtime(article.published_at)
        return Teaser(
            article=article,
            url=self.article_url(article.slug),
            section_url=self.section_url(article.section.slug),
            byline=join_byline(
                [self.author_link(a) for a in article.authors_in_order()]
            ),
            # As {{ published|date:'Y-m-d\TH:i:sO' }}.
            datetime=published.strftime("%Y-%m-%dT%H:%M:%S%z"),
            date=self.date(published),
        )


class Teaser:
    """An article as a teaser shows it (includes/teaser.html)."""

    __slots__ = ("article", "url", "section_url", "byline", "datetime", "date")

    def __init__(self, **values):
        for name, value in values.items():
            setattr(self, name, value)


# A teaser's markup by everything it shows (teaser() below), emptied when full:
# a few thousand teasers, tens of pages of listings in both languages.
TEASER_MARKUP = KeptMarkup(4096)


@register.simple_tag(takes_context=True)
def teaser(context, article, featured=False, show_section=False, level=2):
    """includes/teaser.html for one article of a listing. A listing shows the
    same teasers render after render, and the template costs more than the
    rest of the page: each teaser is rendered once per process and then
    reused. The key holds everything the markup shows (and the template, the
    language and the time zone), so an edited article, section or author
    renders anew."""
    listing = Listing.of(context)
    renditions = article.lead_image_renditions or {}
    key = (
        listing.render_settings(context),
        article.slug,
        article.title,
        article.standfirst if featured else None,
        article.section.name,
        article.section.slug,
        article.published_at,
        article.lead_image_alt,
        tuple(tuple(item.items()) for item in renditions.get("items") or ()),
        tuple((a.slug, a.display_name) for a in article.authors_in_order()),
        featured,
        show_section,
        level,
    )
    markup = TEASER_MARKUP.get(key)
    if markup is None:
        template = key[0][0]
        markup = TEASER_MARKUP.keep(
            key,
            template.render(
                context.new(
                    {
                        "teaser": listing.teaser(article),
                        "featured": featured,
                        "show_section": show_section,
                        "level": level,
                    }
                )
            ),
        )
    return markup


# The article page's main markup by everything it shows (article_main() below),
# emptied when full: tens of kilobytes each, the body in the key.
ARTICLE_MARKUP = KeptMarkup(128)


@register.simple_tag(takes_context=True)
def article_main(context, article, related):
    """articles/includes/article_main.html: the article (header, lead image,
    body, corrections, tags) and its related reading. Its template costs
    more than the rest of the page's: rendered once per process and reused,
    keyed on everything it shows (and the template, the language and the
    time zone), so an edited article, correction, tag, author, section or
    related article renders anew."""
    template = context.template.engine.get_template(
        "articles/includes/article_main.html"
    )
    key = (
        template,
        get_language(),
        timezone.get_current_timezone(),
        article.title,
        article.standfirst,
        article.body,
        article.section.name,
        article.section.slug,
        tuple((a.slug, a.display_name) for a in article.authors_in_order()),
        article.published_at,
        article.updated_at,
        article.update_note,
        article.lead_image_alt,
        article.lead_image_caption,
        article.lead_image_credit,
        _rendition_items(article),
        tuple((c.kind, c.text, c.created_at) for c in article.corrections.all()),
        tuple((t.name, t.slug) for t in article.tags.all()),
        tuple(
            (r.slug, r.title, r.section.name, r.lead_image_alt, _rendition_items(r))
            for r in related
        ),
    )
    markup = ARTICLE_MARKUP.get(key)
    if markup is None:
        markup = ARTICLE_MARKUP.keep(
            key, template.render(context.new({"article": article, "related": related}))
        )
    return markup


def _rendition_items(article) -> tuple:
    renditions = article.lead_image_renditions or {}
    return tuple(tuple(item.items()) for item in renditions.get("items") or ())


@register.simple_tag(takes_context=True)
def section_url(context, section):
    """section.get_absolute_url, for a page that links to many sections."""
    return Listing.of(context).section_url(section.slug)


# Every page that does not list the sections itself asks for them.
NAV_SECTIONS = CompiledQuery(
    Section, lambda: Section.objects.values_list("name", "slug")
)


@register.simple_tag(takes_context=True)
def section_nav(context):
    """includes/section_nav.html, rendered once per process for each list of
    sections (and the current one, if the page is a section's)."""
    # A page that lists every section already (home, section) lends them.
    sections = context.get("all_sections")
    if sections is None:
        sections = NAV_SECTIONS.rows()
    else:
        sections = [(section.name, section.slug) for section in sections]
    url = Listing.of(context).section_url
    # (name, URL) pairs: the loop looks nothing up on a model.
    links = tuple((name, url(slug)) for name, slug in sections)
    request = context.get("request")
    current = request.path if request is not None else None
    return render_once(
        context,
        "includes/section_nav.html",
        sections=links,
        # Only a section's own page marks a link: other pages share one render.
        current_path=current if any(link == current for _n, link in links) else None,
    )


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


def author_link(author, url):
    return format_html('<a href="{}" rel="author">{}</a>', url, author)


def join_byline(links):
    """Author links as a byline: "A", "A et B", "A, B et C"."""
    if len(links) < 2:
        return links[0] if links else ""
    return format_html(
        "{} {} {}",
        format_html_join(", ", "{}", ((link,) for link in links[:-1])),
        _("et"),
        links[-1],
    )


@register.simple_tag
def byline(article):
    """Every author of the article, linked, in byline order."""
    return join_byline(
        [author_link(a, a.get_absolute_url()) for a in article.authors_in_order()]
    )


@register.simple_tag(takes_context=True)
def language_links(context):
    """Links to this page in the other languages (plain links, no form, so the
    page holds no per-reader token and can be cached whole)."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    return render_once(
        context,
        "includes/language_links.html",
        languages=other_languages(path, get_language()),
    )


@lru_cache(maxsize=1024)
def other_languages(path, current):
    """(code, local name, URL of `path` in that language) of each language but
    the current one. Resolving and reversing the path costs more than the rest
    of the links: done once per path."""
    return tuple(
        (code, get_language_info(code)["name_local"], translate_url(path, code))
        for code, _name in settings.LANGUAGES
        if code != current
    )
