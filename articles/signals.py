"""Editorial changes make cached pages stale.

Any saved or deleted article, section, author, tag, byline, related link or
correction may
show on many pages (navigation, listings, related reading), so the whole site
generation of the page cache is bumped; pages render again on their next hit.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from omag.pagecache import invalidate_site

from .models import Article, Author, Byline, Correction, RelatedLink, Section, Tag


def content_changed(sender, **kwargs):
    if kwargs.get("raw"):
        return  # loading fixtures
    invalidate_site()


def connect():
    for model in (Article, Section, Author, Tag, Byline, RelatedLink, Correction):
        post_save.connect(
            content_changed,
            sender=model,
            dispatch_uid=f"pagecache-save-{model.__name__}",
        )
        post_delete.connect(
            content_changed,
            sender=model,
            dispatch_uid=f"pagecache-delete-{model.__name__}",
        )
    m2m_changed.connect(
        content_changed, sender=Article.tags.through, dispatch_uid="pagecache-tags"
    )
