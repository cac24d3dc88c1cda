"""The newsroom roles as groups with their article permissions.

Modérateur gets nothing here: the comments app gives it its own permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["article", "byline", "relatedlink", "correction", "articletransition",
          "slugredirect", "section", "author", "tag"]

ROLES = {
    "Journaliste": [
        "add_article", "change_article", "view_article",
        "add_byline", "change_byline", "delete_byline", "view_byline",
        "add_relatedlink", "change_relatedlink", "delete_relatedlink",
        "view_relatedlink",
        "view_correction", "view_articletransition",
        "view_section", "view_author", "view_tag",
    ],
    "Éditeur": [
        f"{action}_{model}"
        for model in MODELS
        for action in ("add", "change", "delete", "view")
        if model != "articletransition" or action == "view"
    ]
    + ["publish_article", "edit_any_article"],
    "Modérateur": [],
}


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="articles", codename__in=codenames
            )
        )


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="articles")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_editorial_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_permissions)]
