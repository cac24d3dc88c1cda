"""Editorial changes purge the cached pages that show them (articles/purge.py).

Before a row changes (pre_save, pre_delete, m2m pre_*), the pages that show
its article as it was are noted; once the transaction is committed, the
pages that show it now are added and all of them are purged, once per
transaction however many rows changed (the admin saves an article, its
bylines, related links and tags in one). Purging before the commit would let
a reader's render of the old rows be stored as the new page.

A draft or a piece in review shows nowhere: saving it purges nothing. A save
that changes what is scheduled also sets the page cache's next deadline, so
that a scheduled article appears at its minute.
"""

import threading

from django.db import transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)

from omag import pagecache

from . import purge
from .models import Article, Author, Byline, Correction, RelatedLink, Section, Tag


class Pending(threading.local):
    """What this thread's open transaction changed, until it is committed.
    After a rollback it is kept and purged with the next commit: a purge too
    many costs a render, a purge missed would show a stale page."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.paths = set()  # pages that showed the old state
        self.articles = set()  # articles whose pages to work out after commit
        self.pages_only = {}  # article id: surfaces (their own page…)
        self.everything = False
        self.schedule = False


pending = Pending()


def flush() -> None:
    """Purge what the committed changes made stale."""
    if not (
        pending.paths or pending.articles or pending.pages_only or pending.everything
    ):
        return
    paths, articles, pages_only = pending.paths, pending.articles, pending.pages_only
    everything, schedule = pending.everything, pending.schedule
    pending.reset()
    if everything:
        pagecache.purge_all()
    else:
        paths |= purge.article_pages(articles)
        for article_id, surfaces in pages_only.items():
            paths |= purge.article_pages([article_id], surfaces)
        pagecache.purge_paths(paths)
    if schedule:
        pagecache.check_deadline()


def changed(sender, raw=False, **kwargs):
    """After any write: purge once the transaction is committed (at once
    outside a transaction). Never from a pre_* signal: the row is not
    written yet."""
    if not raw:
        transaction.on_commit(flush)


def _article_before(article_id) -> None:
    """Note the pages that show this article before it changes (once per
    transaction)."""
    if article_id is None or article_id in pending.articles:
        return
    pending.paths |= purge.article_pages([article_id])
    pending.articles.add(article_id)
    pending.schedule = True


def article_changing(sender, instance, raw=False, **kwargs):
    if not raw:
        _article_before(instance.pk)


def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        pending.articles.add(instance.pk)
        pending.schedule = True
        transaction.on_commit(flush)


def byline_changing(sender, instance, raw=False, **kwargs):
    if not raw:
        _article_before(instance.article_id)


def article_list_changing(sender, instance, raw=False, **kwargs):
    """A related link or a correction shows on its article's page (and a
    correction's date in the feeds and sitemaps)."""
    if raw:
        return
    surfaces = {purge.PAGE}
    if sender is Correction:
        surfaces |= {purge.FEEDS, purge.SITEMAPS_}
    pending.pages_only.setdefault(instance.article_id, set()).update(surfaces)


def tags_changing(sender, instance, action, reverse, pk_set, **kwargs):
    if action.startswith("post_"):
        transaction.on_commit(flush)
        return
    if not reverse:
        _article_before(instance.pk)
    elif pk_set:
        for article_id in pk_set:
            _article_before(article_id)
    else:  # tag.articles.clear()
        for article_id in instance.articles.values_list("pk", flat=True):
            _article_before(article_id)


def _old(instance):
    if instance.pk is None:
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).first()


def section_changing(sender, instance, raw=False, **kwargs):
    if raw:
        return
    old = _old(instance)
    if purge.section_shows_everywhere(old, instance):
        pending.everything = True
    else:
        pending.paths |= purge.section_paths(instance.slug)


def section_deleting(sender, instance, **kwargs):
    pending.everything = True  # the navigation of every page


def author_changing(sender, instance, raw=False, **kwargs):
    if raw:
        return
    old = _old(instance)
    if old is None:
        return  # a new author shows nowhere yet
    name_changed = old.display_name != instance.display_name
    slug_changed = old.slug != instance.slug
    if name_changed or slug_changed or old.bio != instance.bio:
        pending.paths |= purge.author_pages(
            old, name_changed=name_changed, slug_changed=slug_changed
        )
        if slug_changed:  # and whatever was cached at its new address
            pending.paths |= purge.author_paths(instance.slug)


def author_deleting(sender, instance, **kwargs):
    pending.paths |= purge.author_paths(instance.slug)


def tag_changing(sender, instance, raw=False, **kwargs):
    if raw:
        return
    old = _old(instance)
    if old is None:
        return
    if (old.name, old.slug) != (instance.name, instance.slug):
        pending.paths |= purge.tag_pages(old) | purge.tag_paths(instance.slug)


def tag_deleting(sender, instance, **kwargs):
    # Its links to articles go without m2m signals: noted here.
    pending.paths |= purge.tag_pages(instance)


def connect():
    receivers = (
        (Article, article_changing, article_changing),
        (Byline, byline_changing, byline_changing),
        (RelatedLink, article_list_changing, article_list_changing),
        (Correction, article_list_changing, article_list_changing),
        (Section, section_changing, section_deleting),
        (Author, author_changing, author_deleting),
        (Tag, tag_changing, tag_deleting),
    )
    for model, saving, deleting in receivers:
        name = model.__name__
        pre_save.connect(saving, sender=model, dispatch_uid=f"purge-pre-save-{name}")
        pre_delete.connect(
            deleting, sender=model, dispatch_uid=f"purge-pre-delete-{name}"
        )
        post_delete.connect(changed, sender=model, dispatch_uid=f"purge-delete-{name}")
        if model is not Article:
            post_save.connect(changed, sender=model, dispatch_uid=f"purge-save-{name}")
    post_save.connect(article_saved, sender=Article, dispatch_uid="purge-save-Article")
    m2m_changed.connect(
        tags_changing, sender=Article.tags.through, dispatch_uid="purge-tags"
    )
    if purge.next_publication not in pagecache.deadline_handlers:
        pagecache.deadline_handlers.append(purge.next_publication)
