from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Commentaires")

    def ready(self):
        from omag.db import pin_site

        from .signals import comments_changed, purge_article_pages

        comments_changed.connect(purge_article_pages, dispatch_uid="comments-pagecache")
        # Pages rendered after a comment is published read the primary for a
        # moment (no-op without a read replica).
        comments_changed.connect(pin_site, dispatch_uid="comments-replica-pin")
