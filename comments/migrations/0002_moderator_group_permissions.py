"""The Modérateur group may moderate comments, edit the moderation word lists
and handle commenters' data: nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Modérateur"
PERMISSIONS = [
    ("comment", "view_comment"),
    ("comment", "change_comment"),
    ("comment", "delete_comment"),
    ("comment", "moderate_comment"),
    ("comment", "manage_commenter_data"),
    ("moderationword", "view_moderationword"),
    ("moderationword", "add_moderationword"),
    ("moderationword", "change_moderationword"),
    ("moderationword", "delete_moderationword"),
]


def _permissions(apps):
    # Permissions are normally made after all migrations; make ours now.
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(
            content_type__app_label="comments",
            content_type__model=model,
            codename=codename,
        )
        for model, codename in PERMISSIONS
    ]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
