from django.core.management.base import BaseCommand

from articles.demo.content import load_demo

LABELS = {
    "sections": "rubriques",
    "authors": "auteurs",
    "tags": "mots-clés",
    "articles": "articles",
    "users": "comptes",
}


class Command(BaseCommand):
    help = "Charge le contenu de démonstration (sans effet s'il est déjà chargé)."

    def handle(self, *args, **options):
        created = load_demo()
        summary = ", ".join(
            f"{created[kind]} {label}"
            for kind, label in LABELS.items()
            if kind in created
        )
        self.stdout.write(
            self.style.SUCCESS(f"Contenu de démonstration : créés {summary}.")
        )
