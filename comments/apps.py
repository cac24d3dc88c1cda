from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Commentaires")

    def ready(self):
        from .signals import comments_changed, purge_article_pages

        comments_changed.connect(purge_article_pages, dispatch_uid="comments-pagecache")
