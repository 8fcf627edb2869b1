"""Login security: client addresses behind proxies, lockout by account and client,
guessing the old password, what a password change revokes."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from luoshi.api.models import ApiToken
from luoshi.api.services import create_token
from luoshi.audit.models import LoginLog, OperationLog
from luoshi.core.client_address import client_address
from tests.factories import PASSWORD

NGINX = "127.0.0.1"  # every request through the shipped nginx arrives from here
NEW_PASSWORD = "Xq7-lantern-river"


def login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def via_proxy(address):
    """Request headers of a client at ``address`` behind the shipped nginx."""
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": address}


def signed_in(client):
    return "_auth_user_id" in client.session


# --- the one client-address function -------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.9", "", [], "203.0.113.9"),
        # not behind a trusted proxy: the header is the client's own words
        ("203.0.113.9", "1.2.3.4", [], "203.0.113.9"),
        ("203.0.113.9", "1.2.3.4", ["127.0.0.1"], "203.0.113.9"),
        # behind nginx: the entry nginx appended, not the one the client sent first
        (NGINX, "6.6.6.6, 203.0.113.9", ["127.0.0.1"], "203.0.113.9"),
        # two trusted hops (nginx behind a load balancer in 10.0.0.0/8)
        (NGINX, "6.6.6.6, 198.51.100.7, 10.1.2.3", ["127.0.0.1", "10.0.0.0/8"], "198.51.100.7"),
        (NGINX, "198.51.100.7:51234", ["127.0.0.1"], "198.51.100.7"),
        ("::1", "2001:db8::7", ["::1"], "2001:db8::7"),
        # garbage from a trusted proxy: stop at the proxy, never trust the garbage
        (NGINX, "not-an-address", ["127.0.0.1"], NGINX),
        (NGINX, "", ["127.0.0.1"], NGINX),
    ],
)
def test_client_address_believes_only_trusted_proxies(
    settings, remote, forwarded, trusted, expected
):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_login_log_does_not_record_a_forged_address(client, users, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    login(client, "u_clerk", "wrong-password", **via_proxy("6.6.6.6, 203.0.113.9"))
    login(client, "u_clerk", PASSWORD, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="6.6.6.6")
    entries = LoginLog.objects.order_by("id").values_list("event", "ip")
    assert list(entries) == [("failure", "203.0.113.9"), ("success", "198.51.100.7")]


def test_operation_log_records_the_client_behind_the_proxy(client, users, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client.force_login(users.clerk)
    client.post(
        reverse("api:tokens"),
        {"name": "报表脚本", "expires_on": timezone.localdate() + timezone.timedelta(days=30)},
        **via_proxy("6.6.6.6, 203.0.113.9"),
    )
    assert OperationLog.objects.get(model_label="api.apitoken").ip == "203.0.113.9"


# --- lockout by account and client ---------------------------------------------------


def test_an_attacker_behind_the_proxy_cannot_lock_out_the_real_user(client, users, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(6):
        login(client, "u_admin", f"wrong-{n}", **via_proxy("203.0.113.66"))
    assert login(client, "u_admin", PASSWORD, **via_proxy("203.0.113.66")).status_code == 429

    response = login(client, "u_admin", PASSWORD, **via_proxy("198.51.100.7"))
    assert response.status_code == 302
    assert signed_in(client)


def test_a_forged_forwarded_header_does_not_escape_the_lock(client, users, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(5):
        login(client, "u_clerk", f"wrong-{n}", **via_proxy("203.0.113.66"))
    forged = via_proxy("198.51.100.1, 203.0.113.66")  # the client prepends another address
    assert login(client, "u_clerk", PASSWORD, **forged).status_code == 429
    assert not signed_in(client)


# --- guessing the old password on the change-password form --------------------------


def change_password(client, old, new=NEW_PASSWORD, **extra):
    data = {"old_password": old, "new_password1": new, "new_password2": new}
    return client.post(reverse("password_change"), data, **extra)


def test_guessing_the_old_password_locks_the_form_and_signs_out(client, users):
    client.force_login(users.clerk)
    for n in range(4):
        response = change_password(client, f"guess-{n}")
        assert response.status_code == 200
        assert "旧密码不正确" in response.content.decode()
    response = change_password(client, "guess-4")
    assert response.status_code == 429
    assert "密码连续输错次数过多" in response.content.decode()
    assert not signed_in(client)
    failures = LoginLog.objects.filter(username="u_clerk", event="failure").count()
    assert failures == 5
    assert LoginLog.objects.filter(username="u_clerk", event="locked").exists()

    # the right old password no longer helps, neither here nor at the login page
    client.force_login(users.clerk)
    assert change_password(client, PASSWORD).status_code == 429
    users.clerk.refresh_from_db()
    assert users.clerk.check_password(PASSWORD)
    assert login(client, "u_clerk", PASSWORD).status_code == 429


# --- what a password change revokes --------------------------------------------------


def _token(user):
    token, key = create_token(
        user=user, name="脚本", expires_at=timezone.now() + timezone.timedelta(days=30)
    )
    return token, key


def _api_status(client, key):
    return client.get(reverse("api:unit-list"), HTTP_AUTHORIZATION=f"Token {key}").status_code


def test_changing_the_password_revokes_tokens_and_other_sessions(client, users, django_user_model):
    from django.test import Client

    token, key = _token(users.clerk)
    assert _api_status(client, key) == 200
    other = Client()
    assert login(other, "u_clerk", PASSWORD).status_code == 302
    other_key = other.session.session_key

    client.force_login(users.clerk)
    assert change_password(client, PASSWORD).status_code == 302
    assert signed_in(client)  # this session goes on

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _api_status(Client(), key) == 401
    assert not Session.objects.filter(session_key=other_key).exists()
    assert reverse("login") in other.get(reverse("home"))["Location"]


def test_an_admin_reset_revokes_tokens_and_every_session(client, users):
    from django.test import Client

    token, key = _token(users.clerk)
    own = Client()
    login(own, "u_clerk", PASSWORD)
    own_key = own.session.session_key

    client.force_login(users.admin)
    reset = reverse("accounts:user_password", args=[users.clerk.pk])
    response = client.post(reset, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302

    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert _api_status(Client(), key) == 401
    assert not Session.objects.filter(session_key=own_key).exists()
    assert signed_in(client)  # the administrator's own session is untouched


# --- 等保: password expiry, history, forced change -----------------------------------


def test_a_new_user_must_change_the_initial_password_first(client, users, tree):
    from luoshi.accounts.models import Role, User

    client.force_login(users.unit_admin)
    client.post(
        reverse("accounts:user_create"),
        {
            "username": "new_clerk",
            "full_name": "李四",
            "unit": tree.own.pk,
            "groups": [Role.objects.get(code="clerk").pk],
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert User.objects.get(username="new_clerk").must_change_password
    client.post(reverse("logout"))

    assert login(client, "new_clerk", NEW_PASSWORD).status_code == 302
    response = client.get(reverse("ledger:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("password_change"))
    page = client.get(response["Location"]).content.decode()
    assert "请先修改密码再继续使用系统" in page

    assert change_password(client, NEW_PASSWORD, "Another-River-9").status_code == 302
    assert client.get(reverse("ledger:list")).status_code == 200


def test_an_admin_reset_forces_a_change_at_next_sign_in(client, users):
    client.force_login(users.admin)
    reset = reverse("accounts:user_password", args=[users.clerk.pk])
    client.post(reset, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.post(reverse("logout"))
    login(client, "u_clerk", NEW_PASSWORD)
    assert client.get(reverse("home"))["Location"].startswith(reverse("password_change"))
    api = client.get(reverse("api:unit-list"))
    assert api.status_code == 403 and "修改密码" in api.json()["detail"]


def test_an_expired_password_must_be_changed(client, users, settings):
    from luoshi.accounts.models import User

    settings.PASSWORD_MAX_AGE_DAYS = 90
    old = timezone.now() - timezone.timedelta(days=91)
    User.objects.filter(pk=users.clerk.pk).update(password_changed_at=old)
    login(client, "u_clerk", PASSWORD)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("password_change"))
    assert "密码已超过有效期" in client.get(response["Location"]).content.decode()
    assert change_password(client, PASSWORD).status_code == 302
    assert client.get(reverse("home")).status_code == 200

    settings.PASSWORD_MAX_AGE_DAYS = 0  # no expiry
    User.objects.filter(pk=users.clerk.pk).update(password_changed_at=old)
    assert client.get(reverse("home")).status_code == 200


def test_the_last_passwords_cannot_be_reused(client, users, settings):
    settings.PASSWORD_HISTORY_COUNT = 3
    client.force_login(users.clerk)
    current = PASSWORD
    for new in ("River-Lantern-1", "River-Lantern-2"):
        assert change_password(client, current, new).status_code == 302
        current = new
    for reused in (PASSWORD, "River-Lantern-1", "River-Lantern-2"):
        response = change_password(client, current, reused)
        assert "不能与最近 3 次使用过的密码相同" in response.content.decode()
    assert change_password(client, current, "River-Lantern-3").status_code == 302
    # the oldest falls out of the last three
    assert change_password(client, "River-Lantern-3", PASSWORD).status_code == 302


# --- 等保: online sessions, forced logout, session limit -----------------------------


def signed_in_client(username, **extra):
    from django.test import Client

    browser = Client(**extra)
    assert login(browser, username, PASSWORD).status_code == 302
    return browser


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("unit_admin", 403), ("clerk", 403)])
def test_the_online_sessions_page_is_for_system_administrators(client, users, role, status):
    client.force_login(getattr(users, role))
    assert client.get(reverse("accounts:sessions")).status_code == status


def test_an_administrator_sees_and_ends_a_session(client, users, settings):
    from luoshi.accounts.models import UserSession

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    clerk = signed_in_client("u_clerk", HTTP_USER_AGENT="clerk-phone", **via_proxy("203.0.113.5"))
    admin = signed_in_client("u_admin")
    page = admin.get(reverse("accounts:sessions")).content.decode()
    assert "u_clerk" in page and "203.0.113.5" in page and "clerk-phone" in page
    assert "当前会话" in page  # the administrator's own row cannot be ended here
    assert "在这台设备上的登录将立即结束，未保存的填写会丢失。确定强退吗？" in page  # asked once

    session = UserSession.objects.get(user=users.clerk)
    response = admin.post(reverse("accounts:session_end", args=[session.pk]))
    assert response.status_code == 302
    assert "已强制退出" in admin.get(reverse("accounts:sessions")).content.decode()
    assert reverse("login") in clerk.get(reverse("home"))["Location"]
    assert not UserSession.objects.filter(pk=session.pk).exists()
    entry = OperationLog.objects.get(model_label="accounts.usersession")
    assert entry.user == users.admin and entry.action == "-"

    own = UserSession.objects.get(user=users.admin)
    admin.post(reverse("accounts:session_end", args=[own.pk]))
    assert "不能强制退出当前会话" in admin.get(reverse("accounts:sessions")).content.decode()
    assert admin.get(reverse("home")).status_code == 200


def test_sessions_outside_the_scope_are_not_listed_nor_ended(client, users, settings):
    from luoshi.accounts.models import Role, UserSession

    sibling = signed_in_client("u_sibling_clerk")
    viewer = Role.objects.create(name="会话管理", code="t-sessions", data_scope="subtree")
    viewer.permissions.set(
        Permission.objects.filter(codename__in=["view_usersession", "delete_usersession"])
    )
    users.unit_admin.groups.add(viewer)
    client.force_login(users.unit_admin)
    assert "u_sibling_clerk" not in client.get(reverse("accounts:sessions")).content.decode()
    session = UserSession.objects.get(user=users.sibling_clerk)
    assert client.post(reverse("accounts:session_end", args=[session.pk])).status_code == 404
    assert sibling.get(reverse("home")).status_code == 200


def test_a_user_holds_at_most_the_session_limit(users, settings):
    from luoshi.accounts.models import UserSession

    settings.SESSION_LIMIT_PER_USER = 2
    first, second = signed_in_client("u_clerk"), signed_in_client("u_clerk")
    third = signed_in_client("u_clerk")
    assert UserSession.objects.filter(user=users.clerk).count() == 2
    assert reverse("login") in first.get(reverse("home"))["Location"]  # the oldest ended
    assert second.get(reverse("home")).status_code == 200
    assert third.get(reverse("home")).status_code == 200


REDIS_TEST_PREFIX = "luoshi-test-sessions"


def _redis():
    import redis

    try:
        client = redis.Redis(host="127.0.0.1", port=6379, db=13, socket_timeout=1)
        client.ping()
    except redis.RedisError:
        return None
    return client


@pytest.fixture
def redis_sessions(settings):
    """Sessions in a real Redis, as the shipped luoshi.env.example (REDIS_URL) has them."""
    from django.core.cache import caches

    from luoshi.settings import cache_config

    raw = _redis()
    if raw is None:
        pytest.skip("no Redis on 127.0.0.1:6379")
    caches_conf, engine = cache_config({"REDIS_URL": "redis://127.0.0.1:6379/13"})
    caches_conf["default"]["KEY_PREFIX"] = REDIS_TEST_PREFIX
    settings.CACHES = caches_conf
    settings.SESSION_ENGINE = engine
    assert caches["default"].__class__.__name__ == "RedisCache"
    yield raw
    for key in raw.scan_iter(f"{REDIS_TEST_PREFIX}*"):  # only ours: the database is shared
        raw.delete(key)


def test_forced_logout_and_the_session_limit_with_sessions_in_redis(
    users, settings, redis_sessions
):
    from luoshi.accounts.models import UserSession

    def in_redis(browser):
        key = browser.session.session_key
        return any(key in k.decode() for k in redis_sessions.scan_iter(f"{REDIS_TEST_PREFIX}*"))

    settings.SESSION_LIMIT_PER_USER = 2
    first, second = signed_in_client("u_clerk"), signed_in_client("u_clerk")
    admin = signed_in_client("u_admin")
    assert in_redis(first) and in_redis(second)
    signed_in_client("u_clerk")  # beyond the limit: the oldest session ends, in Redis too
    assert not in_redis(first)
    assert reverse("login") in first.get(reverse("home"))["Location"]

    session = UserSession.objects.get(session_key=second.session.session_key)
    assert admin.post(reverse("accounts:session_end", args=[session.pk])).status_code == 302
    assert not in_redis(second)
    assert reverse("login") in second.get(reverse("home"))["Location"]
    assert admin.get(reverse("home")).status_code == 200


# --- 等保: captcha after repeated failures ------------------------------------------


def captcha_answer(response):
    from captcha.models import CaptchaStore

    key = response.context["form"]["captcha"].field.widget._key
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


@pytest.fixture
def captcha_after_3(settings):
    settings.LOGIN_CAPTCHA_AFTER_FAILURES = 3


def test_a_captcha_is_asked_after_three_failures(client, users, captcha_after_3):
    first = client.get(reverse("login"))
    assert "captcha" not in first.context["form"].fields
    for n in range(2):
        assert "captcha" not in login(client, "u_clerk", f"wrong-{n}").context["form"].fields
    third = login(client, "u_clerk", "wrong-2")
    assert "captcha" in third.context["form"].fields  # asked from the failure that hit 3
    assert "验证码" in third.content.decode()
    image = client.get(
        reverse("captcha-image", args=[third.context["form"]["captcha"].field.widget._key])
    )
    assert image.status_code == 200 and image["Content-Type"] == "image/png"

    # the right password without the captcha: refused before the password is checked
    response = login(client, "u_clerk", PASSWORD)
    assert response.status_code == 200 and not signed_in(client)
    assert "请输入验证码" in response.content.decode()
    response = client.post(
        reverse("login"),
        {"username": "u_clerk", "password": PASSWORD, "captcha_0": "x", "captcha_1": "zzzz"},
    )
    assert "验证码错误" in response.content.decode() and not signed_in(client)
    assert "请输入一个正确的" not in response.content.decode()  # no password oracle

    response = client.post(
        reverse("login"), {"username": "u_clerk", "password": PASSWORD, **captcha_answer(response)}
    )
    assert response.status_code == 302 and signed_in(client)


def test_guessing_one_account_from_many_addresses_meets_the_captcha(
    client, users, settings, captcha_after_3
):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(3):
        login(client, "u_admin", f"wrong-{n}", **via_proxy(f"203.0.113.{n + 1}"))
    response = login(client, "u_admin", PASSWORD, **via_proxy("198.51.100.9"))
    assert "captcha" in response.context["form"].fields
    assert not signed_in(client)
    # another account from a clean address is not bothered
    response = login(client, "u_clerk", PASSWORD, **via_proxy("198.51.100.10"))
    assert response.status_code == 302


# --- 等保: TOTP second factor -------------------------------------------------------


def current_code(device, drift=0):
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def unthrottle(device):
    """django-otp delays the next try after a wrong code (1 s, doubling): skip the wait."""
    type(device).objects.filter(pk=device.pk).update(throttling_failure_count=0)


@pytest.fixture
def otp_for_admins(settings):
    settings.OTP_REQUIRED_ROLES = ["admin"]


def test_a_system_admin_must_set_up_the_second_factor(client, users, otp_for_admins):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    login(client, "u_admin", PASSWORD)
    response = client.get(reverse("accounts:users"))
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    assert client.get(reverse("api:unit-list")).status_code == 403
    page = client.get(response["Location"])
    assert "您的角色要求使用两步验证" in page.content.decode()
    qr = client.get(reverse("accounts:otp_qr"))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert "no-store" in qr["Cache-Control"]

    device = TOTPDevice.objects.get(user=users.admin, confirmed=False)
    wrong = client.post(reverse("accounts:otp_setup"), {"token": "000000"})
    assert "动态口令不正确" in wrong.content.decode()
    unthrottle(device)
    done = client.post(
        reverse("accounts:otp_setup"),
        {"token": current_code(device), "next": reverse("accounts:users")},
    )
    assert done["Location"] == reverse("accounts:users")
    assert client.get(reverse("accounts:users")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert OperationLog.objects.filter(model_label="otp_totp.totpdevice", action="+").exists()

    # next sign-in: the password alone is not enough
    client.post(reverse("logout"))
    login(client, "u_admin", PASSWORD)
    response = client.get(reverse("accounts:users"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    bad = client.post(reverse("accounts:otp_verify"), {"token": "123456"})
    assert "动态口令不正确" in bad.content.decode()
    assert client.get(reverse("accounts:users")).status_code == 302
    unthrottle(device)
    good = client.post(reverse("accounts:otp_verify"), {"token": current_code(device, drift=1)})
    assert good.status_code == 302
    assert client.get(reverse("accounts:users")).status_code == 200

    # required: it cannot be turned off
    client.post(reverse("accounts:otp_disable"))
    assert TOTPDevice.objects.filter(user=users.admin, confirmed=True).exists()


def test_wrong_codes_count_as_failed_sign_ins(client, users, otp_for_admins):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=users.admin, name="手机令牌", confirmed=True)
    login(client, "u_admin", PASSWORD)
    for n in range(4):
        client.post(reverse("accounts:otp_verify"), {"token": f"00000{n}"})
    response = client.post(reverse("accounts:otp_verify"), {"token": "000009"})
    assert response.status_code == 429
    assert not signed_in(client)
    assert LoginLog.objects.filter(username="u_admin", event="locked").exists()


def test_the_second_factor_is_optional_for_other_roles(client, users, otp_for_admins):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    login(client, "u_clerk", PASSWORD)
    assert client.get(reverse("ledger:list")).status_code == 200
    assert reverse("accounts:otp_setup") in client.get(reverse("accounts:profile")).content.decode()
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=users.clerk)
    client.post(reverse("accounts:otp_setup"), {"token": current_code(device)})
    client.post(reverse("logout"))
    login(client, "u_clerk", PASSWORD)
    assert client.get(reverse("ledger:list"))["Location"].startswith(reverse("accounts:otp_verify"))
    client.post(reverse("accounts:otp_verify"), {"token": current_code(device, drift=1)})
    client.post(reverse("accounts:otp_disable"))
    assert not TOTPDevice.objects.filter(user=users.clerk).exists()
    client.post(reverse("logout"))
    login(client, "u_clerk", PASSWORD)
    assert client.get(reverse("ledger:list")).status_code == 200


def test_an_admin_reset_can_remove_a_lost_authenticator(client, users):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=users.clerk, name="手机令牌", confirmed=True)
    client.force_login(users.admin)
    reset = reverse("accounts:user_password", args=[users.clerk.pk])
    assert "同时重置两步验证" in client.get(reset).content.decode()
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "reset_otp": "on"}
    assert client.post(reset, data).status_code == 302
    assert not TOTPDevice.objects.filter(user=users.clerk).exists()
    entry = OperationLog.objects.get(model_label="otp_totp.totpdevice")
    assert entry.user == users.admin and entry.action == "-"
