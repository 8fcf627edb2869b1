"""A password change or reset revokes the user's API tokens (they were created by whoever
knew the old password)."""

from django.dispatch import receiver

from luoshi.accounts.models import password_changed
from luoshi.api import services


@receiver(password_changed)
def revoke_tokens_on_password_change(sender, user, **kwargs):
    services.revoke_all_tokens(user=user)
