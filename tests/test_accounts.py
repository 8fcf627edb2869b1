"""Sign-in, lockout, password change, sessions, user administration and log pages."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from luoshi.accounts.models import Role, User
from luoshi.audit.models import LoginLog
from luoshi.core.scope import DataScope
from tests.factories import PASSWORD, make_user

LOGIN = "/accounts/login/"


def login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def text(response):
    return response.content.decode()


def signed_in(client):
    return "_auth_user_id" in client.session


# --- sign in / out ------------------------------------------------------------------


def test_login_page_renders(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert reverse("login") == LOGIN
    assert "连续 5 次密码错误将锁定账号 30 分钟" in text(response)


def test_login_with_correct_password(client, users):
    response = login(client, "u_clerk", PASSWORD, HTTP_USER_AGENT="pytest-browser")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in(client)
    entry = LoginLog.objects.get()
    assert (entry.event, entry.user, entry.username) == ("success", users.clerk, "u_clerk")
    assert (entry.ip, entry.user_agent) == ("127.0.0.1", "pytest-browser")


def test_wrong_password_shows_a_chinese_error(client, users):
    response = login(client, "u_clerk", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in text(response)
    assert not signed_in(client)
    assert LoginLog.objects.get().event == "failure"


def test_five_wrong_passwords_lock_the_account(client, users):
    assert settings.AXES_FAILURE_LIMIT == 5
    answers = [login(client, "u_clerk", f"wrong-{n}") for n in range(6)]

    for response in answers[:4]:
        assert response.status_code == 200
        assert "请输入一个正确的" in text(response)
    for response in answers[4:]:  # the 5th failure locks; later attempts see the lock
        assert response.status_code in (403, 429)
        assert "账号已锁定" in text(response)

    response = login(client, "u_clerk", PASSWORD)  # even the right password
    assert response.status_code in (403, 429)
    assert "账号已锁定" in text(response)
    assert not signed_in(client)

    events = list(LoginLog.objects.filter(username="u_clerk").values_list("event", flat=True))
    assert events.count("failure") >= 5
    assert "locked" in events
    assert "success" not in events


def test_lock_is_per_username_and_address(client, users):
    for n in range(5):
        login(client, "u_clerk", f"wrong-{n}")
    # another account from the same address, and the same account from elsewhere, still work
    assert login(client, "u_leader", PASSWORD).status_code == 302
    client.logout()
    assert login(client, "u_clerk", PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_logout_needs_post_and_is_logged(client, users):
    login(client, "u_clerk", PASSWORD)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not signed_in(client)
    assert LoginLog.objects.filter(event="logout", user=users.clerk).exists()
    assert reverse("login") in client.get(reverse("ledger:list"))["Location"]


# --- password change ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("Ab1", "此密码太短，至少要包含 10 个字符"),
        ("lanternriver", "密码至少要包含小写字母、大写字母、数字、符号中的 3 类"),
        ("password123", "这个密码太常见了"),
        ("83920174", "密码只包含数字"),
        ("u_clerk_2026", "太相似了"),
    ],
)
def test_password_change_enforces_the_validators(client, users, new_password, message):
    client.force_login(users.clerk)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in text(response)
    users.clerk.refresh_from_db()
    assert users.clerk.check_password(PASSWORD)


def test_password_change_needs_the_old_password(client, users):
    client.force_login(users.clerk)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "Xq7-lantern", "new_password2": "Xq7-lantern"},
    )
    assert "旧密码不正确" in text(response)


def test_password_change_then_sign_in_with_the_new_password(client, users):
    client.force_login(users.clerk)
    new = "Xq7-lantern-river"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert signed_in(client)  # the session survives its own password change
    assert "密码已修改" in text(client.get(reverse("password_change_done")))

    client.post(reverse("logout"))
    assert login(client, "u_clerk", PASSWORD).status_code == 200
    assert login(client, "u_clerk", new).status_code == 302


# --- sessions -----------------------------------------------------------------------


def test_session_expiry_settings(client, users):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True

    response = login(client, "u_clerk", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # gone with the browser
    assert cookie["httponly"]
    assert client.session.get_expire_at_browser_close()
    session = Session.objects.get(session_key=client.session.session_key)
    remaining = session.expire_date - timezone.now()
    assert datetime.timedelta(hours=7, minutes=59) < remaining <= datetime.timedelta(hours=8)


def test_an_expired_session_is_signed_out(client, users):
    login(client, "u_clerk", PASSWORD)
    assert client.get(reverse("ledger:list")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("ledger:list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- user administration ------------------------------------------------------------


def user_form(**overrides):
    data = {
        "username": "new_clerk",
        "full_name": "李四",
        "password1": "Xq7-lantern-river",
        "password2": "Xq7-lantern-river",
    }
    return {**data, **overrides}


def test_unit_admin_is_not_offered_the_system_admin_role(client, users, tree):
    client.force_login(users.unit_admin)
    form = client.get(reverse("accounts:user_create")).context["form"]
    offered = set(form.fields["groups"].queryset.values_list("code", flat=True))
    assert "admin" not in offered
    assert {"unit_admin", "clerk", "leader"} <= offered
    assert "系统管理员" not in text(client.get(reverse("accounts:user_create")))
    assert set(form.fields["unit"].queryset) == {tree.own, tree.child}


def test_unit_admin_cannot_assign_the_system_admin_role(client, users, tree):
    admin_role = Role.objects.get(code="admin")
    assert admin_role.data_scope == DataScope.ALL
    client.force_login(users.unit_admin)
    response = client.post(
        reverse("accounts:user_create"), user_form(unit=tree.own.pk, groups=[admin_role.pk])
    )
    assert response.status_code == 200
    assert "groups" in response.context["form"].errors
    assert not User.objects.filter(username="new_clerk").exists()


def test_unit_admin_creates_a_clerk_in_scope(client, users, tree):
    clerk_role = Role.objects.get(code="clerk")
    client.force_login(users.unit_admin)
    response = client.post(
        reverse("accounts:user_create"), user_form(unit=tree.child.pk, groups=[clerk_role.pk])
    )
    assert response.status_code == 302
    user = User.objects.get(username="new_clerk")
    assert (user.unit, list(user.roles)) == (tree.child, [clerk_role])
    assert user.check_password("Xq7-lantern-river")


def test_unit_admin_cannot_place_a_user_out_of_scope(client, users, tree):
    client.force_login(users.unit_admin)
    response = client.post(
        reverse("accounts:user_create"),
        user_form(unit=tree.sibling.pk, groups=[Role.objects.get(code="clerk").pk]),
    )
    assert "unit" in response.context["form"].errors
    assert not User.objects.filter(username="new_clerk").exists()


def test_unit_admin_cannot_assign_a_custom_role_reaching_outside_their_scope(client, users, tree):
    wide = Role.objects.create(name="督查全区", code="t-wide", data_scope=DataScope.CUSTOM)
    wide.custom_units.set([tree.root, tree.sibling])
    narrow = Role.objects.create(name="督查新闻科", code="t-narrow", data_scope=DataScope.CUSTOM)
    narrow.custom_units.set([tree.child])
    client.force_login(users.unit_admin)
    form = client.get(reverse("accounts:user_create")).context["form"]
    offered = set(form.fields["groups"].queryset)
    assert narrow in offered
    assert wide not in offered


def test_an_admin_of_their_unit_only_cannot_hand_out_the_units_below(client, users, tree):
    """A 本单位 user administrator may not give anyone (themselves included) a 本单位及以下
    role: the units below are not theirs to open."""
    local = Role.objects.create(name="本单位用户管理", code="t-local", data_scope=DataScope.UNIT)
    local.permissions.set(Role.objects.get(code="unit_admin").permissions.all())
    actor = make_user("u_local_admin", tree.own, "t-local")
    subtree_role = Role.objects.get(code="unit_admin")
    assert subtree_role.data_scope == DataScope.SUBTREE
    client.force_login(actor)
    offered = set(
        client.get(reverse("accounts:user_create")).context["form"].fields["groups"].queryset
    )
    assert local in offered and subtree_role not in offered
    response = client.post(
        reverse("accounts:user_create"), user_form(unit=tree.own.pk, groups=[subtree_role.pk])
    )
    assert "groups" in response.context["form"].errors
    assert not User.objects.filter(username="new_clerk").exists()
    own_edit = reverse("accounts:user_update", args=[actor.pk])
    client.post(own_edit, {"full_name": "本人", "unit": tree.own.pk, "groups": [subtree_role.pk]})
    assert not actor.groups.filter(pk=subtree_role.pk).exists()


def test_unit_admin_cannot_grant_a_permission_they_do_not_hold(client, users, tree):
    auditor = Role.objects.create(name="日志查阅", code="t-auditor", data_scope=DataScope.UNIT)
    auditor.permissions.set(Permission.objects.filter(codename="view_loginlog"))
    helper = Role.objects.create(name="台账查阅", code="t-reader", data_scope=DataScope.UNIT)
    helper.permissions.set(Permission.objects.filter(codename="view_ledgerrecord"))
    client.force_login(users.unit_admin)
    offered = set(
        client.get(reverse("accounts:user_create")).context["form"].fields["groups"].queryset
    )
    assert helper in offered
    assert auditor not in offered
    response = client.post(
        reverse("accounts:user_create"), user_form(unit=tree.own.pk, groups=[auditor.pk])
    )
    assert "groups" in response.context["form"].errors
    assert not User.objects.filter(username="new_clerk").exists()


def test_unit_admin_cannot_take_over_a_system_admin_in_their_unit(client, users):
    """users.admin sits in tree.own (in the unit admin's scope) but holds a wider role."""
    client.force_login(users.unit_admin)
    reset = reverse("accounts:user_password", args=[users.admin.pk])
    new = {"new_password1": "Xq7-lantern-river", "new_password2": "Xq7-lantern-river"}
    assert client.post(reset, new).status_code == 404
    users.admin.refresh_from_db()
    assert users.admin.check_password(PASSWORD)
    edit = reverse("accounts:user_update", args=[users.admin.pk])
    assert client.get(edit).status_code == 404
    assert set(users.admin.roles.values_list("code", flat=True)) == {"admin"}

    # a user they could have created themselves is theirs to manage
    reset = reverse("accounts:user_password", args=[users.clerk.pk])
    assert client.post(reset, new).status_code == 302
    users.clerk.refresh_from_db()
    assert users.clerk.check_password("Xq7-lantern-river")


def test_system_admin_manages_everyone(client, users):
    client.force_login(users.admin)
    assert (
        client.get(reverse("accounts:user_update", args=[users.unit_admin.pk])).status_code == 200
    )
    form = client.get(reverse("accounts:user_create")).context["form"]
    assert "admin" in set(form.fields["groups"].queryset.values_list("code", flat=True))


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("unit_admin", 200), ("leader", 200), ("clerk", 403), ("inspector", 403)],
)
def test_user_list_needs_view_user(client, users, role, status):
    client.force_login(getattr(users, role))
    assert client.get(reverse("accounts:users")).status_code == status


