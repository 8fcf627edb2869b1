"""「办结签批」: closing an incident is a leader's sign-off (settings.SEPARATION_OF_DUTIES).

An existing database gives the new permission to its built-in 领导 role here; a new database
gets it from ``ensure_defaults`` (the module grants of luoshi.channels.plugin)."""

from django.apps import apps as global_apps
from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    Role = apps.get_model("accounts", "Role")
    Permission = apps.get_model("auth", "Permission")
    leader = Role.objects.filter(code="leader", is_builtin=True).first()
    if leader is None:
        return  # a new database: ensure_defaults grants it after migrate
    create_permissions(global_apps.get_app_config("incidents"), verbosity=0, apps=apps)
    leader.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="incidents", codename="signoff_incident"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_optimistic_version"),
        ("accounts", "0007_merge_sessions_and_versions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="incident",
            options={
                "ordering": ["-discovered_at", "-id"],
                "permissions": [("signoff_incident", "办结签批")],
                "verbose_name": "舆情事件",
                "verbose_name_plural": "舆情事件",
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
