"""comments_changed(sender=Comment, article_ids=set[int]) is sent after commit
whenever what readers see of these articles' comments may have changed
(a comment approved, unpublished, anonymised or deleted). The page cache
listens to it to purge those article pages; nothing in this app does."""

from django.dispatch import Signal

comments_changed = Signal()
