from django.db.models.signals import post_migrate


def fill_report_wording(sender, **kwargs):
    """After the last luoshi app migrated (and core created the default activity types)."""
    from django.apps import apps

    luoshi_apps = [
        c
        for c in apps.get_app_configs()
        if c.name.startswith("luoshi.") and c.models_module is not None
    ]
    if luoshi_apps and sender.label == luoshi_apps[-1].label:
        from luoshi.ledger.models import ActivityType
        from luoshi.ledger.wording import ensure_report_wording

        ensure_report_wording(ActivityType)


def connect():
    post_migrate.connect(fill_report_wording, dispatch_uid="ledger.fill_report_wording")
