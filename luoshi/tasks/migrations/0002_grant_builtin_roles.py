"""Give the built-in roles of an existing database their 任务交办 permissions.

A new database gets them from ``ensure_defaults`` (post_migrate); roles created before
this app existed are brought up to date here, once.
"""

from django.apps import apps as global_apps
from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from luoshi.core.defaults import ROLES

    Role = apps.get_model("accounts", "Role")
    Permission = apps.get_model("auth", "Permission")
    if not Role.objects.filter(is_builtin=True).exists():
        return  # a new database: ensure_defaults grants everything after migrate
    create_permissions(global_apps.get_app_config("tasks"), verbosity=0, apps=apps)
    permissions = {
        p.codename: p for p in Permission.objects.filter(content_type__app_label="tasks")
    }
    for code, _name, _scope, _description, spec in ROLES:
        role = Role.objects.filter(code=code, is_builtin=True).first()
        if role is None:
            continue
        if spec == "*":
            wanted = list(permissions.values())
        else:
            wanted = [
                permissions[f"{action}_{label.split('.')[1]}"]
                for label, actions in spec.items()
                if label.startswith("tasks.")
                for action in actions
                if f"{action}_{label.split('.')[1]}" in permissions
            ]
        role.permissions.add(*wanted)


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0001_initial"),
        ("accounts", "0003_history_of_role_assignments"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
