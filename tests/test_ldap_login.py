"""LDAP / Active Directory login (django-auth-ldap) against a real slapd started by the tests
(``tests/directory_support.py``): users created or linked on first sign-in with the unit and
roles of their directory groups, updated at each sign-in, refused without a mapped group;
local accounts, lockout and captcha still work; directory users owe no password change."""

import ldap
import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_auth_ldap.config import GroupOfNamesType, LDAPSearch

from luoshi.accounts.models import AuthSource, User
from tests.directory_support import (
    ADMIN_DN,
    ADMIN_PASSWORD,
    ADMINS,
    CLERKS,
    GROUPS,
    PEOPLE,
    PEOPLE_ENTRIES,
    free_port,
    ldap_modify,
    mapping_file,
    slapd_server,  # noqa: F401 - fixture
)
from tests.factories import PASSWORD, make_user

LDAP_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "luoshi.accounts.backends.LuoshiLDAPBackend",
    "luoshi.accounts.backends.LuoshiModelBackend",
]


@pytest.fixture
def ldap_on(settings, slapd_server, tmp_path, tree):  # noqa: F811
    """Settings as the LDAP_* environment variables make them (luoshi/settings.py)."""
    settings.AUTHENTICATION_BACKENDS = LDAP_BACKENDS
    settings.AUTH_LDAP_SERVER_URI = slapd_server.uri
    settings.AUTH_LDAP_BIND_DN = ""  # anonymous search, as many directories allow
    settings.AUTH_LDAP_BIND_PASSWORD = ""
    settings.AUTH_LDAP_USER_SEARCH = LDAPSearch(PEOPLE, ldap.SCOPE_SUBTREE, "(uid=%(user)s)")
    settings.AUTH_LDAP_GROUP_SEARCH = LDAPSearch(
        GROUPS, ldap.SCOPE_SUBTREE, "(objectClass=groupOfNames)"
    )
    settings.AUTH_LDAP_GROUP_TYPE = GroupOfNamesType()
    settings.DIRECTORY_MAPPING_FILE = str(mapping_file(tmp_path))
    settings.PASSWORD_CHANGE_AT_FIRST_LOGIN = True
    settings.PASSWORD_MAX_AGE_DAYS = 90
    return slapd_server


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def directory_password(uid):
    return PEOPLE_ENTRIES[uid][1]


def role_codes(user):
    return sorted(user.groups.values_list("role__code", flat=True))


