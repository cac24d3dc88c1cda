from django import template
from django.conf import settings
from django.core.paginator import Paginator
from django.urls import reverse

from ..display import add_markup, blank_form_fields, comment_list
from ..models import Comment
from ..moderation import comments_closed_reason
from ..text import comment_html

register = template.Library()

PAGE_PARAM = "commentaires"


@register.inclusion_tag("comments/comment_block.html", takes_context=True)
def comment_block(context, article):
    """Approved comments of the article (paginated threads), their count and
    the comment form, in two queries whatever the number of comments. The
    same for every reader: comments.js adds what is theirs after load."""
    request = context.get("request")
    counts = Comment.objects.counts(article)
    # What is paginated: the threads' positions, their number being known.
    paginator = Paginator(range(counts["threads"]), settings.COMMENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get(PAGE_PARAM) if request else None)
    positions = page.object_list
    closed_reason = comments_closed_reason(article)
    threads = add_markup(
        Comment.objects.threads_with_replies(
            article, offset=positions.start, limit=len(positions)
        ),
        can_reply=not closed_reason,
        reply_url=reverse("comments:form", args=[article.slug]),
    )
    return {
        "article": article,
        "total": counts["total"],
        "page_obj": page,
        "comment_list": comment_list(threads),
        "page_param": PAGE_PARAM,
        "closed_reason": closed_reason,
        "form_fields": None if closed_reason else blank_form_fields(),
    }


@register.filter
def comment_text(value):
    """Plain text to HTML (see comments.text.comment_html); stored comments
    carry it already as `Comment.body_as_html`."""
    return comment_html(value)
