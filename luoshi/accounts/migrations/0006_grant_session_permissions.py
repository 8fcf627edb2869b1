"""Give the built-in 系统管理员 role of an existing database the 在线会话 permissions.

A new database gets them from ``ensure_defaults`` (post_migrate: the role's "*" spec)."""

from django.apps import apps as global_apps
from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    Role = apps.get_model("accounts", "Role")
    Permission = apps.get_model("auth", "Permission")
    admin = Role.objects.filter(code="admin", is_builtin=True).first()
    if admin is None:
        return  # a new database: ensure_defaults grants everything after migrate
    create_permissions(global_apps.get_app_config("accounts"), verbosity=0, apps=apps)
    admin.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="accounts", content_type__model="usersession"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_password_policy"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
