"""The editorial workflow: who may do what to an article, and the one place
that changes its status. The admin and any other caller go through these
functions, so a forged request meets the same checks as a button.

    draft ──submit──► review ──publish/schedule──► published ──unpublish──► unpublished
      ▲                  │                             │                        │
      └──────────── send back (with a note) ◄──────────┴────────────────────────┘
"""

import difflib
import re
from datetime import datetime

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Article, ArticleTransition, Correction, SlugRedirect

Status = Article.Status

SUBMIT, PUBLISH, SCHEDULE, UNPUBLISH, SEND_BACK = (
    "submit",
    "publish",
    "schedule",
    "unpublish",
    "send_back",
)
ACTION_LABELS = {
    SUBMIT: gettext_lazy("Soumettre à la relecture"),
    PUBLISH: gettext_lazy("Publier"),
    SCHEDULE: gettext_lazy("Programmer"),
    UNPUBLISH: gettext_lazy("Dépublier"),
    SEND_BACK: gettext_lazy("Renvoyer à l'auteur"),
}
PREVIEW_SALT = "articles.preview"


# --- Who may do what ------------------------------------------------------------
def can_publish(user) -> bool:
    return user.is_active and user.has_perm("articles.publish_article")


def can_edit(user, article: Article) -> bool:
    """Editors change any article; a journalist only their own draft."""
    if not user.is_active:
        return False
    if article.pk is None:
        return user.has_perm("articles.add_article")
    if not user.has_perm("articles.change_article"):
        return False
    if user.has_perm("articles.edit_any_article"):
        return True
    return article.status == Status.DRAFT and article.is_owned_by(user)


def available_actions(user, article: Article, *, now=None) -> list[str]:
    """The transition buttons this user sees on this article, in order."""
    if article.pk is None:
        if not user.has_perm("articles.add_article"):
            return []
        return [SUBMIT, PUBLISH, SCHEDULE] if can_publish(user) else [SUBMIT]
    actions = []
    if article.status == Status.DRAFT and can_edit(user, article):
        actions.append(SUBMIT)
    if can_publish(user):
        live = article.is_published(now=now)
        if not live:
            actions += [PUBLISH, SCHEDULE]
        if article.status == Status.PUBLISHED:
            actions.append(UNPUBLISH)
        if article.status != Status.DRAFT:
            actions.append(SEND_BACK)
    return actions


def check_action(*, user, article: Article, action: str, at=None, note="") -> None:
    """Refuse an action: PermissionDenied for a role that may not do it,
    ValidationError (in French) for one that makes no sense now."""
    if action not in ACTION_LABELS:
        raise ValidationError(_("Action inconnue."))
    if action == SUBMIT:
        if not can_edit(user, article):
            raise PermissionDenied(_("Vous ne pouvez pas soumettre cet article."))
    elif not can_publish(user):
        raise PermissionDenied(_("Seul un éditeur peut faire cela."))
    if action not in available_actions(user, article):
        raise ValidationError(
            _("« %(action)s » est impossible pour un article au statut « %(status)s ».")
            % {"action": ACTION_LABELS[action], "status": article.get_status_display()}
        )
    if action == SCHEDULE and (at is None or at <= timezone.now()):
        raise ValidationError(
            _("Pour programmer, indiquez une date de publication dans le futur.")
        )
    if action == SEND_BACK and not note.strip():
        raise ValidationError(_("Dites à l'auteur ce qu'il faut revoir."))


# --- Transitions ------------------------------------------------------------------
def _move(*, article, user, to_status, note="", published_at=None) -> Article:
    transition = ArticleTransition(
        article=article,
        user=user,
        from_status=article.status,
        to_status=to_status,
        note=note.strip(),
    )
    article.status = to_status
    if published_at is not None:
        article.published_at = published_at
    article.modified_by = user
    article.save()
    transition.published_at = (
        article.published_at if to_status == Status.PUBLISHED else None
    )
    transition.save()
    return article


@transaction.atomic
def article_submit(*, article: Article, user, note: str = "") -> Article:
    check_action(user=user, article=article, action=SUBMIT)
    return _move(article=article, user=user, to_status=Status.REVIEW, note=note)


@transaction.atomic
def article_publish(*, article: Article, user, note: str = "") -> Article:
    """Publish now; an article published before keeps its first date."""
    check_action(user=user, article=article, action=PUBLISH)
    now = timezone.now()
    keep = article.published_at and article.published_at <= now
    if keep and article.status == Status.UNPUBLISHED:
        article.updated_at = now
    return _move(
        article=article,
        user=user,
        to_status=Status.PUBLISHED,
        note=note,
        published_at=article.published_at if keep else now,
    )


