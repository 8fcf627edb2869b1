"""Give the built-in roles of an existing database their 任务交办 permissions.

A new database gets them from ``ensure_defaults`` (post_migrate); roles created before
this app existed are brought up to date here, once.
"""

from django.apps import apps as global_apps
from django.db import migrations


# The grants of ``luoshi.core.defaults.ROLES`` on this app's models, frozen here: a
# migration must not import live code (which changes after the migration is written).
# "*" = every permission of the app.
GRANTS = {
    "admin": "*",
    "unit_admin": {
        "task": ["view", "add", "change", "delete"],
        "taskassignment": ["view", "change", "review"],
        "reportingschedule": ["view", "add", "change", "delete"],
    },
    "leader": {"task": ["view"], "taskassignment": ["view"], "reportingschedule": ["view"]},
    "clerk": {"taskassignment": ["view", "change"]},
    "reviewer": {"task": ["view"], "taskassignment": ["view", "review"]},
    "inspector": {"task": ["view"], "taskassignment": ["view"], "reportingschedule": ["view"]},
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    Role = apps.get_model("accounts", "Role")
    Permission = apps.get_model("auth", "Permission")
    if not Role.objects.filter(is_builtin=True).exists():
        return  # a new database: ensure_defaults grants everything after migrate
    create_permissions(global_apps.get_app_config("tasks"), verbosity=0, apps=apps)
    permissions = {
        p.codename: p for p in Permission.objects.filter(content_type__app_label="tasks")
    }
    for code, spec in GRANTS.items():
        role = Role.objects.filter(code=code, is_builtin=True).first()
        if role is None:
            continue
        if spec == "*":
            wanted = list(permissions.values())
        else:
            wanted = [
                permissions[f"{action}_{model}"]
                for model, actions in spec.items()
                for action in actions
                if f"{action}_{model}" in permissions
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
