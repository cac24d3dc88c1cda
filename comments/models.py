from django.conf import settings
from django.db import connections, models
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .display import ROW_FIELDS
from .text import comment_html, shown_html


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def on(self, article):
        return self.filter(article=article)

    def threads(self):
        """Approved top-level comments, oldest first."""
        return self.approved().filter(parent__isnull=True).order_by("created_at", "pk")

    def for_display(self):
        """Only what a comment's markup shows (comments.display.ROW_FIELDS),
        as dicts: no model instance per comment."""
        return self.values(*ROW_FIELDS)

    def threads_with_replies(self, article, *, offset: int, limit: int) -> list[dict]:
        """The article's threads() from `offset`, at most `limit` of them, for
        display (ROW_FIELDS), each with its approved replies under "replies",
        in one query: the article's approved comments whose thread (their
        parent, or themselves for a thread) is one of them. A reply is on its
        thread's article: services.comment_submit and
        comment_reply_as_newsroom make it so, and the admin shows both
        read-only.

        In SQL written out unless narrowed: every article page asks, and
        building this query through the ORM costs more CPU than running it
        and reading its rows."""
        if not limit:
            return []
        if self.query.has_filters():  # narrowed: the ORM adds the conditions
            comments = self.on(article)
            threads = comments.threads()[offset : offset + limit]
            rows = (
                comments.approved()
                .alias(thread=Coalesce("parent_id", "pk"))
                .filter(thread__in=threads.values("pk"))
                .order_by("created_at", "pk")
                .for_display()
            )
        else:
            table, column = self._sql_names()
            shown = ", ".join(column[field] for field in ROW_FIELDS)
            mine = f"{column['article_id']} = %s AND {column['status']} = %s"
            order = f"{column['created_at']}, {column['pk']}"
            sql = (
                f"SELECT {shown} FROM {table} WHERE {mine}"
                f" AND COALESCE({column['parent_id']}, {column['pk']}) IN"
                f" (SELECT {column['pk']} FROM {table} WHERE {mine}"
                f" AND {column['parent_id']} IS NULL"
                f" ORDER BY {order} LIMIT %s OFFSET %s)"
                f" ORDER BY {order}"
            )
            approved = [article.pk, Comment.Status.APPROVED.value]
            rows = self._fetch(sql, [*approved, *approved, limit, offset])
        page = []
        replies = {}
        for row in rows:
            if row["parent_id"] is None:
                page.append(row)
                replies[row["pk"]] = row["replies"] = []
        for row in rows:
            if row["parent_id"] is not None:
                replies[row["parent_id"]].append(row)
        return page

    def counts(self, article) -> dict:
        """How many approved comments the article has, and how many threads
        (approved top-level comments), in one query. In SQL written out unless
        narrowed: every article page asks, and the ORM's building of this
        aggregate costs several times what running it does."""
        if self.query.has_filters():  # narrowed: the ORM adds the conditions
            return (
                self.on(article)
                .approved()
                .aggregate(
                    total=Count("pk"),
                    threads=Count("pk", filter=Q(parent__isnull=True)),
                )
            )
        table, column = self._sql_names()
        sql = (
            f"SELECT COUNT(*), COUNT(CASE WHEN {column['parent_id']} IS NULL"
            f" THEN 1 END) FROM {table}"
            f" WHERE {column['article_id']} = %s AND {column['status']} = %s"
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [article.pk, Comment.Status.APPROVED.value])
            total, threads = cursor.fetchone()
        return {"total": total, "threads": threads}

    def _sql_names(self) -> tuple[str, dict]:
        """The table's quoted name and its quoted columns by field name (and
        "pk"), for SQL written out."""
        quote = connections[self.db].ops.quote_name
        names = ["article_id", "status", *ROW_FIELDS]
        return quote(self.model._meta.db_table), {
            name: quote(self._field(name).column) for name in names
        }

    def _field(self, name: str):
        meta = self.model._meta
        return meta.pk if name == "pk" else meta.get_field(name)

    def _fetch(self, sql: str, params: list) -> list[dict]:
        """The rows of a written-out SELECT of ROW_FIELDS, as for_display()
        gives them: dicts of Python values (e.g. SQLite's dates as aware
        datetimes)."""
        connection = connections[self.db]
        converters = []
        for index, name in enumerate(ROW_FIELDS):
            column = self._field(name).get_col(self.model._meta.db_table)
            found = connection.ops.get_db_converters(column)
            found += column.get_db_converters(connection)
            converters.extend((index, converter, column) for converter in found)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = [list(row) for row in rows]
            for row in rows:
                for index, converter, column in converters:
                    row[index] = converter(row[index], column, connection)
        return [dict(zip(ROW_FIELDS, row, strict=False)) for row in rows]

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
