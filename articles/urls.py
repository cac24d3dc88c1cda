from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.generic import TemplateView

from omag.pagecache import cacheable

from . import feeds, views
from .sitemaps import NEWS_SITEMAPS, SITEMAPS

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("rubrique/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("auteur/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("sujet/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("article/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("recherche/", views.SearchView.as_view(), name="search"),
    path("flux/rss/", feeds.LatestArticlesFeed(), name="feed_rss"),
    path("flux/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("rubrique/<slug:slug>/rss/", feeds.SectionFeed(), name="section_feed_rss"),
    path(
        "rubrique/<slug:slug>/atom/", feeds.SectionAtomFeed(), name="section_feed_atom"
    ),
    path("auteur/<slug:slug>/rss/", feeds.AuthorFeed(), name="author_feed_rss"),
    path("auteur/<slug:slug>/atom/", feeds.AuthorAtomFeed(), name="author_feed_atom"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots_txt",
    ),
    path(
        "sitemap.xml",
        cacheable(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "articles:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-news.xml",
        cacheable(sitemap_views.sitemap),
        {"sitemaps": NEWS_SITEMAPS, "template_name": "articles/sitemap_news.xml"},
        name="sitemap_news",
    ),
    path(
        "sitemap-<section>.xml",
        cacheable(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("apercu/<str:token>/", views.preview, name="preview"),
]
