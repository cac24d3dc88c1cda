import uuid
from datetime import timedelta

from cookie_consent.models import Cookie
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CookieDetails(models.Model):
    """What django-cookie-consent's Cookie lacks for the reader: who sets it and
    how long it lives."""

    cookie = models.OneToOneField(
        Cookie,
        on_delete=models.CASCADE,
        related_name="details",
        verbose_name=_("cookie"),
    )
    provider = models.CharField(
        _("fournisseur"),
        max_length=100,
        help_text=_("Qui dépose le cookie : « Ô Magazine », « YouTube (Google) »…"),
    )
    lifetime = models.CharField(
        _("durée de vie"),
        max_length=100,
        help_text=_("Telle qu'affichée au lecteur : « 6 mois », « session »…"),
    )

    class Meta:
        verbose_name = _("détails du cookie")
        verbose_name_plural = _("détails des cookies")

    def __str__(self):
        return f"{self.cookie.name} ({self.provider}, {self.lifetime})"


class ConsentRecordQuerySet(models.QuerySet):
    def for_consent_id(self, consent_id):
        return self.filter(consent_id=consent_id)

    def older_than(self, age: timedelta):
        return self.filter(created__lt=timezone.now() - age)


class ConsentRecord(models.Model):
    """Proof of one decision: who (a random id, never a person), what was
    chosen per group, what was shown (a hash of groups, cookies and texts),
    and when."""

    class Source(models.TextChoices):
        ACCEPT_ALL = "accept_all", _("Tout accepter")
        REFUSE_ALL = "refuse_all", _("Tout refuser")
        SELECTION = "selection", _("Sélection enregistrée")
        DISMISSED = "dismissed", _("Bandeau fermé sans choix (refus)")
        EMBED = "embed", _("« Afficher le contenu » sur un contenu externe")

    consent_id = models.UUIDField(
        _("identifiant de consentement"),
        db_index=True,
        help_text=_("Valeur aléatoire du cookie omag_consent du lecteur."),
    )
    choices = models.JSONField(
        _("choix par groupe"),
        help_text=_("Groupe optionnel → accepté (true) ou refusé (false)."),
    )
    version = models.CharField(
        _("version présentée"),
        max_length=64,
        help_text=_("Empreinte des groupes, cookies et textes montrés au lecteur."),
    )
    source = models.CharField(_("origine"), max_length=20, choices=Source.choices)
    language = models.CharField(_("langue"), max_length=10, blank=True)
    created = models.DateTimeField(_("date"), default=timezone.now, db_index=True)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("preuve de consentement")
        verbose_name_plural = _("preuves de consentement")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.consent_id} — {self.created:%Y-%m-%d %H:%M}"

    @property
    def accepted_groups(self) -> list[str]:
        return [group for group, accepted in self.choices.items() if accepted]

    @property
    def refused_groups(self) -> list[str]:
        return [group for group, accepted in self.choices.items() if not accepted]

    @staticmethod
    def new_consent_id() -> uuid.UUID:
        return uuid.uuid4()


class AudienceCountQuerySet(models.QuerySet):
    def record_view(self, *, path: str, new_visitor: bool) -> None:
        """Count one page view (and one visitor when its cookie was just made)
        without storing anything about the reader."""
        today = timezone.localdate()
        row, created = self.get_or_create(
            day=today,
            path=path,
            defaults={"views": 1, "visitors": int(new_visitor)},
        )
        if not created:
            self.filter(pk=row.pk).update(
                views=F("views") + 1, visitors=F("visitors") + int(new_visitor)
            )


class AudienceCount(models.Model):
    """First-party audience measurement: daily counts per page, no personal
    data (the visitor id stays in the reader's cookie)."""

    day = models.DateField(_("jour"))
    path = models.CharField(_("page"), max_length=500)
    views = models.PositiveIntegerField(_("pages vues"), default=0)
    visitors = models.PositiveIntegerField(_("nouveaux visiteurs"), default=0)

    objects = AudienceCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("mesure d'audience")
        verbose_name_plural = _("mesures d'audience")
        ordering = ["-day", "-views"]
        constraints = [
            models.UniqueConstraint(fields=["day", "path"], name="audience_day_path")
        ]

    def __str__(self):
        return f"{self.day} {self.path} : {self.views}"
