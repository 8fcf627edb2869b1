"""A role's change history links its rows to the role again: editing a role (its history's
``prev_record``) no longer fails with "HistoricalRole has no group_ptr_id" (a 500 on every
role edit, found by the write matrix). Existing history rows are linked by their id."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def link_existing(apps, schema_editor):
    apps.get_model("accounts", "HistoricalRole").objects.update(group_ptr_id=F("id"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_optimistic_version"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalrole",
            name="group_ptr",
            field=models.ForeignKey(
                auto_created=True,
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                parent_link=True,
                related_name="+",
                to="auth.group",
            ),
        ),
        migrations.RunPython(link_existing, migrations.RunPython.noop),
    ]
