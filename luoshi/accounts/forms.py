from captcha.fields import CaptchaField
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import Permission
from django.utils.translation import gettext_lazy as _

from luoshi.accounts import directory, lockout, otp, policy
from luoshi.accounts.models import ResponsibilityPosition, Role, User
from luoshi.accounts.permission_tree import PermissionTreeWidget
from luoshi.core.defaults import grantable_permissions
from luoshi.core.forms import ChoiceIdsInRangeMixin, ModelMultipleChoiceField, UserFormMixin
from luoshi.core.scope import DataScope, user_scopes
from luoshi.units.models import Unit


def assignable_roles(user):
    """Roles ``user`` may hand out: nobody grants more than they hold — neither a wider
    scope (全部; 本单位及以下 without holding it; a 自定义 role reaching a unit outside the
    user's own scope) nor a permission they do not have themselves."""
    roles = Role.objects.all()
    held = {scope for scope, _ids in user_scopes(user)}
    if user.is_superuser or DataScope.ALL in held:
        return roles
    if DataScope.SUBTREE not in held:  # 本单位 or 自定义: the units below are not theirs
        roles = roles.exclude(data_scope=DataScope.SUBTREE)
    outside = Unit.objects.exclude(pk__in=Unit.objects.for_user(user).values("pk"))
    reaching_out = Role.objects.filter(custom_units__in=outside).values("pk")
    not_held = Permission.objects.exclude(pk__in=Permission.objects.filter(group__user=user))
    granting_more = Role.objects.filter(permissions__in=not_held).values("pk")
    return (
        roles.exclude(data_scope=DataScope.ALL)
        .exclude(data_scope=DataScope.CUSTOM, pk__in=reaching_out)
        .exclude(pk__in=granting_more)
    )


def manageable_users(actor, queryset):
    """The users of ``queryset`` that ``actor`` may edit or reset: those whose every role
    ``actor`` could have assigned (a unit admin cannot take over a system admin)."""
    if actor.is_superuser:
        return queryset
    foreign_roles = Role.objects.exclude(pk__in=assignable_roles(actor).values("pk"))
    return queryset.exclude(is_superuser=True).exclude(groups__pk__in=foreign_roles.values("pk"))


class UserForm(UserFormMixin, forms.ModelForm):
    """Edit a user: unit within scope, roles the editor may hand out."""

    class Meta:
        model = User
        fields = ["full_name", "unit", "title", "phone", "email", "groups", "is_active"]
        labels = {"groups": _("角色"), "is_active": _("启用")}
        widgets = {"groups": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].required = True
        self.fields["groups"].queryset = assignable_roles(self.user)
        self.fields["groups"].help_text = ""
        if self.instance.pk and self.instance.is_directory_user:
            notice = _("目录账号：下次登录时按目录分组重新设置")
            self.fields["unit"].help_text = self.fields["groups"].help_text = notice


class UserCreateForm(UserForm):
    password1 = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput, strip=False)

    class Meta(UserForm.Meta):
        fields = ["username", "full_name", "unit", "title", "phone", "email", "groups"]

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif p1:
            probe = User(
                username=cleaned.get("username", ""), full_name=cleaned.get("full_name", "")
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        user.must_change_password = policy.change_at_first_login()
        if commit:
            user.save()
            self.save_m2m()
        return user


class LoginForm(auth_forms.AuthenticationForm):
    """Sign-in; with a captcha after repeated failures (``lockout.captcha_needed``).

    A wrong captcha is answered before the password is checked, so the page never tells
    whether the password was right."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.captcha_required = False
        if request is not None and lockout.captcha_needed(request, self.data.get("username")):
            self.add_captcha()

    def add_captcha(self):
        self.captcha_required = True
        self.fields["captcha"] = CaptchaField(
            label=_("验证码"),
            help_text=_("连续登录失败，请输入图中的字符（看不清可刷新页面）"),
            error_messages={
                "invalid": _("验证码错误，请重新输入。"),
                "required": _("请输入验证码。"),
            },
        )

    def clean(self):
        if self.captcha_required and self.has_error("captcha"):
            return self.cleaned_data
        return super().clean()

    def get_invalid_login_error(self):
        """The directory accepted the password but luoshi does not let the user in (no
        mapped group, ``luoshi.accounts.directory``): say so, not 「密码错误」."""
        message = directory.refusal(self.request)
        if message:
            return forms.ValidationError(message, code="directory_refused")
        return super().get_invalid_login_error()


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The user's own change: afterwards nothing forces another one."""

    def save(self, commit=True):
        self.user.must_change_password = False
        return super().save(commit)


class AdminSetPasswordForm(auth_forms.SetPasswordForm):
    """An administrator sets a user's password: the user must change it at next sign-in
    (PASSWORD_CHANGE_AT_FIRST_LOGIN); with 重置两步验证 (a lost phone) the user's
    authenticator is removed too, to be set up again at the next sign-in."""

    reset_otp = forms.BooleanField(
        label=_("同时重置两步验证"),
        required=False,
        help_text=_("用户更换或丢失手机时勾选：删除其已绑定的验证器，下次登录时重新设置。"),
    )

    def save(self, commit=True):
        self.user.must_change_password = policy.change_at_first_login()
        user = super().save(commit)
        if commit and self.cleaned_data.get("reset_otp"):
            otp.remove_devices(self.user)
        return user


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "email", "language"]


ACTION_LABELS = {"view": _("查看"), "add": _("新增"), "change": _("修改"), "delete": _("删除")}


class PermissionChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        action = obj.codename.split("_", 1)[0]
        model_name = obj.content_type.model_class()._meta.verbose_name
        return f"{model_name} · {ACTION_LABELS.get(action, obj.name)}"


class RoleForm(ChoiceIdsInRangeMixin, forms.ModelForm):
    permissions = PermissionChoiceField(
        label=_("功能权限"),
        queryset=grantable_permissions(),
        widget=PermissionTreeWidget,
        help_text=_("按模块分组；点开模块勾选，或用「全选」一次勾选整个模块或一类记录。"),
        required=False,
    )

    class Meta:
        model = Role
        fields = ["name", "code", "data_scope", "custom_units", "description", "permissions"]
        widgets = {"custom_units": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("角色名称")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("data_scope") == "custom" and not cleaned.get("custom_units"):
            self.add_error("custom_units", _("数据范围为“自定义单位”时，须选择至少一个单位。"))
        return cleaned


class PositionForm(UserFormMixin, forms.ModelForm):
    class Meta:
        model = ResponsibilityPosition
        fields = ["unit", "year", "position", "user", "duty"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.for_user(self.user).filter(is_active=True)
