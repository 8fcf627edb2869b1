from django.apps import apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from luoshi.core import rollups
from luoshi.core.defaults import ensure_defaults


@receiver(post_migrate)
def create_defaults(sender, **kwargs):
    # The last luoshi app to migrate: every table and permission exists by then.

    # post_migrate is only sent for apps with a models module (not e.g. luoshi.api).
    luoshi_apps = [
        c
        for c in apps.get_app_configs()
        if c.name.startswith("luoshi.") and c.models_module is not None
    ]
    if luoshi_apps and sender.label == luoshi_apps[-1].label:
        ensure_defaults()
        _rebuild_rollups_after(kwargs.get("plan") or [])


# Migrations after which the rollups are recounted (they create the rows' table or change
# what the records count): an existing database gets its rollups with the migration.
ROLLUP_MIGRATIONS = {("core", "0005_rollup"), ("ledger", "0006_has_evidence")}


def _rebuild_rollups_after(plan) -> None:
    applied = {(m.app_label, m.name) for m, backwards in plan if not backwards}
    if applied & ROLLUP_MIGRATIONS:
        rollups.rebuild()
