from django.core.management.base import BaseCommand

from articles.demo.content import load_demo


class Command(BaseCommand):
    help = "Charge le contenu de démonstration (sans effet s'il est déjà chargé)."

    def handle(self, *args, **options):
        created = load_demo()
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items())
        self.stdout.write(
            self.style.SUCCESS(f"Contenu de démonstration : créés {summary}.")
        )
