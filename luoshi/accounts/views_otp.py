"""两步验证 pages: set up a TOTP app (QR code drawn here), verify after sign-in, turn off."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from luoshi.accounts import lockout, otp
from luoshi.audit.models import OperationLog
from luoshi.audit.services import log_change


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("动态口令"),
        max_length=8,
        help_text=gettext_lazy("手机验证器应用中显示的 6 位数字"),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
        error_messages={"required": gettext_lazy("请输入动态口令。")},
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip().replace(" ", "")


def _next_url(request, default="home"):
    url = request.POST.get("next") or request.GET.get("next")
    safe = url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else default


def _log(device, action, user, note):
    log_change(device, [{"field": _("两步验证"), "old": "", "new": note}], action=action, user=user)


@never_cache
def setup(request):
    """Scan the QR code (or type the secret), confirm with one code: the second factor is
    on, and this session counts as verified."""
    user = request.user
    enabled = otp.confirmed_device(user) is not None
    if enabled and not user.is_verified():
        return redirect("accounts:otp_verify")
    if enabled:
        return render(
            request,
            "accounts/otp_setup.html",
            {"enabled": True, "required": otp.required_for(user)},
        )
    device = otp.pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                _log(device, OperationLog.Action.CREATE, user, _("已启用"))
            otp_login(request, device)
            request.session[otp.STATE_KEY] = otp.HAS_DEVICE
            messages.success(request, _("两步验证已启用，以后登录时须输入动态口令。"))
            return redirect(_next_url(request))
        form.add_error("token", _("动态口令不正确，请核对手机时间后重试。"))
    context = {
        "form": form,
        "secret": otp.grouped_secret(device),
        "required": otp.required_for(user),
        "next": _next_url(request, ""),
    }
    return render(request, "accounts/otp_setup.html", context)


@never_cache
def qr_code(request):
    """The QR code of the device being set up, as SVG drawn here (the secret goes to no
    other service). Not while a set-up device still waits for its code."""
    if otp.confirmed_device(request.user) is not None:
        raise Http404
    device = otp.pending_device(request.user)
    return HttpResponse(otp.qr_svg(device.config_url), content_type="image/svg+xml")


@never_cache
def verify(request):
    """After the password: the current code of the user's app. Wrong codes count as failed
    sign-ins (lockout and login log)."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and lockout.is_locked(request, user):
        return lockout.locked_out(request, user)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        if lockout.record_failure(request, user, sender=verify):
            return lockout.locked_out(request, user)
        form.add_error("token", _("动态口令不正确或已使用，请输入手机上最新的口令。"))
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request, "")}
    )


@require_POST
def disable(request):
    """Turn the second factor off (only where it is optional, and from a verified session)."""
    user = request.user
    if otp.required_for(user):
        messages.error(request, _("您的角色要求必须使用两步验证，不能关闭。"))
    elif not user.is_verified():
        messages.error(request, _("请先完成两步验证再关闭。"))
    else:
        with transaction.atomic():
            for device in user.totpdevice_set.all():
                _log(device, OperationLog.Action.DELETE, user, _("已关闭"))
            user.totpdevice_set.all().delete()
        request.session[otp.STATE_KEY] = otp.NOT_NEEDED
        messages.success(request, _("两步验证已关闭。"))
    return redirect("accounts:otp_setup")
