"""sitemap.xml (home, sections, authors, articles with their last change) and
the Google News sitemap (articles of the last two days)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from .models import Article, Author, Section


def latest_publication(**match):
    """Subquery: when the newest published article matching `match` came out."""
    return Subquery(
        Article.objects.published()
        .filter(**match)
        .order_by("-published_at")
        .values("published_at")[:1]
    )


def w3c_datetime(moment) -> str:
    """2026-11-26T09:30:00+01:00, as Google News asks."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


class HomeSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        latest = Article.objects.published().newest_first().first()
        return latest.published_at if latest else None


class SectionSitemap(Sitemap):
    changefreq = "hourly"
    priority = 0.8

    def items(self):
        return Section.objects.annotate(
            latest=latest_publication(section=OuterRef("pk"))
        )

    def lastmod(self, section):
        return section.latest


class AuthorSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        """Authors with at least one published article: the others' pages are empty."""
        return (
            Author.objects.annotate(
                latest=latest_publication(bylines__author=OuterRef("pk"))
            )
            .filter(latest__isnull=False)
            .order_by("display_name", "pk")
        )

    def lastmod(self, author):
        return author.latest


class ArticleSitemap(Sitemap):
    priority = 0.6

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "published_at", "updated_at", "modified_at")
            .newest_first()
        )

    def lastmod(self, article):
        return article.last_modified()


class NewsSitemap(Sitemap):
    """Google News: only articles published in the last two days, 1000 at most."""

    limit = 1000

    def items(self):
        now = timezone.now()
        return (
            Article.objects.published(now=now)
            .filter(published_at__gte=now - timedelta(days=2))
            .only("slug", "title", "published_at", "updated_at", "modified_at")
            .newest_first()
        )

    def lastmod(self, article):
        return article.last_modified()

    def get_urls(self, page=1, site=None, protocol=None):
        """Each entry also names the publication, as Google News requires."""
        publication = {"name": settings.SITE_NAME, "language": settings.LANGUAGE_CODE}
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["publication"] = publication
            url["publication_date"] = w3c_datetime(url["item"].published_at)
            url["lastmod_datetime"] = w3c_datetime(url["lastmod"])
        return urls


SITEMAPS = {
    "accueil": HomeSitemap,
    "rubriques": SectionSitemap,
    "auteurs": AuthorSitemap,
    "articles": ArticleSitemap,
}
NEWS_SITEMAPS = {"news": NewsSitemap}