def test_first_sign_in_creates_the_user_with_unit_and_roles_of_the_groups(client, ldap_on, tree):
    response = sign_in(client, "zhangsan", directory_password("zhangsan"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(username="zhangsan")
    assert user.auth_source == AuthSource.LDAP
    assert user.unit == tree.own
    assert role_codes(user) == ["clerk"]
    assert user.full_name == "张三" and user.email == "zhangsan@example.gov.cn"
    assert not user.has_usable_password()
    # No forced change, no expiry: the password is the directory's.
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("ledger:list")).status_code == 200


def test_each_sign_in_takes_the_roles_from_the_groups_again(client, ldap_on, tree):
    assert sign_in(client, "zhangsan", directory_password("zhangsan")).status_code == 302
    assert role_codes(User.objects.get(username="zhangsan")) == ["clerk"]
    dn = f"uid=zhangsan,{PEOPLE}"
    ldap_modify(ldap_on, f"dn: {CLERKS}\nchangetype: modify\ndelete: member\nmember: {dn}\n")
    ldap_modify(ldap_on, f"dn: {ADMINS}\nchangetype: modify\nadd: member\nmember: {dn}\n")
    try:
        client.logout()
        assert sign_in(client, "zhangsan", directory_password("zhangsan")).status_code == 302
        assert role_codes(User.objects.get(username="zhangsan")) == ["unit_admin"]
    finally:
        ldap_modify(ldap_on, f"dn: {ADMINS}\nchangetype: modify\ndelete: member\nmember: {dn}\n")
        ldap_modify(ldap_on, f"dn: {CLERKS}\nchangetype: modify\nadd: member\nmember: {dn}\n")


def test_roles_of_several_groups_add_up(client, ldap_on, tree):
    assert sign_in(client, "wangwu", directory_password("wangwu")).status_code == 302
    user = User.objects.get(username="wangwu")
    assert role_codes(user) == ["leader", "unit_admin"]
    assert user.unit == tree.own


def test_a_directory_user_without_a_mapped_group_cannot_sign_in(client, ldap_on):
    response = sign_in(client, "lisi", directory_password("lisi"))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors == [
        "您的统一身份账号未分配本系统的单位与角色（所在目录分组未配置），请联系系统管理员。"
    ]
    assert not User.objects.filter(username="lisi").exists()
    assert "_auth_user_id" not in client.session


def test_a_wrong_directory_password_is_a_failed_sign_in(client, ldap_on, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(2):
        response = sign_in(client, "zhangsan", "wrong-password")
        assert response.status_code == 200
        assert "请输入一个正确的" in str(response.context["form"].non_field_errors())
    assert sign_in(client, "zhangsan", "wrong-password").status_code == 429  # locked out
    assert sign_in(client, "zhangsan", directory_password("zhangsan")).status_code == 429
    assert AccessAttempt.objects.filter(username="zhangsan").exists()
    assert not User.objects.filter(username="zhangsan").exists()


def test_the_captcha_is_asked_of_directory_sign_ins_too(client, ldap_on, settings):
    settings.LOGIN_CAPTCHA_AFTER_FAILURES = 1
    sign_in(client, "zhangsan", "wrong-password")
    response = sign_in(client, "zhangsan", directory_password("zhangsan"))
    assert response.status_code == 200
    assert "captcha" in response.context["form"].fields
    assert not User.objects.filter(username="zhangsan").exists()


def test_local_accounts_keep_working(client, ldap_on, users):
    response = sign_in(client, users.clerk.username, PASSWORD)
    assert response.status_code == 302
    users.clerk.refresh_from_db()
    assert users.clerk.auth_source == AuthSource.LOCAL


def test_a_local_account_of_the_same_name_is_linked(client, ldap_on, tree, users):
    local = make_user("zhaoliu", tree.sibling, "leader")
    assert sign_in(client, "zhaoliu", directory_password("zhaoliu")).status_code == 302
    local.refresh_from_db()
    assert local.auth_source == AuthSource.LDAP
    assert local.unit == tree.own and role_codes(local) == ["clerk"]
    client.logout()
    # The old local password no longer signs in: the directory decides.
    assert sign_in(client, "zhaoliu", PASSWORD).status_code == 200


def test_a_superuser_is_never_taken_over_by_a_directory_account(client, ldap_on, users):
    users.admin.is_superuser = True
    users.admin.save()
    response = sign_in(client, "u_admin", directory_password("u_admin"))
    assert response.status_code == 200
    users.admin.refresh_from_db()
    assert users.admin.auth_source == AuthSource.LOCAL
    assert sign_in(client, "u_admin", PASSWORD).status_code == 302


def test_an_administrator_reset_gives_a_directory_user_no_local_password(client, ldap_on, users):
    sign_in(client, "zhangsan", directory_password("zhangsan"))
    client.logout()
    directory_user = User.objects.get(username="zhangsan")
    directory_user.set_password("Local-pass-2026x")
    directory_user.save()
    response = sign_in(client, "zhangsan", "Local-pass-2026x")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_local_accounts_sign_in_while_the_directory_is_down(client, settings, users, ldap_on):
    settings.AUTH_LDAP_SERVER_URI = f"ldap://127.0.0.1:{free_port()}"
    settings.AUTH_LDAP_CONNECTION_OPTIONS = {ldap.OPT_NETWORK_TIMEOUT: 2}
    assert sign_in(client, users.clerk.username, PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, "zhangsan", directory_password("zhangsan")).status_code == 200


def test_a_service_account_may_search_the_directory(client, ldap_on, settings, tree):
    settings.AUTH_LDAP_BIND_DN = ADMIN_DN  # LDAP_BIND_DN / LDAP_BIND_PASSWORD
    settings.AUTH_LDAP_BIND_PASSWORD = ADMIN_PASSWORD
    assert sign_in(client, "zhangsan", directory_password("zhangsan")).status_code == 302
    settings.AUTH_LDAP_BIND_PASSWORD = "wrong"
    client.logout()
    assert sign_in(client, "zhangsan", directory_password("zhangsan")).status_code == 200