@transaction.atomic
def article_schedule(
    *, article: Article, user, at: datetime, note: str = ""
) -> Article:
    """Publication at a future time: the published rule alone makes it
    appear then, no job needs to run."""
    check_action(user=user, article=article, action=SCHEDULE, at=at)
    return _move(
        article=article,
        user=user,
        to_status=Status.PUBLISHED,
        note=note,
        published_at=at,
    )


@transaction.atomic
def article_unpublish(*, article: Article, user, note: str = "") -> Article:
    check_action(user=user, article=article, action=UNPUBLISH)
    return _move(article=article, user=user, to_status=Status.UNPUBLISHED, note=note)


@transaction.atomic
def article_send_back(*, article: Article, user, note: str) -> Article:
    check_action(user=user, article=article, action=SEND_BACK, note=note)
    return _move(article=article, user=user, to_status=Status.DRAFT, note=note)


def article_transition(*, article, user, action, at=None, note="") -> Article:
    if action == SUBMIT:
        return article_submit(article=article, user=user, note=note)
    if action == PUBLISH:
        return article_publish(article=article, user=user, note=note)
    if action == SCHEDULE:
        return article_schedule(article=article, user=user, at=at, note=note)
    if action == UNPUBLISH:
        return article_unpublish(article=article, user=user, note=note)
    if action == SEND_BACK:
        return article_send_back(article=article, user=user, note=note)
    raise ValidationError(_("Action inconnue."))


# --- Corrections, slugs ---------------------------------------------------------------
@transaction.atomic
def correction_add(
    *, article: Article, user, text: str, kind=Correction.Kind.CORRECTION, at=None
) -> Correction:
    """A dated note under a published article; the article shows as updated."""
    if not can_publish(user):
        raise PermissionDenied(_("Seul un éditeur peut ajouter une correction."))
    if article.published_at is None or article.status != Status.PUBLISHED:
        raise ValidationError(_("Seul un article publié reçoit des corrections."))
    if not text.strip():
        raise ValidationError(_("Le texte de la correction est obligatoire."))
    correction = Correction.objects.create(
        article=article,
        kind=kind,
        text=text.strip(),
        created_at=at or timezone.now(),
        created_by=user,
    )
    Article.objects.filter(pk=article.pk).update(updated_at=correction.created_at)
    article.updated_at = correction.created_at
    return correction


def slug_changed(*, article: Article, old_slug: str) -> None:
    """Keep the old address of an article readers may have seen (301)."""
    SlugRedirect.objects.filter(old_slug=article.slug).delete()
    if old_slug and old_slug != article.slug and article.published_at is not None:
        SlugRedirect.objects.update_or_create(
            old_slug=old_slug, defaults={"article": article}
        )


# --- Preview links ---------------------------------------------------------------------
def preview_token(article: Article) -> str:
    return signing.TimestampSigner(salt=PREVIEW_SALT).sign(str(article.pk))


def preview_article_pk(token: str, *, max_age: int) -> int:
    """The article of a preview link; signing.SignatureExpired or BadSignature
    when the link is expired or forged."""
    value = signing.TimestampSigner(salt=PREVIEW_SALT).unsign(token, max_age=max_age)
    return int(value)


def preview_url(article: Article) -> str:
    return reverse("articles:preview", kwargs={"token": preview_token(article)})


# --- Revisions -------------------------------------------------------------------------
RESTORED_FIELDS = [
    "title",
    "standfirst",
    "body",
    "section",
    "lead_image",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
    "comments_open",
]
COMPARED_FIELDS = [
    "title",
    "standfirst",
    "body",
    "lead_image_alt",
    "lead_image_caption",
]


def _tokens(text: str) -> list[str]:
    return re.findall(r"<[^>]*>|[^\s<]+|\s+", text or "")


def diff_html(old: str, new: str) -> str:
    """The words removed (<del>) and added (<ins>) between two texts, escaped."""
    a, b = _tokens(old), _tokens(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))


def versions_diff(old_version, new_version) -> list[tuple[str, str, bool]]:
    """(field label, marked-up diff, changed?) for the fields editors compare."""
    old, new = old_version.field_dict, new_version.field_dict
    rows = []
    for name in COMPARED_FIELDS:
        label = Article._meta.get_field(name).verbose_name
        before, after = str(old.get(name) or ""), str(new.get(name) or "")
        rows.append((label, diff_html(before, after), before != after))
    return rows


@transaction.atomic
def article_restore(*, article: Article, version, user) -> Article:
    """Bring back the content of an earlier version as a new version; the
    status and dates stay as they are (publishing is a workflow step)."""
    if not can_edit(user, article):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cet article."))
    if version.object_id != str(article.pk):
        raise ValidationError(_("Cette version n'est pas celle de cet article."))
    data = version.field_dict
    for name in RESTORED_FIELDS:
        attname = Article._meta.get_field(name).attname
        if attname in data:
            setattr(article, attname, data[attname])
    article.modified_by = user
    article.save()
    if "tags" in data:
        article.tags.set(data["tags"])
    return article
