"""Reads of users that other modules share."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Q

from luoshi.accounts.models import User


def holders_of(permission: str, unit_ids) -> list[User]:
    """Active users of these units who hold ``permission`` ("app_label.codename"): through
    a role, directly, or as superusers (the recipients of reminders and 催办)."""
    app_label, codename = permission.split(".")
    granted = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    return list(
        User.objects.filter(unit_id__in=unit_ids, is_active=True)
        .filter(Q(groups__permissions=granted) | Q(user_permissions=granted) | Q(is_superuser=True))
        .distinct()
    )
