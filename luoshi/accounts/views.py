from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import UpdateView, View
from mozilla_django_oidc import views as oidc_views

from luoshi.accounts import directory, forms, lockout, policy, sessions
from luoshi.accounts.filters import PositionFilter, UserFilter
from luoshi.accounts.models import AuthSource, ResponsibilityPosition, Role, User, UserSession
from luoshi.audit.models import OperationLog
from luoshi.audit.services import log_change
from luoshi.core.excel import model_columns
from luoshi.core.views import (
    ScopedCreateView,
    ScopedDeleteView,
    ScopedListView,
    ScopedMixin,
    ScopedUpdateView,
)


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    form_class = forms.LoginForm

    def form_invalid(self, form):
        username = form.data.get("username")
        if not form.captcha_required and lockout.captcha_needed(self.request, username):
            form.add_captcha()  # this failure reached the limit: ask from now on
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            failure_limit=settings.AXES_FAILURE_LIMIT,
            oidc_enabled=bool(settings.OIDC_RP_CLIENT_ID),
            oidc_label=settings.OIDC_LOGIN_LABEL,
            **kwargs,
        )


class OIDCEnabledMixin:
    """统一身份认证's pages exist only when it is configured (OIDC_RP_CLIENT_ID)."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_RP_CLIENT_ID:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OIDCLoginView(OIDCEnabledMixin, oidc_views.OIDCAuthenticationRequestView):
    """「统一身份认证登录」: to the provider's sign-in page (code flow with PKCE)."""


class OIDCCallbackView(OIDCEnabledMixin, oidc_views.OIDCAuthenticationCallbackView):
    """Back from the provider: the user is signed in (unit and roles from the groups
    claim, ``luoshi.accounts.directory``), or sent to the login page with the reason."""

    def login_failure(self):
        message = directory.refusal(self.request) or _(
            "统一身份认证登录未成功，请重试或使用账号密码登录。"
        )
        messages.error(self.request, message)
        return super().login_failure()


class PasswordChangeView(auth_views.PasswordChangeView):
    """A wrong old password counts as a failed login of the account from this client
    (``luoshi.accounts.lockout``): at the limit the user is signed out and the form stays
    locked, like the login page, for the cool-off time."""

    success_url = reverse_lazy("password_change_done")
    form_class = forms.PasswordChangeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_directory_user:
            messages.info(request, DIRECTORY_PASSWORD_NOTICE)
            return redirect("accounts:profile")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if lockout.is_locked(request, request.user):
            return lockout.locked_out(request, request.user)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        user = self.request.user
        guessed_wrong = form.has_error("old_password", "password_incorrect")
        if guessed_wrong and lockout.record_failure(self.request, user, sender=type(self)):
            return lockout.locked_out(self.request, user)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)  # ends every session, then keeps this one
        sessions.record_session(self.request, self.request.user)
        return response

    def get_context_data(self, **kwargs):
        reason = policy.password_change_reason(self.request.user)
        return super().get_context_data(
            page_title=_("修改密码"),
            cancel_url="/",
            change_notice=PASSWORD_CHANGE_NOTICES.get(reason, ""),
            **kwargs,
        )


DIRECTORY_PASSWORD_NOTICE = gettext_lazy(
    "您通过统一身份认证（LDAP/AD 或统一身份认证平台）登录，密码由单位目录管理，请在目录中修改密码。"
)

PASSWORD_CHANGE_NOTICES = {
    "reset": gettext_lazy("您正在使用初始密码或管理员重置的密码，请先修改密码再继续使用系统。"),
    "expired": gettext_lazy("您的密码已超过有效期，请修改密码后继续使用系统。"),
}


class ProfileView(UpdateView):
    form_class = forms.ProfileForm
    template_name = "accounts/profile.html"
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        response = super().form_valid(form)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.instance.language)
        messages.success(self.request, _("个人设置已保存。"))
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title=_("个人设置"), cancel_url="/", **kwargs)


class UserPageMixin:
    model = User
    success_url = reverse_lazy("accounts:users")
    list_url_name = "accounts:users"

    def scoped_queryset(self):
        return (
            User.objects.for_user(self.request.user)
            .select_related("unit")
            .prefetch_related("groups")
        )


class UserListView(UserPageMixin, ScopedListView):
    template_name = "accounts/user_list.html"
    filterset_class = UserFilter
    export_title = gettext_lazy("人员")
    export_columns = model_columns(
        User,
        "username full_name unit title groups phone is_active",
        unit=gettext_lazy("单位"),
        is_active=gettext_lazy("启用"),
        groups=(gettext_lazy("角色"), lambda u: "、".join(g.name for g in u.groups.all())),
    )


