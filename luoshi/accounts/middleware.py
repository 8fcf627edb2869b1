from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from luoshi.accounts import otp, policy, sessions


class UserLanguageMiddleware:
    """Use the signed-in user's chosen script (zh-hans / zh-hant) for every page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", None) if user and user.is_authenticated else None
        if language in self.available:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class SessionActivityMiddleware:
    """Keeps the online-session list's 最近活动 current (luoshi.accounts.sessions.touch)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.session_key:
            sessions.touch(request)
        return self.get_response(request)


# Pages a signed-in user may open while a security step is still due: signing in and out,
# the captcha image and the language switch (and each step's own pages).
OPEN_DURING_STEPS = {
    "login",
    "logout",
    "set_language",
    "captcha-image",
    "captcha-image-2x",
    "captcha-audio",
    "captcha-refresh",
}


class SecurityStepMiddleware:
    """Before anything else, a signed-in user completes the due security steps: the second
    factor (when one is set up, or the role requires one: set it up), then a forced
    password change (initial or reset password, or an expired one). API requests with the
    session get a 403 instead (token requests have no session and are not concerned)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        step = due_step(request)
        if step is None or name in OPEN_DURING_STEPS or name in step.open_views:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(step.message)}, status=403)
        return redirect_to_login(request.get_full_path(), reverse(step.url_name), "next")


class Step:
    def __init__(self, url_name, message, open_views=()):
        self.url_name = url_name
        self.message = message
        self.open_views = set(open_views)


OTP_PAGES = ("accounts:otp_setup", "accounts:otp_verify", "accounts:otp_qr")
OTP_VERIFY_STEP = Step("accounts:otp_verify", _("请先完成两步验证。"), OTP_PAGES)
OTP_SETUP_STEP = Step("accounts:otp_setup", _("请先设置两步验证。"), OTP_PAGES)
PASSWORD_STEP = Step(
    "password_change", _("请先修改密码。"), ("password_change", "password_change_done")
)


def due_step(request):
    """The first security step ``request.user`` still has to complete, or None."""
    user = request.user
    if not user.is_verified():
        state = otp.state(request)
        if state == otp.HAS_DEVICE:
            return OTP_VERIFY_STEP
        if state == otp.REQUIRED:
            return OTP_SETUP_STEP
    if policy.password_change_reason(user):
        return PASSWORD_STEP
    return None
