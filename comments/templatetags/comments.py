from django import template
from django.conf import settings
from django.core.paginator import Paginator
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse

from omag.rendering import KeptMarkup

from ..display import add_markup, blank_form_fields, render_settings
from ..models import Comment
from ..moderation import comments_closed_reason
from ..text import comment_html

register = template.Library()

PAGE_PARAM = "commentaires"

# The block's markup by everything it shows (comment_block() below), emptied
# when full: about 100 KB each with 100 comments, key included.
BLOCK_MARKUP = KeptMarkup(32)


@register.simple_tag(takes_context=True)
def comment_block(context, article):
    """comments/comment_block.html: the article's approved comments (a page of
    threads with their replies), their count and the comment form. The same
    for every reader: comments.js adds what is theirs after load.

    One query tells the counts and everything the page's comments show
    (Comment.objects.page_summary()). The block is rendered once per process
    for that and for the render's settings, then reused: a page whose
    comments did not change costs that query and a look-up. A comment
    approved, removed or edited changes the summary, so the block is read
    and rendered anew."""
    request = context.get("request")
    requested = request.GET.get(PAGE_PARAM) if request else None
    per_page = settings.COMMENTS_PER_PAGE
    offset = _requested_offset(requested, per_page)
    summary = Comment.objects.page_summary(article, offset=offset, limit=per_page)
    page = Paginator(range(summary.threads), per_page).get_page(requested)
    if page.object_list.start != offset:  # past the last page: the last one
        offset = page.object_list.start
        summary = Comment.objects.page_summary(article, offset=offset, limit=per_page)
    closed_reason = str(comments_closed_reason(article))
    block = get_template("comments/comment_block.html").template
    key = (
        block,
        get_template("comments/includes/comment_list.html").template,
        render_settings(),
        article.pk,
        article.slug,
        closed_reason,
        per_page,
        page.number,
        summary,
    )
    markup = BLOCK_MARKUP.get(key)
    if markup is None:
        markup = _render_block(block, article, page, summary.total, closed_reason)
        # Kept only if the comments did not change while they were read: the
        # markup is then the summary's.
        if not page.object_list or summary == Comment.objects.page_summary(
            article, offset=offset, limit=per_page
        ):
            BLOCK_MARKUP.keep(key, markup)
    return markup


def _requested_offset(requested, per_page: int) -> int:
    """The first thread of the page asked for, if it exists (else the
    paginator picks another page, and the summary is read again)."""
    if (
        requested
        and requested.isascii()
        and requested.isdigit()
        and len(requested) < 10
    ):
        return max(int(requested) - 1, 0) * per_page
    return 0


def _render_block(block, article, page, total: int, closed_reason: str):
    positions = page.object_list
    threads = add_markup(
        Comment.objects.threads_with_replies(
            article, offset=positions.start, limit=len(positions)
        ),
        can_reply=not closed_reason,
        reply_url=reverse("comments:form", args=[article.slug]),
    )
    return block.render(
        Context(
            {
                "slug": article.slug,
                "total": total,
                "page_obj": page,
                "threads": [
                    (thread["html"], [reply["html"] for reply in thread["replies"]])
                    for thread in threads
                ],
                "page_param": PAGE_PARAM,
                "closed_reason": closed_reason,
                "form_fields": None if closed_reason else blank_form_fields(),
            }
        )
    )


@register.filter
def comment_text(value):
    """Plain text to HTML (see comments.text.comment_html); stored comments
    carry it already as `Comment.body_as_html`."""
    return comment_html(value)
