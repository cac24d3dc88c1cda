"""RSS 2.0 and Atom feeds of the latest published articles: the whole site,
one section, one author (django.contrib.syndication)."""

import copy

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from omag.pagecache import mark_cacheable

from .images import rendition_url
from .models import Article, Author, Section

FEED_LENGTH = 30


class LatestArticlesFeed(Feed):
    """The newest published articles of the whole site."""

    language = settings.LANGUAGE_CODE
    ttl = 15
    request = None

    def __call__(self, request, *args, **kwargs):
        # One copy per request: the instance in the URLconf is shared by threads.
        feed = copy.copy(self)
        feed.request = request
        response = Feed.__call__(feed, request, *args, **kwargs)
        # The same for every reader: purged with the articles it lists.
        return mark_cacheable(response) if response.status_code == 200 else response

    def title(self, obj=None):
        return settings.SITE_NAME

    def description(self, obj=None):
        return _("Les derniers articles d'Ô Magazine.")

    subtitle = description

    def link(self, obj=None):
        return reverse("articles:home")

    def feed_copyright(self, obj=None):
        return f"© {settings.SITE_NAME}"

    def published(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        return (
            self.published(obj)
            .for_listing()
            .prefetch_related("tags")
            .defer(None)
            .defer("search_vector")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return strip_tags(item.get_meta_description())

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_modified()

    def item_author_name(self, item):
        names = [author.display_name for author in item.authors_in_order()]
        return ", ".join(names) or None

    def item_enclosures(self, item):
        """The 1200×630 lead image, as news readers show it."""
        social = (item.lead_image_renditions or {}).get("social") or {}
        if "bytes" not in social:
            return []
        url = self.request.build_absolute_uri(rendition_url(social["jpg"]))
        return [Enclosure(url, str(social["bytes"]), "image/jpeg")]

    def item_categories(self, item):
        return [item.section.name, *(tag.name for tag in item.tags.all())]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed


class SectionFeed(LatestArticlesFeed):
    """The newest published articles of one section."""

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj=None):
        return f"{settings.SITE_NAME} — {obj.name}"

    def description(self, obj=None):
        return obj.description or _(
            "Les derniers articles de la rubrique %(name)s."
        ) % {"name": obj.name}

    subtitle = description

    def link(self, obj=None):
        return obj.get_absolute_url()

    def published(self, obj):
        return Article.objects.published().in_section(obj)


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed


class AuthorFeed(LatestArticlesFeed):
    """The newest published articles signed by one author."""

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, obj=None):
        return f"{settings.SITE_NAME} — {obj.display_name}"

    def description(self, obj=None):
        return _("Les derniers articles de %(name)s.") % {"name": obj.display_name}

    subtitle = description

    def link(self, obj=None):
        return obj.get_absolute_url()

    def published(self, obj):
        return Article.objects.published().by_author(obj)


class AuthorAtomFeed(AuthorFeed):
    feed_type = Atom1Feed
