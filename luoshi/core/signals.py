from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def create_defaults(sender, **kwargs):
    # The last luoshi app to migrate: every table and permission exists by then.
    from django.apps import apps

    # post_migrate is only sent for apps with a models module (not e.g. luoshi.api).
    luoshi_apps = [
        c
        for c in apps.get_app_configs()
        if c.name.startswith("luoshi.") and c.models_module is not None
    ]
    if luoshi_apps and sender.label == luoshi_apps[-1].label:
        from luoshi.core.defaults import ensure_defaults

        ensure_defaults()
        _rebuild_rollups_after(kwargs.get("plan") or [])


# Migrations after which the rollups are recounted (they create the rows' table or change
# what the records count): an existing database gets its rollups with the migration.
ROLLUP_MIGRATIONS = {("core", "0005_rollup"), ("ledger", "0006_has_evidence")}


def _rebuild_rollups_after(plan) -> None:
    from luoshi.core import rollups

    applied = {(m.app_label, m.name) for m, backwards in plan if not backwards}
    if applied & ROLLUP_MIGRATIONS:
        rollups.rebuild()
