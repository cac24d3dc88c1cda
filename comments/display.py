"""A comment's markup (comments/includes/comment.html), rendered once.

The article page shows a hundred comments on every render not served from
the page cache. A comment's markup depends only on the comment and on a few
settings of the render (language, time zone, whether it may be replied to),
so each is rendered once per process and then reused: the page costs a
dictionary look-up per comment, not a template render and two `|date`
filters each. Comments come as rows (dicts), not model instances."""

from functools import lru_cache

from django.template import Context
from django.template.loader import get_template
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone, is_aware, localtime
from django.utils.translation import get_language

from .text import comment_html

# What the markup shows of a comment: the rows' columns.
ROW_FIELDS = (
    "pk",
    "parent_id",
    "name",
    "staff_author_id",
    "body",
    "body_html",
    "created_at",
)


def render_settings() -> tuple:
    """What a comment's markup depends on besides the comment: the template
    itself (a new one, edited or with other settings, renders anew), the
    language (its text is translated), the time zone and the date format."""
    return (
        get_template("comments/includes/comment.html").template,
        get_language(),
        get_current_timezone(),
        get_format("SHORT_DATETIME_FORMAT"),
    )


def add_markup(rows, *, mine=False, can_reply=False, reply_url="") -> list:
    """Each row (with ROW_FIELDS), and each of its "replies" if it has some,
    given its comment's HTML under "html". `mine`: shown to their author,
    awaiting moderation; `can_reply`: threads get a "Répondre" link to
    `reply_url`."""
    rows = list(rows)
    render = (*render_settings(), mine, can_reply, reply_url)
    for row in rows:
        for comment in (row, *row.get("replies", ())):
            comment["html"] = _markup(
                render,
                comment["pk"],
                comment["parent_id"],
                comment["name"],
                comment["staff_author_id"] is not None,
                # The text is kept once in the cache: its HTML, made on save,
                # or for rows written without save() the text itself.
                comment["body_html"] or comment["body"],
                bool(comment["body_html"]),
                comment["created_at"],
            )
    return rows


# About 2,000 comments: 20 article pages of 100 comments in two languages.
@lru_cache(maxsize=2048)
def _markup(render, pk, parent_id, name, from_newsroom, text, is_html, created_at):
    """One comment's HTML for the render's settings. Every input of the
    template is in the cache key: an edited comment is rendered anew."""
    template, _language, timezone, short_format, mine, can_reply, reply_url = render
    if is_aware(created_at):
        created_at = localtime(created_at, timezone)
    comment = {
        # As text: an int in a template goes through number formatting.
        "pk": str(pk),
        "parent_id": parent_id,
        "name": name,
        "is_from_newsroom": from_newsroom,
        "body_as_html": mark_safe(text) if is_html else comment_html(text),
        # As |date:'Y-m-d\TH:i:sO' and |date:"SHORT_DATETIME_FORMAT" give them.
        "date_iso": created_at.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "date_text": dateformat.format(created_at, short_format),
    }
    context = {
        "comment": comment,
        "mine": mine,
        "can_reply": can_reply,
        "reply_url": reply_url,
    }
    return template.render(Context(context))


def blank_form_fields() -> str:
    """The comment form's fields as comments/includes/form_fields.html shows
    them unfilled, as on every article page (its tokens come from
    comments.js): the same for every article, rendered once per language
    (the widgets' templates cost more than all of a page's comments)."""
    return _blank_form_fields(
        get_template("comments/includes/form_fields.html").template, get_language()
    )


@lru_cache(maxsize=8)
def _blank_form_fields(template, _language) -> str:
    from .forms import CommentForm  # forms imports the models, which import this

    return template.render(Context({"form": CommentForm(article=None)}))
