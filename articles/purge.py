"""Which reader pages show what, so that a change purges exactly those pages
from the page cache (omag.pagecache), in every language.

Each function answers, from the database as it is now, the paths of the
pages that show something: call it before a change (the pages that showed
the old state) and after it is committed (the pages that show the new one).
An article readers cannot see (a draft, a piece in review, a scheduled one)
is shown nowhere, so saving it purges nothing.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation

from .feeds import FEED_LENGTH
from .models import (
    FRONT_PAGE_LATEST,
    FRONT_PAGE_PER_SECTION,
    Article,
    Author,
    Byline,
    RelatedLink,
    Section,
    Tag,
)
from .sitemaps import NEWS_SITEMAPS, SITEMAPS

# What shows an article: its own page, the listings of its section, authors
# and tags (and the home page when it is on it), the related reading of other
# articles, the feeds, the sitemaps.
PAGE, LISTINGS, RELATED, FEEDS, SITEMAPS_ = (
    "page",
    "listings",
    "related",
    "feeds",
    "sitemaps",
)
EVERYWHERE = frozenset({PAGE, LISTINGS, RELATED, FEEDS, SITEMAPS_})
# Articles that can appear in another's topped-up related reading: the
# newest few of a section (Article.related_articles() tops up with the newest
# of the section but the article itself and its picks).
TOP_UP_REACH = settings.RELATED_ARTICLES_COUNT + 1


def localized(viewname: str, **kwargs) -> list[str]:
    """The path of a view in every language."""
    paths = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths.append(reverse(viewname, kwargs=kwargs or None))
    return paths


def article_paths(slugs) -> set[str]:
    return {path for slug in slugs for path in localized("articles:detail", slug=slug)}


def section_paths(slug: str) -> set[str]:
    return {
        *localized("articles:section", slug=slug),
        *localized("articles:section_feed_rss", slug=slug),
        *localized("articles:section_feed_atom", slug=slug),
    }


def author_paths(slug: str) -> set[str]:
    return {
        *localized("articles:author", slug=slug),
        *localized("articles:author_feed_rss", slug=slug),
        *localized("articles:author_feed_atom", slug=slug),
    }


def tag_paths(slug: str) -> set[str]:
    return set(localized("articles:tag", slug=slug))


def sitemap_paths() -> set[str]:
    paths = {
        *localized("articles:sitemap"),
        *localized("articles:sitemap_news"),
    }
    for section in [*SITEMAPS, *NEWS_SITEMAPS]:
        paths.update(localized("articles:sitemap_section", section=section))
    return paths


def _in_latest(queryset, ids, count: int) -> bool:
    """Whether any of `ids` is among the `count` newest of `queryset`."""
    newest = queryset.newest_first().values_list("pk", flat=True)[:count]
    return not set(ids).isdisjoint(newest)


def article_pages(ids, surfaces=EVERYWHERE) -> set[str]:
    """The pages that show these articles, as readers see them now, on the
    given surfaces."""
    now = timezone.now()
    published = Article.objects.published(now=now)
    visible = list(published.filter(pk__in=ids).values_list("pk", "slug", "section_id"))
    if not visible:
        return set()
    ids = [pk for pk, _slug, _section in visible]
    section_ids = {section for _pk, _slug, section in visible}
    paths = (
        article_paths(slug for _pk, slug, _section in visible)
        if PAGE in surfaces
        else set()
    )
    sections = dict(
        Section.objects.filter(pk__in=section_ids).values_list("pk", "slug")
    )
    authors = set(
        Byline.objects.filter(article__in=ids).values_list("author_id", "author__slug")
    )
    if LISTINGS in surfaces:
        front = published.front_page(
            latest=FRONT_PAGE_LATEST, per_section=FRONT_PAGE_PER_SECTION
        ).values_list("pk", flat=True)
        if not set(ids).isdisjoint(front):
            paths.update(localized("articles:home"))
        for slug in sections.values():
            paths.update(localized("articles:section", slug=slug))
        for _pk, slug in authors:
            paths.update(localized("articles:author", slug=slug))
        for slug in Tag.objects.filter(articles__in=ids).values_list("slug", flat=True):
            paths.update(tag_paths(slug))
    if RELATED in surfaces:
        paths |= article_paths(
            RelatedLink.objects.filter(related__in=ids).values_list(
                "article__slug", flat=True
            )
        )
        for section_id in section_ids:
            in_section = published.in_section(section_id)
            if _in_latest(in_section, ids, TOP_UP_REACH):
                paths |= article_paths(_topped_up(in_section, now))
    if FEEDS in surfaces:
        if _in_latest(published, ids, FEED_LENGTH):
            paths.update(localized("articles:feed_rss"))
            paths.update(localized("articles:feed_atom"))
        for section_id, slug in sections.items():
            if _in_latest(published.in_section(section_id), ids, FEED_LENGTH):
                paths.update(localized("articles:section_feed_rss", slug=slug))
                paths.update(localized("articles:section_feed_atom", slug=slug))
        for author_id, slug in authors:
            if _in_latest(published.by_author(author_id), ids, FEED_LENGTH):
                paths.update(localized("articles:author_feed_rss", slug=slug))
                paths.update(localized("articles:author_feed_atom", slug=slug))
    if SITEMAPS_ in surfaces:
        paths |= sitemap_paths()
    return paths


def _topped_up(in_section, now):
    """Slugs of the section's articles whose related reading is topped up with
    the section's newest: those with fewer visible picks than it shows."""
    return (
        in_section.annotate(
            visible_picks=Count(
                "related_links",
                filter=Q(
                    related_links__related__status=Article.Status.PUBLISHED,
                    related_links__related__published_at__lte=now,
                ),
            )
        )
        .filter(visible_picks__lt=settings.RELATED_ARTICLES_COUNT)
        .values_list("slug", flat=True)
    )


