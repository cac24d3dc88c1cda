"""The cookie the read-replica router sets after a write (omag.db), listed
with the essential cookies: readers are told of every cookie, even one that
asks no consent."""

from django.db import migrations
from django.utils.translation import gettext_noop

NAME = "omag_primary"


def add(apps, schema_editor):
    CookieGroup = apps.get_model("cookie_consent", "CookieGroup")
    Cookie = apps.get_model("cookie_consent", "Cookie")
    CookieDetails = apps.get_model("consent", "CookieDetails")
    group = CookieGroup.objects.filter(varname="essential").first()
    if group is None:
        return
    cookie, _ = Cookie.objects.update_or_create(
        cookiegroup=group,
        name=NAME,
        domain="",
        defaults={
            "description": gettext_noop(
                "Juste après un envoi (commentaire, modification), vous montre "
                "les pages à jour ; posé seulement quand le site lit une copie "
                "de sa base de données."
            ),
            "path": "/",
        },
    )
    CookieDetails.objects.update_or_create(
        cookie=cookie,
        defaults={"provider": "Ô Magazine", "lifetime": gettext_noop("quelques secondes")},
    )


def remove(apps, schema_editor):
    Cookie = apps.get_model("cookie_consent", "Cookie")
    Cookie.objects.filter(cookiegroup__varname="essential", name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("consent", "0002_seed_cookie_groups")]

    operations = [migrations.RunPython(add, remove)]
