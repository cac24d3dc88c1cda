from django.conf import settings
from django.core.management.base import BaseCommand

from articles.demo.content import DEMO_ACCOUNTS


class Command(BaseCommand):
    help = "Affiche les comptes de démonstration (seulement quand DEBUG est actif)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            self.stdout.write("Comptes de démonstration masqués (DEBUG est désactivé).")
            return
        self.stdout.write("Comptes de démonstration (admin : /admin/) :")
        for username, password, group, _author in DEMO_ACCOUNTS:
            self.stdout.write(f"  {group:<12} {username} / {password}")
