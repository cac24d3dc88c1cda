from functools import cached_property

from django import template
from django.conf import settings
from django.core.paginator import Paginator
from django.urls import reverse

from ..forms import CommentForm
from ..models import Comment
from ..moderation import comments_closed_reason
from ..text import comment_html

register = template.Library()

PAGE_PARAM = "commentaires"


class KnownCountPaginator(Paginator):
    """A paginator told its count, so it runs no COUNT query of its own."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count


@register.inclusion_tag("comments/comment_block.html", takes_context=True)
def comment_block(context, article):
    """The article's approved comments (a page of threads with their replies),
    their count and the comment form, in three queries whatever the number of
    comments (one when there are none). The same for every reader:
    comments.js adds what is theirs after load."""
    request = context.get("request")
    comments = Comment.objects.on(article)
    counts = comments.counts()
    paginator = KnownCountPaginator(
        comments.threads(), settings.COMMENTS_PER_PAGE, count=counts["threads"]
    )
    page = paginator.get_page(request.GET.get(PAGE_PARAM) if request else None)
    closed_reason = comments_closed_reason(article)
    return {
        "article": article,
        "total": counts["total"],
        "page_obj": page,
        "page_param": PAGE_PARAM,
        "closed_reason": closed_reason,
        "can_reply": not closed_reason,
        # Reversed once here, not once per comment.
        "reply_url": reverse("comments:form", args=[article.slug]),
        "form": None if closed_reason else CommentForm(article=article),
    }


@register.filter
def comment_text(value):
    """Plain text to HTML (see comments.text.comment_html); stored comments
    carry it already as `Comment.body_as_html`."""
    return comment_html(value)
