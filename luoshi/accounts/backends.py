"""Django's ModelBackend with fewer queries per request (the list pages' budget is ≤ 10).

- ``get_user`` loads the user's unit in the same query (every page reads ``user.unit``);
- the user's permissions (direct and through roles) are read in one query, not two.
Behaviour is otherwise ModelBackend's, except that a directory user (LDAP, 统一身份认证)
never signs in with a password kept here.

The directory backends below (unified login, docs/unified-login.md) share one mapping of
directory groups to units and roles: ``luoshi.accounts.directory``.
"""

import logging

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import SuspiciousOperation
from django.db.models import Q
from django.utils.translation import gettext as _
from django_auth_ldap.backend import LDAPBackend
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from luoshi.accounts import directory
from luoshi.accounts.models import AuthSource, User

logger = logging.getLogger(__name__)


class LuoshiModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username, password, **kwargs)
        return None if user is None or user.is_directory_user else user

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("unit").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            fields = ("content_type__app_label", "codename")
            if user_obj.is_superuser:
                rows = Permission.objects.order_by().values_list(*fields)
            else:  # two subqueries, not an OR of two joins (no cross product)
                direct = user_obj.user_permissions.through.objects.filter(user=user_obj)
                by_role = Group.permissions.through.objects.filter(group__user=user_obj)
                rows = (
                    Permission.objects.filter(
                        Q(pk__in=direct.values("permission_id"))
                        | Q(pk__in=by_role.values("permission_id"))
                    )
                    .order_by()
                    .values_list(*fields)
                )  # a set: no sort (a join for the model name)
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache


class LuoshiLDAPBackend(LDAPBackend):
    """Sign-in against LDAP / Active Directory (django-auth-ldap, settings ``AUTH_LDAP_*``
    built from the ``LDAP_*`` environment variables): the unit and roles come from the
    user's directory groups (``luoshi.accounts.directory``); permissions from those roles
    (LuoshiModelBackend), never from the directory."""

    def get_or_build_user(self, username, ldap_user):
        """Called once the directory accepted the password: refuse here (before any user
        is created or changed) a user none of whose groups is mapped."""
        user, built = super().get_or_build_user(username, ldap_user)
        if not directory.may_link(user):
            raise ldap_user.AuthenticationFailed("local superuser or inactive account")
        try:
            ldap_user.luoshi_access = directory.access_for(ldap_user.group_dns)
        except directory.Refused as refused:
            # django-auth-ldap keeps the request only there (its authenticate makes it)
            directory.note_refusal(ldap_user._request, refused.message)
            raise ldap_user.AuthenticationFailed(refused.message) from refused
        return user, built

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        return directory.apply(user, ldap_user.luoshi_access, AuthSource.LDAP)

    def get_user(self, user_id):
        return _active_user(user_id)

    def get_all_permissions(self, user, obj=None):
        return set()

    def get_group_permissions(self, user, obj=None):
        return set()


class LuoshiOIDCBackend(OIDCAuthenticationBackend):
    """Sign-in through the provincial 统一身份认证 (OpenID Connect, mozilla-django-oidc,
    settings ``OIDC_*``): the user is found by username (claim ``OIDC_USERNAME_CLAIM``),
    unit and roles come from the claim ``OIDC_GROUPS_CLAIM`` through the same mapping as
    LDAP (``luoshi.accounts.directory``)."""

    def authenticate(self, request, **kwargs):
        """A provider that cannot be reached, or answers with a token that does not
        verify, is a failed sign-in (the login page says so), not an error page. Only the
        callback view asks this backend (it passes the session's nonce): a ``?code=`` on
        any other sign-in, e.g. the login form's, is ignored."""
        if "nonce" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException) as error:
            logger.warning("统一身份认证 sign-in failed: %s", error)
            return None

    def verify_claims(self, claims):
        return bool(self._username(claims))

    def verify_token(self, token, **kwargs):
        """mozilla-django-oidc checks the signature, expiry and nonce; the id_token must
        also be meant for this client (``aud``) and, when configured, come from the
        provider (``iss``, OIDC_OP_ISSUER)."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("id_token audience is not this client")
        issuer = settings.OIDC_OP_ISSUER
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("id_token issuer is not the configured provider")
        return payload

    @staticmethod
    def _username(claims) -> str:
        value = claims.get(settings.OIDC_USERNAME_CLAIM)
        return str(value).strip()[:150] if value else ""

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username__iexact=self._username(claims))

    def get_or_create_user(self, access_token, id_token, payload):
        try:
            return super().get_or_create_user(access_token, id_token, payload)
        except directory.Refused as refused:
            directory.note_refusal(self.request, refused.message)
            return None

    def create_user(self, claims):
        user = self.UserModel(username=self._username(claims))
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        if not directory.may_link(user):
            raise directory.Refused(
                _("该账号不能通过统一身份认证登录（已停用或为超级管理员账号），请联系系统管理员。")
            )
        access = directory.access_for(_claim_values(claims.get(settings.OIDC_GROUPS_CLAIM)))
        dirty = False
        for field, claim in settings.OIDC_USER_CLAIMS.items():
            value = str(claims.get(claim) or "")[: User._meta.get_field(field).max_length]
            if value and value != getattr(user, field):
                setattr(user, field, value)
                dirty = True
        return directory.apply(user, access, AuthSource.OIDC, dirty=dirty)

    def get_user(self, user_id):
        return _active_user(user_id)


def _claim_values(value) -> list[str]:
    """A claim holding one group, or a list of them (a comma-separated string too)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return [part for part in str(value).split(",") if part.strip()]


def _active_user(user_id):
    """The signed-in user with their unit (one query), as LuoshiModelBackend.get_user."""
    user = User._default_manager.select_related("unit").filter(pk=user_id).first()
    return user if user is not None and user.is_active else None