def author_pages(author: Author, *, name_changed: bool, slug_changed: bool) -> set[str]:
    """The pages that show an author: their own page (their bio), and where
    their name shows, their feeds and their articles' pages, listings and
    feeds."""
    paths = set(localized("articles:author", slug=author.slug))
    if name_changed or slug_changed:
        paths |= author_paths(author.slug)
        ids = Article.objects.published().by_author(author).values_list("pk", flat=True)
        surfaces = {PAGE, LISTINGS, FEEDS} | ({SITEMAPS_} if slug_changed else set())
        paths |= article_pages(list(ids), surfaces)
    return paths


def tag_pages(tag: Tag) -> set[str]:
    """The pages that show a tag's name: its page, its articles' pages (their
    tag list) and the feeds (categories)."""
    ids = Article.objects.published().tagged(tag).values_list("pk", flat=True)
    return tag_paths(tag.slug) | article_pages(list(ids), {PAGE, FEEDS})


def section_shows_everywhere(old, new) -> bool:
    """A section's name, address and order show in the navigation of every
    page; its description only on its own page and feeds."""
    return old is None or (old.name, old.slug, old.order) != (
        new.name,
        new.slug,
        new.order,
    )


def next_publication(since, now) -> float | None:
    """Deadline handler (omag.pagecache): purge the pages of the articles
    that went live since the last check (everything when that is unknown),
    and tell when the next scheduled one will."""
    from omag.pagecache import purge_all, purge_paths

    moment = datetime.fromtimestamp(now, tz=UTC)
    if since is None:
        purge_all()
    else:
        went_live = Article.objects.published(now=moment).filter(
            published_at__gt=datetime.fromtimestamp(since, tz=UTC)
        )
        ids = list(went_live.values_list("pk", flat=True))
        if ids:
            purge_paths(article_pages(ids))
    upcoming = Article.objects.next_publication_time(now=moment)
    return upcoming.timestamp() if upcoming else None
