import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments.services import commenter_erase, commenter_export


class Command(BaseCommand):
    help = (
        "Exporte (JSON) toutes les données d'un commentateur, ou les efface avec "
        "--erase (droits d'accès et d'effacement)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="adresse e-mail du commentateur")
        parser.add_argument(
            "--erase",
            action="store_true",
            help="anonymise ses commentaires qui ont des réponses, supprime les autres",
        )

    def handle(self, *args, email, erase, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Adresse e-mail invalide : {email!r}") from None
        if erase:
            result = commenter_erase(email=email)
            self.stdout.write(
                f"{result['deleted']} commentaire(s) supprimé(s), "
                f"{result['anonymised']} anonymisé(s)."
            )
        else:
            self.stdout.write(
                json.dumps(commenter_export(email=email), ensure_ascii=False, indent=2)
            )
