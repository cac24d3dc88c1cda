"""The three cookie groups and their cookies, and the editors' right to read
proof of consent. Texts are French; the English interface translates them."""

from django.db import migrations
from django.utils.translation import gettext_noop

# gettext_noop marks without translating, so makemessages keeps these stored
# texts: the cookie page translates them when it renders ({% translate group.name %}).

GROUPS = [
    {
        "varname": "essential",
        "name": gettext_noop("Essentiels"),
        "description": gettext_noop("Nécessaires au fonctionnement du site : sécurité des formulaires, session, mémoire de vos choix de langue et de cookies."),
        "is_required": True,
        "is_deletable": False,
        "ordering": 0,
        "cookies": [
            ("sessionid", "", gettext_noop("Garde votre session ouverte quand vous êtes connecté."), "Ô Magazine", gettext_noop("2 semaines")),
            ("csrftoken", "", gettext_noop("Protège les formulaires contre les envois frauduleux."), "Ô Magazine", gettext_noop("1 an")),
            ("cookie_consent", "", gettext_noop("Mémorise vos choix de cookies."), "Ô Magazine", gettext_noop("6 mois")),
            ("omag_consent", "", gettext_noop("Identifiant aléatoire qui relie vos choix à leur preuve."), "Ô Magazine", gettext_noop("6 mois")),
            ("django_language", "", gettext_noop("Mémorise la langue choisie."), "Ô Magazine", gettext_noop("session")),
            ("messages", "", gettext_noop("Affiche une confirmation après un formulaire."), "Ô Magazine", gettext_noop("session")),
        ],
    },
    {
        "varname": "audience",
        "name": gettext_noop("Mesure d'audience"),
        "description": gettext_noop("Nous comptons les pages lues avec notre propre outil, sans tiers, pour savoir quels articles sont lus."),
        "is_required": False,
        "is_deletable": True,
        "ordering": 1,
        "cookies": [
            ("omag_audience", "", gettext_noop("Identifiant anonyme de visiteur pour compter les visites."), "Ô Magazine", gettext_noop("13 mois")),
        ],
    },
    {
        "varname": "external_media",
        "name": gettext_noop("Médias externes"),
        "description": gettext_noop("Affiche dans les articles les vidéos et publications de YouTube, Vimeo, X (Twitter) et Instagram ; ces services déposent leurs propres cookies."),
        "is_required": False,
        "is_deletable": True,
        "ordering": 2,
        "cookies": [
            ("YSC", ".youtube.com", gettext_noop("Statistiques de lecture des vidéos YouTube."), "YouTube (Google)", gettext_noop("session")),
            ("VISITOR_INFO1_LIVE", ".youtube.com", gettext_noop("Estime la bande passante et mémorise les préférences du lecteur YouTube."), "YouTube (Google)", gettext_noop("6 mois")),
            ("vuid", ".vimeo.com", gettext_noop("Statistiques de lecture des vidéos Vimeo."), "Vimeo", gettext_noop("2 ans")),
            ("guest_id", ".x.com", gettext_noop("Identifie le visiteur des publications X (Twitter)."), "X (Twitter)", gettext_noop("2 ans")),
            ("ig_did", ".instagram.com", gettext_noop("Identifie le visiteur des publications Instagram."), "Instagram (Meta)", gettext_noop("1 an")),
        ],
    },
]

EDITORS = "Éditeur"


def seed(apps, schema_editor):
    CookieGroup = apps.get_model("cookie_consent", "CookieGroup")
    Cookie = apps.get_model("cookie_consent", "Cookie")
    CookieDetails = apps.get_model("consent", "CookieDetails")
    for spec in GROUPS:
        fields = {k: v for k, v in spec.items() if k not in ("varname", "cookies")}
        group, _ = CookieGroup.objects.update_or_create(
            varname=spec["varname"], defaults=fields
        )
        for name, domain, description, provider, lifetime in spec["cookies"]:
            cookie, _ = Cookie.objects.update_or_create(
                cookiegroup=group,
                name=name,
                domain=domain,
                defaults={"description": description, "path": "/"},
            )
            CookieDetails.objects.update_or_create(
                cookie=cookie, defaults={"provider": provider, "lifetime": lifetime}
            )

    # Permissions are only created after migrations; make the one we need.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="consent", model="consentrecord"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_consentrecord",
        defaults={"name": "Can view preuve de consentement"},
    )
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(permission)


def unseed(apps, schema_editor):
    CookieGroup = apps.get_model("cookie_consent", "CookieGroup")
    CookieGroup.objects.filter(varname__in=[g["varname"] for g in GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0001_cookie_details_consent_records"),
        ("cookie_consent", "0004_cookie_natural_key"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
