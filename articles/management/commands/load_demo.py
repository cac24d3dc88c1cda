from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from articles.demo.content import load_demo

LABELS = {
    "sections": "rubriques",
    "authors": "auteurs",
    "tags": "mots-clés",
    "articles": "articles",
    "users": "comptes",
    "comments": "commentaires",
}


class Command(BaseCommand):
    help = "Charge le contenu de démonstration (sans effet s'il est déjà chargé)."

    def handle(self, *args, **options):
        created = load_demo()
        if apps.is_installed("comments"):  # idempotent: adds nothing once loaded
            created.update(import_string("comments.demo.load_demo_comments")())
        summary = ", ".join(
            f"{created[kind]} {label}"
            for kind, label in LABELS.items()
            if kind in created
        )
        self.stdout.write(
            self.style.SUCCESS(f"Contenu de démonstration : créés {summary}.")
        )
