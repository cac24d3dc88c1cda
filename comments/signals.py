"""comments_changed(sender=Comment, article_ids=set[int]) is sent after commit
whenever what readers see of these articles' comments may have changed
(a comment approved, unpublished, anonymised or deleted). The page cache
listens to it (purge_article_pages, connected in CommentsConfig.ready) to
purge those article pages, in every language."""

from django.conf import settings
from django.dispatch import Signal
from django.utils import translation

from omag.pagecache import invalidate_paths

comments_changed = Signal()


def purge_article_pages(sender, article_ids, **kwargs):
    from articles.models import Article

    articles = list(Article.objects.filter(pk__in=article_ids).only("slug"))
    paths = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths += [article.get_absolute_url() for article in articles]
    invalidate_paths(paths)
