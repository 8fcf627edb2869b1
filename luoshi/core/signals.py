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
