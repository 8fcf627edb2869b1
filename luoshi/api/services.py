"""Writes of API tokens; each creation and revocation is written to the operation log."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.api.models import ApiToken, hash_key
from luoshi.audit.models import OperationLog
from luoshi.audit.services import log_change


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


@transaction.atomic
def create_token(*, user, name: str, expires_at) -> tuple[ApiToken, str]:
    """Return the token and its plaintext key (shown to the user once, never stored)."""
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_key(key), prefix=key[:8], expires_at=expires_at
    )
    log_change(
        token,
        [
            {"field": _("令牌名称"), "old": "", "new": name},
            {"field": _("有效期至"), "old": "", "new": _local(expires_at)},
        ],
        action=OperationLog.Action.CREATE,
        user=user,
    )
    return token, key


@transaction.atomic
def revoke_token(*, token: ApiToken, user) -> bool:
    """Revoke once; revoking an already revoked token changes nothing."""
    now = timezone.now()
    if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        return False
    token.revoked_at = now
    log_change(
        token,
        [{"field": _("撤销时间"), "old": "", "new": _local(now)}],
        action=OperationLog.Action.UPDATE,
        user=user,
    )
    return True


@transaction.atomic
def revoke_all_tokens(*, user, actor=None) -> int:
    """Revoke every usable token of ``user`` (after a password change or reset)."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    return sum(revoke_token(token=token, user=actor) for token in tokens)
