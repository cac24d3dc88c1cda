from django.conf import settings
from django.core.management.base import BaseCommand

from comments.services import comment_ips_purge


class Command(BaseCommand):
    help = (
        "Efface les adresses IP des commentaires plus anciennes que "
        "COMMENTS_IP_RETENTION_DAYS (à lancer chaque jour par un minuteur)."
    )

    def handle(self, *args, **options):
        deleted = comment_ips_purge()
        self.stdout.write(
            f"{deleted} adresse(s) IP de plus de "
            f"{settings.COMMENTS_IP_RETENTION_DAYS} jours effacée(s)."
        )
