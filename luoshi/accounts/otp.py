"""Second factor (TOTP, django-otp): required for the roles in OTP_REQUIRED_ROLES (and
superusers), optional for everyone else.

Whether a signed-in session still owes the second factor is worked out once per session
(``state``) and then read from the session: no query per page.
"""

import io
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from luoshi.accounts import policy
from luoshi.audit.models import OperationLog
from luoshi.audit.services import log_change

STATE_KEY = "_luoshi_otp"
DEVICE_NAME = "手机令牌"
HAS_DEVICE, REQUIRED, NOT_NEEDED = "device", "required", "free"


def required_for(user) -> bool:
    """Required of the roles in OTP_REQUIRED_ROLES, and then of every superuser; an empty
    setting requires it of no one (the demo server, ``make run``)."""
    codes = policy.otp_required_roles()
    if not codes:
        return False
    return user.is_superuser or user.groups.filter(role__code__in=codes).exists()


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def initial_state(user) -> str:
    if confirmed_device(user):
        return HAS_DEVICE
    return REQUIRED if required_for(user) else NOT_NEEDED


def remember_state(request, user) -> None:
    """At sign-in: note what the new session owes (so pages need no query for it)."""
    request.session[STATE_KEY] = initial_state(user)


def state(request) -> str:
    """What the session's user owes: verify a device, set one up (required), or nothing."""
    value = request.session.get(STATE_KEY)
    if value is None:  # a session signed in before this was noted
        value = initial_state(request.user)
        request.session[STATE_KEY] = value
    return value


def pending_device(user) -> TOTPDevice:
    """The device being set up (unconfirmed); a new secret when there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_svg(text: str) -> bytes:
    """A QR code as SVG, drawn here (no service is asked)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def grouped_secret(device) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def remove_devices(user, actor=None) -> int:
    """Remove ``user``'s authenticators (turned off, or reset by an administrator)."""
    devices = list(TOTPDevice.objects.filter(user=user))
    for device in devices:
        state = _("已关闭") if device.confirmed else _("未完成设置")
        change = {"field": _("两步验证"), "old": "", "new": state}
        log_change(device, [change], action=OperationLog.Action.DELETE, user=actor)
    TOTPDevice.objects.filter(pk__in=[d.pk for d in devices]).delete()
    return len(devices)