class UserCreateView(UserPageMixin, ScopedCreateView):
    form_class = forms.UserCreateForm
    success_message = gettext_lazy("用户已创建。")


class ManageableUserMixin:
    """Editing or resetting a user needs scope on them *and* every role they hold."""

    def scoped_queryset(self):
        return forms.manageable_users(self.request.user, super().scoped_queryset())


class UserUpdateView(ManageableUserMixin, UserPageMixin, ScopedUpdateView):
    form_class = forms.UserForm
    success_message = gettext_lazy("用户信息已保存。")


class UserPasswordResetView(ManageableUserMixin, UserPageMixin, ScopedUpdateView):
    """An administrator sets a new password for a user in scope (not a directory user:
    their password is the directory's, 404 here)."""

    form_class = forms.AdminSetPasswordForm

    def scoped_queryset(self):
        return super().scoped_queryset().filter(auth_source=AuthSource.LOCAL)

    def get_form_kwargs(self):
        return {"user": self.object, "data": self.request.POST or None}

    def form_valid(self, form):
        with transaction.atomic():
            form.save()
        messages.success(self.request, _("已重置「%(user)s」的密码。") % {"user": self.object})
        return redirect(self.success_url)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=_("重置密码：%(user)s") % {"user": self.object}, **kwargs
        )


class RoleListView(ScopedListView):
    model = Role
    template_name = "accounts/role_list.html"
    paginate_by = None

    def scoped_queryset(self):  # roles are system configuration, not unit data
        return Role.objects.prefetch_related("custom_units").order_by("order", "code")


class RolePageMixin:
    model = Role
    form_class = forms.RoleForm
    success_url = reverse_lazy("accounts:roles")
    list_url_name = "accounts:roles"
    success_message = gettext_lazy("角色已保存。")

    def scoped_queryset(self):  # roles are system configuration, not unit data
        return Role.objects.all()


class RoleUpdateView(RolePageMixin, ScopedUpdateView):
    pass


class RoleCreateView(RolePageMixin, ScopedCreateView):
    pass


class PositionPageMixin:
    model = ResponsibilityPosition
    form_class = forms.PositionForm
    success_url = reverse_lazy("accounts:positions")
    list_url_name = "accounts:positions"

    def scoped_queryset(self):
        return ResponsibilityPosition.objects.for_user(self.request.user).select_related(
            "unit", "user"
        )


class PositionListView(PositionPageMixin, ScopedListView):
    template_name = "accounts/position_list.html"
    filterset_class = PositionFilter
    export_columns = model_columns(
        ResponsibilityPosition,
        "year unit position user title duty",
        title=(gettext_lazy("职务"), lambda p: p.user.title),
    )


class PositionCreateView(PositionPageMixin, ScopedCreateView):
    success_message = gettext_lazy("责任岗位已保存。")


class PositionUpdateView(PositionPageMixin, ScopedUpdateView):
    success_message = gettext_lazy("责任岗位已保存。")


class PositionDeleteView(PositionPageMixin, ScopedDeleteView):
    template_name = "includes/confirm_delete.html"

    def get_protected_url(self):
        return self.success_url


def manageable_sessions(actor):
    """Live sessions of the users ``actor`` may manage (scope and roles, as for a reset)."""
    users = forms.manageable_users(actor, User.objects.for_user(actor))
    return sessions.live(UserSession.objects.filter(user__in=users.values("pk")))


class SessionListView(ScopedListView):
    """在线会话: who is signed in, from where, since when; 强退 ends a session."""

    model = UserSession
    template_name = "accounts/session_list.html"

    def scoped_queryset(self):
        return manageable_sessions(self.request.user).select_related("user", "user__unit")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            current_key=self.request.session.session_key,
            can_end=self.request.user.has_perm("accounts.delete_usersession"),
            **kwargs,
        )


class SessionEndView(ScopedMixin, View):
    """强退: end one session of a manageable user (never the administrator's own)."""

    model = UserSession
    action = "delete"
    http_method_names = ["post"]

    readable = staticmethod(manageable_sessions)

    def post(self, request, *args, **kwargs):
        session = get_object_or_404(self.scoped_queryset(), pk=kwargs["pk"])
        if session.session_key == request.session.session_key:
            messages.error(request, _("不能强制退出当前会话，请使用“退出登录”。"))
            return redirect("accounts:sessions")
        with transaction.atomic():
            log_change(
                session,
                [
                    {
                        "field": _("强制退出"),
                        "old": f"{session.ip or ''} {session.user_agent}",
                        "new": "",
                    }
                ],
                action=OperationLog.Action.DELETE,
                user=request.user,
            )
            sessions.end_sessions([session])
        messages.success(request, _("已强制退出「%(user)s」的会话。") % {"user": session.user})
        return redirect("accounts:sessions")
