"""A comment's plain text as HTML, made once when the comment is saved (the
article page shows hundreds of them on every render)."""

import re

from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe


def comment_html(text: str) -> SafeString:
    """Plain text to HTML: escaped, paragraphs and line breaks kept, URLs made
    links that pass no ranking and no window access."""
    paragraphs = [p for p in re.split(r"\n\s*\n", str(text).strip()) if p.strip()]
    html = []
    for paragraph in paragraphs:
        linked = urlize(paragraph, trim_url_limit=60, nofollow=True, autoescape=True)
        # The text is escaped, so this attribute can only come from urlize.
        linked = linked.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
        html.append(f"<p>{linked.replace(chr(10), '<br>')}</p>")
    return mark_safe("\n".join(html))


def shown_html(body: str, body_html: str) -> SafeString:
    """The HTML a stored comment shows: made on save, made here for rows
    written without save() (bulk inserts)."""
    if body_html or not body:
        return mark_safe(body_html)
    return comment_html(body)
