from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def create_defaults(sender, **kwargs):
    # The last luoshi app to migrate: every table and permission exists by then.
    if sender.label == "audit":
        from luoshi.core.defaults import ensure_defaults

        ensure_defaults()
