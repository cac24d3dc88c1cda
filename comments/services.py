"""Every write to comments: submitting, moderating, replying as the newsroom,
and the commenter's data rights. The one place that sets a comment's status."""

import hashlib
import ipaddress
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from omag.cache import CacheUnavailable

from . import moderation
from .models import Comment, CommentIP
from .signals import comments_changed

logger = logging.getLogger(__name__)

ANONYMOUS_NAME = "Anonyme"


class CommentRefused(ValidationError):
    """A comment the reader may fix or retry later; `code` says why."""


def truncate_ip(address: str | None) -> str | None:
    """The network of an address (/24 for IPv4, /48 for IPv6), or None."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def _hit_rate_limit(kind: str, value: str) -> bool | None:
    """Count one post for value; True when it goes over the limit, None when
    the count is unknown (cache down). The counter lives in the shared cache,
    so every app server sees the same count."""
    limit, period = settings.COMMENTS_RATE_LIMITS[kind]
    digest = hashlib.sha256(value.casefold().encode()).hexdigest()[:32]
    key = f"comments:rate:{kind}:{digest}"
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period)
        count = 1
    except CacheUnavailable:
        return None
    return count > limit


def _check_limits(*, article, email: str, body: str, ip: str | None) -> bool:
    """Raise CommentRefused past a limit or for a duplicate; return False when
    the rate limits could not be counted (the cache is down)."""
    by_ip = _hit_rate_limit("ip", ip) if ip else False
    if by_ip:
        raise CommentRefused(
            _(
                "Vous avez envoyé beaucoup de commentaires en peu de temps. "
                "Réessayez dans quelques minutes."
            ),
            code="rate_limited",
        )
    by_email = _hit_rate_limit("email", email) if email else False
    if by_email:
        raise CommentRefused(
            _(
                "Trop de commentaires avec cette adresse e-mail en peu de temps. "
                "Réessayez dans quelques minutes."
            ),
            code="rate_limited",
        )
    since = timezone.now() - timedelta(seconds=settings.COMMENTS_DUPLICATE_WINDOW)
    if (
        Comment.objects.on(article)
        .filter(body=body, created_at__gte=since)
        .filter(Q(email__iexact=email) if email else Q())
        .exists()
    ):
        raise CommentRefused(
            _("Vous avez déjà envoyé ce commentaire."), code="duplicate"
        )
    return by_ip is not None and by_email is not None


def comments_shown_changed(*, article_ids: set) -> None:
    """Tell (after commit) that readers may see these articles' comments
    differently: their pages are purged from the page cache."""
    transaction.on_commit(
        lambda: comments_changed.send(sender=Comment, article_ids=article_ids)
    )


def comment_submit(
    *,
    article,
    name: str,
    email: str,
    body: str,
    parent: Comment | None = None,
    ip: str | None = None,
) -> Comment:
    """Save a reader's comment with the status the moderation rules decide.

    Raises CommentRefused (nothing saved) when the article does not take
    comments, the parent is not a visible comment of this article, or a limit
    or duplicate check fails."""
    if reason := moderation.comments_closed_reason(article):
        raise CommentRefused(reason, code="closed")
    if parent is not None and (
        parent.article_id != article.pk
        or parent.parent_id is not None
        or parent.status != Comment.Status.APPROVED
    ):
        raise CommentRefused(
            _("On ne peut répondre qu'à un commentaire publié de cet article."),
            code="bad_parent",
        )
    limits_counted = _check_limits(article=article, email=email, body=body, ip=ip)
    decision = moderation.decide(name=name, email=email, body=body)
    if not limits_counted and decision.status == Comment.Status.APPROVED:
        # Fail safe: without counters a flood could be published; it is kept
        # for a moderator instead of being refused (and lost).
        decision = moderation.Decision(
            Comment.Status.PENDING,
            _("Limites d'envoi indisponibles : retenu pour modération."),
        )
    with transaction.atomic():
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            name=name,
            email=email,
            body=body,
            status=decision.status,
            held_reason=decision.reason,
        )
        if truncated := truncate_ip(ip):
            CommentIP.objects.create(comment=comment, address=truncated)
        if comment.status == Comment.Status.PENDING:
            transaction.on_commit(moderators_notify)
        elif comment.status == Comment.Status.APPROVED:
            comments_shown_changed(article_ids={article.pk})
    return comment


def comments_moderate(*, comments, status: str, moderator) -> int:
    """Set the status of the given comments (a QuerySet or a list) and stamp
    who did it and when; returns how many changed."""
    if status not in Comment.Status.values:
        raise ValueError(f"Unknown comment status {status!r}")
    pks = [c.pk for c in comments]
    changed = list(Comment.objects.filter(pk__in=pks).exclude(status=status))
    if not changed:
        return 0
    now = timezone.now()
    with transaction.atomic():
        Comment.objects.filter(pk__in=[c.pk for c in changed]).update(
            status=status, moderated_by=moderator, moderated_at=now
        )
        for comment in changed:
            comment.status, comment.moderated_by, comment.moderated_at = (
                status,
                moderator,
                now,
            )
        comments_shown_changed(article_ids={c.article_id for c in changed})
    for comment in comments:
        if isinstance(comment, Comment):
            comment.status, comment.moderated_by, comment.moderated_at = (
                status,
                moderator,
                now,
            )
    return len(changed)


def comment_approve(*, comment: Comment, moderator) -> Comment:
    comments_moderate(
        comments=[comment], status=Comment.Status.APPROVED, moderator=moderator
    )
    return comment


def comment_reject(*, comment: Comment, moderator) -> Comment:
    comments_moderate(
        comments=[comment], status=Comment.Status.REJECTED, moderator=moderator
    )
    return comment


def comment_mark_spam(*, comment: Comment, moderator) -> Comment:
    comments_moderate(
        comments=[comment], status=Comment.Status.SPAM, moderator=moderator
    )
    return comment


def comment_reply_as_newsroom(*, parent: Comment, body: str, moderator) -> Comment:
    """A reply signed by the magazine, published at once; replying to a held
    comment approves it, since the newsroom answers it in public."""
    with transaction.atomic():
        if parent.parent_id is not None:
            parent = parent.parent
        if parent.status != Comment.Status.APPROVED:
            comment_approve(comment=parent, moderator=moderator)
        now = timezone.now()
        reply = Comment.objects.create(
            article=parent.article,
            parent=parent,
            name=_("La rédaction de %(site)s") % {"site": settings.SITE_NAME},
            email=moderator.email,
            body=body,
            status=Comment.Status.APPROVED,
            held_reason=_("Réponse de la rédaction."),
            staff_author=moderator,
            moderated_by=moderator,
            moderated_at=now,
        )
        comments_shown_changed(article_ids={reply.article_id})
    return reply


def moderators():
    """Active staff who may moderate comments: through a group, directly, or
    as superusers."""
    perm = Permission.objects.get(
        content_type__app_label="comments", codename="moderate_comment"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions=perm)
            | Q(user_permissions=perm)
        )
        .exclude(email="")
        .distinct()
    )


def moderators_notify() -> bool:
    """E-mail moderators that comments are waiting, at most once per
    COMMENTS_NOTIFY_EVERY seconds (cache.add is atomic across processes)."""
    if not cache.add("comments:notified", 1, timeout=settings.COMMENTS_NOTIFY_EVERY):
        return False
    recipients = list(moderators().values_list("email", flat=True))
    waiting = Comment.objects.pending().count()
    if not recipients or not waiting:
        return False
    with override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "%(site)s : %(count)d commentaire en attente de modération",
            "%(site)s : %(count)d commentaires en attente de modération",
            waiting,
        ) % {
            "site": settings.SITE_NAME,
            "count": waiting,
        }
        body = _(
            "Des commentaires attendent votre décision.\n\n"
            "File de modération : %(url)s\n"
        ) % {
            "url": settings.COMMENTS_SITE_URL
            + reverse("admin:comments_comment_changelist")
            + "?status__exact=pending"
        }
    try:
        send_mail(subject, body, None, recipients)
    except OSError:
        # A mail server outage must not lose the comment; the next one retries.
        logger.exception("Could not e-mail moderators")
        cache.delete("comments:notified")
        return False
    return True


def commenter_export(*, email: str) -> dict:
    """All we hold about the commenter using this address."""
    comments = (
        Comment.objects.by_email(email)
        .select_related("article", "ip")
        .order_by("created_at", "pk")
    )
    return {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                "id": c.pk,
                "article": c.article.title,
                "article_url": c.article.get_absolute_url(),
                "in_reply_to": c.parent_id,
                "name": c.name,
                "email": c.email,
                "body": c.body,
                "status": c.status,
                "created_at": c.created_at.isoformat(),
                "ip_address": _ip_of(c),
            }
            for c in comments
        ],
    }


def _ip_of(comment: Comment) -> str | None:
    try:
        return comment.ip.address
    except CommentIP.DoesNotExist:
        return None


def commenter_erase(*, email: str) -> dict:
    """Erase a commenter: comments without replies are deleted, the others are
    anonymised (name "Anonyme", e-mail and IP removed) so threads stay whole."""
    email = email.strip()
    if not email:
        return {"deleted": 0, "anonymised": 0}
    with transaction.atomic():
        theirs = Comment.objects.by_email(email)
        with_replies = theirs.filter(replies__isnull=False).distinct()
        keep = list(with_replies.values_list("pk", flat=True))
        CommentIP.objects.filter(comment__in=theirs).delete()
        anonymised = Comment.objects.filter(pk__in=keep).update(
            name=ANONYMOUS_NAME, email=""
        )
        article_ids = set(theirs.values_list("article_id", flat=True))
        _deleted, by_model = theirs.exclude(pk__in=keep).delete()
        comments_shown_changed(article_ids=article_ids)
    return {"deleted": by_model.get("comments.Comment", 0), "anonymised": anonymised}


def comment_ips_purge(*, now=None) -> int:
    """Erase the IPs kept longer than COMMENTS_IP_RETENTION_DAYS."""
    limit = (now or timezone.now()) - timedelta(
        days=settings.COMMENTS_IP_RETENTION_DAYS
    )
    deleted, _by_model = CommentIP.objects.filter(created_at__lt=limit).delete()
    return deleted
