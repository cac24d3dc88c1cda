"""comments_changed(sender=Comment, article_ids=set[int]) is sent after commit
whenever what readers see of these articles' comments may have changed
(a comment approved, unpublished, anonymised or deleted). The page cache
listens to it (purge_article_pages, connected in CommentsConfig.ready) to
purge those article pages, in every language."""

from django.conf import settings
from django.dispatch import Signal
from django.urls import reverse
from django.utils import translation

from omag.pagecache import purge_paths

comments_changed = Signal()


def purge_article_pages(sender, article_ids, **kwargs):
    """Only the articles' own pages show their comments (every comment page:
    ?commentaires=N shares the path)."""
    from articles.models import Article

    slugs = Article.objects.filter(pk__in=article_ids).values_list("slug", flat=True)
    paths = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths += [reverse("articles:detail", args=[slug]) for slug in slugs]
    purge_paths(paths)
