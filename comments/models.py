from django.conf import settings
from django.db import models
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .text import comment_html, shown_html


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def on(self, article):
        return self.filter(article=article)

    def threads(self):
        """Approved top-level comments, oldest first, each with its approved
        replies (`approved_replies`) fetched in one more query for them all.
        A reply is on its thread's article: services.comment_submit and
        comment_reply_as_newsroom make it so."""
        return (
            self.approved()
            .filter(parent__isnull=True)
            .prefetch_related(
                Prefetch(
                    "replies",
                    queryset=Comment.objects.approved().order_by("created_at", "pk"),
                    to_attr="approved_replies",
                )
            )
            .order_by("created_at", "pk")
        )

    def counts(self) -> dict:
        """How many approved comments, and how many threads, in one query."""
        return self.approved().aggregate(
            total=Count("pk"), threads=Count("pk", filter=Q(parent__isnull=True))
        )

    def by_email(self, email: str):
        return self.filter(email__iexact=email.strip())

    def pending_first(self):
        """The moderation queue's order: pending, then newest first."""
        return self.order_by(
            Case(
                When(status="pending", then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ).asc(),
            "-created_at",
        )


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        APPROVED = "approved", _("Approuvé")
        REJECTED = "rejected", _("Rejeté")
        SPAM = "spam", _("Indésirable")

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("en réponse à"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        help_text=_("Un seul niveau de réponses."),
    )
    name = models.CharField(_("nom"), max_length=80)
    email = models.EmailField(
        _("e-mail"), blank=True, help_text=_("Jamais affiché publiquement.")
    )
    body = models.TextField(_("texte"), help_text=_("Texte brut."))
    # The text as HTML, made on save: the article page shows hundreds of
    # comments per render and must not run urlize on each of them.
    body_html = models.TextField(_("texte en HTML"), blank=True, editable=False)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=Status,
        default=Status.PENDING,
        help_text=_("Seuls les commentaires approuvés sont visibles des lecteurs."),
    )
    held_reason = models.CharField(
        _("motif de mise en attente"), max_length=300, blank=True
    )
    staff_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("réponse de la rédaction par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modéré par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("modéré le"), null=True, blank=True)
    created_at = models.DateTimeField(_("écrit le"), auto_now_add=True, db_index=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        permissions = [
            ("moderate_comment", _("Peut modérer les commentaires")),
            ("manage_commenter_data", _("Peut exporter et effacer les données")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "spam"]),
                name="comment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="comment_not_own_parent"
            ),
        ]
        indexes = [
            models.Index(
                fields=["article", "status", "created_at"], name="comment_article_idx"
            ),
            models.Index(fields=["status", "-created_at"], name="comment_queue_idx"),
            models.Index(fields=["email"], name="comment_email_idx"),
        ]

    def __str__(self):
        return f"{self.name} : {self.body[:60]}"

    def save(self, *args, **kwargs):
        self.body_html = comment_html(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#commentaire-{self.pk}"

    @property
    def body_as_html(self) -> SafeString:
        """The text as HTML: stored on save, made here for rows written
        without save() (bulk inserts)."""
        return shown_html(self.body, self.body_html)

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_from_newsroom(self) -> bool:
        return self.staff_author_id is not None


class CommentIP(models.Model):
    """The truncated IP of a comment, kept apart from the comment so that no
    comment view or admin page shows it; erased after a year."""

    comment = models.OneToOneField(
        Comment,
        verbose_name=_("commentaire"),
        on_delete=models.CASCADE,
        related_name="ip",
        primary_key=True,
    )
    address = models.GenericIPAddressField(_("adresse IP tronquée"))
    created_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("adresse IP de commentaire")
        verbose_name_plural = _("adresses IP de commentaires")
        indexes = [models.Index(fields=["created_at"], name="comment_ip_age_idx")]

    def __str__(self):
        return self.address


class ModerationWord(models.Model):
    class Kind(models.TextChoices):
        HOLD = "hold", _("Mettre en attente")
        BAN = "ban", _("Rejeter comme indésirable")

    word = models.CharField(
        _("mot ou expression"),
        max_length=100,
        help_text=_("Sans tenir compte des majuscules ni des accents."),
    )
    kind = models.CharField(_("effet"), max_length=4, choices=Kind, default=Kind.HOLD)

    class Meta:
        ordering = ["kind", "word"]
        verbose_name = _("mot modéré")
        verbose_name_plural = _("mots modérés")
        constraints = [
            models.UniqueConstraint(fields=["word", "kind"], name="moderation_word_uq"),
            models.CheckConstraint(
                condition=Q(kind__in=["hold", "ban"]), name="moderation_word_kind"
            ),
        ]

    def __str__(self):
        return self.word
