from datetime import timedelta

from cookie_consent.models import LogItem
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from consent.conf import settings
from consent.models import ConsentRecord


class Command(BaseCommand):
    help = (
        "Supprime les preuves de consentement (et le journal de "
        "django-cookie-consent) plus anciennes que la durée de conservation."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.CONSENT_RECORD_RETENTION_DAYS,
            help="Durée de conservation en jours (par défaut : %(default)s).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Compte sans supprimer.",
        )

    def handle(self, *args, days, dry_run, **options):
        if days < 1:
            raise CommandError("La durée de conservation doit être d'au moins un jour.")
        age = timedelta(days=days)
        records = ConsentRecord.objects.older_than(age)
        log_items = LogItem.objects.filter(created__lt=timezone.now() - age)
        if dry_run:
            self.stdout.write(
                f"{records.count()} preuve(s) et {log_items.count()} entrée(s) de "
                f"journal seraient supprimées (plus de {days} jours)."
            )
            return
        deleted, _ = records.delete()
        logged, _ = log_items.delete()
        self.stdout.write(
            f"{deleted} preuve(s) et {logged} entrée(s) de journal supprimées "
            f"(plus de {days} jours)."
        )
