"""The rules that decide a new comment's status and record why.

Order matters: a banned word makes it spam whatever else is true; then links and
moderation words hold it; then a trusted commenter is approved; otherwise it
waits for a moderator (pre-moderation).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Comment, ModerationWord

# What urlize would turn into a link, and the bare domains spammers write.
LINK_RE = re.compile(
    r"(https?://|www\.)\S+|\b[\w-]+\.(com|net|org|info|biz|ru|cn|xyz|top|io)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str


def normalise(text: str) -> str:
    """Lower case without accents, so "Arnaque" matches "arnaqué"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def find_word(text: str, words) -> str | None:
    haystack = normalise(text)
    for word in words:
        needle = normalise(word).strip()
        if needle and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack):
            return word
    return None


def count_links(text: str) -> int:
    return len(LINK_RE.findall(text))


def is_trusted(email: str) -> bool:
    needed = settings.COMMENTS_TRUST_AFTER_APPROVED
    if not needed or not email:
        return False
    return Comment.objects.approved().by_email(email).count() >= needed


def decide(*, name: str, email: str, body: str) -> Decision:
    words = {"hold": [], "ban": []}
    for word, kind in ModerationWord.objects.values_list("word", "kind"):
        words[kind].append(word)
    text = f"{name}\n{body}"
    if banned := find_word(text, words["ban"]):
        return Decision(
            Comment.Status.SPAM,
            _("Mot interdit : « %(word)s ».") % {"word": banned},
        )
    links = count_links(body)
    if links > settings.COMMENTS_MAX_LINKS:
        return Decision(
            Comment.Status.PENDING,
            ngettext("Contient %(count)d lien.", "Contient %(count)d liens.", links)
            % {"count": links},
        )
    if held := find_word(text, words["hold"]):
        return Decision(
            Comment.Status.PENDING,
            _("Mot à modérer : « %(word)s ».") % {"word": held},
        )
    if is_trusted(email):
        return Decision(
            Comment.Status.APPROVED,
            _("Approuvé d'office : commentateur de confiance."),
        )
    return Decision(Comment.Status.PENDING, _("Pré-modération."))


def comments_closed_reason(article, *, now=None) -> str:
    """Why readers may not comment on this article now, or "" when they may."""
    now = now or timezone.now()
    if not article.is_published(now=now):
        return _("Cet article n'est pas publié.")
    if not article.comments_open:
        return _("Les commentaires sont fermés.")
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days and article.published_at + timedelta(days=days) <= now:
        return _("Les commentaires sont fermés.")
    return ""