def test_user_list_is_scoped(client, users):
    client.force_login(users.unit_admin)
    listed = set(client.get(reverse("accounts:users")).context["object_list"])
    assert users.clerk in listed
    assert users.sibling_clerk not in listed


@pytest.mark.parametrize(
    ("page", "role", "status"),
    [
        ("audit:logins", "admin", 200),
        ("audit:logins", "unit_admin", 403),
        ("audit:logins", "leader", 403),
        ("audit:logins", "clerk", 403),
        # the operation log is read within the reader's data scope (test_operation_log.py)
        ("audit:operations", "admin", 200),
        ("audit:operations", "unit_admin", 200),
        ("audit:operations", "leader", 200),
        ("audit:operations", "clerk", 403),
    ],
)
def test_log_pages_are_for_those_who_hold_them(client, users, page, role, status):
    client.force_login(getattr(users, role))
    assert client.get(reverse(page)).status_code == status


def test_operation_log_page_lists_changes(client, users, tree):
    User.objects.create_user("u_new", password="Pass-2026-x", unit=tree.child)
    client.force_login(users.admin)
    response = client.get(reverse("audit:operations"))
    assert response.status_code == 200
    assert "u_new" in text(response)


def test_signing_in_writes_no_history_row_but_a_real_edit_does(client, users):
    """A login moves only last_login: the login log has it; the user's history does not."""
    rows = users.clerk.history.count()
    client.force_login(users.clerk)
    users.clerk.refresh_from_db()
    assert users.clerk.last_login is not None
    assert users.clerk.history.count() == rows
    users.clerk.full_name = "张三"
    users.clerk.save()
    assert users.clerk.history.count() == rows + 1


def test_a_page_view_writes_no_session_until_the_activity_is_due(client, users):
    """The idle expiry slides when the session's activity is noted (every SEEN_RESOLUTION
    seconds), not on every page: a page view in between writes nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from luoshi.accounts.sessions import SEEN_KEY, SEEN_RESOLUTION

    login(client, "u_clerk", PASSWORD)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("ledger:list")).status_code == 200
    writes = [q["sql"] for q in captured.captured_queries]
    assert [q for q in writes if q.startswith(("UPDATE", "INSERT", "DELETE"))] == []

    session = client.session
    session[SEEN_KEY] -= SEEN_RESOLUTION + 1  # the last activity noted is due again
    session.save()
    key = session.session_key
    soon = timezone.now() + datetime.timedelta(hours=1)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert client.get(reverse("ledger:list")).status_code == 200
    remaining = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert remaining > datetime.timedelta(hours=7, minutes=59)  # slid to 8 hours again
