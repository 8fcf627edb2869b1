"""Password rules beyond Django's validators: three kinds of characters, no reuse."""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from luoshi.accounts import policy
from luoshi.accounts.models import PasswordHistory


class CharacterClassValidator:
    """Needs ``min_classes`` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        return sum(
            [
                any(ch.islower() for ch in password),
                any(ch.isupper() for ch in password),
                any(ch.isdigit() for ch in password),
                any(not ch.isalnum() for ch in password),
            ]
        )

    def validate(self, password, user=None):
        if self.classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("密码至少要包含小写字母、大写字母、数字、符号中的 %(n)d 类。") % {
            "n": self.min_classes
        }


class PasswordHistoryValidator:
    """A new password may not be one of the user's last N (``PASSWORD_HISTORY_COUNT``);
    ``User.save`` keeps the history."""

    def validate(self, password, user=None):
        count = policy.password_history_count()
        if not count or user is None or user.pk is None:
            return

        recent = PasswordHistory.objects.filter(user=user)[:count]
        if any(check_password(password, entry.password) for entry in recent):
            raise ValidationError(
                _("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": count},
                code="password_reused",
            )

    def get_help_text(self):
        count = policy.password_history_count()
        return _("不能使用最近 %(n)d 次用过的密码。") % {"n": count} if count else ""
