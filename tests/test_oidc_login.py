"""统一身份认证 (OpenID Connect, mozilla-django-oidc) against a loopback provider started by
the tests (``tests/oidc_provider.py``): the whole redirect flow — login page button, the
provider's authorize, back to the callback, token and userinfo over HTTP — and the groups
claim mapped to unit and roles by the same mapping as LDAP."""

from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.management import CommandError, call_command
from django.urls import reverse

from luoshi.accounts.models import AuthSource, User
from tests.directory_support import mapping_file
from tests.factories import PASSWORD, make_user
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

OIDC_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "luoshi.accounts.backends.LuoshiModelBackend",
    "luoshi.accounts.backends.LuoshiOIDCBackend",
]


@pytest.fixture(scope="module")
def provider():
    running = Provider().start()
    yield running
    running.stop()


def discovered_settings(provider) -> dict:
    """The OIDC_* lines ``luoshi oidc_settings`` prints from the provider's discovery."""
    out = StringIO()
    call_command("oidc_settings", provider.url, stdout=out)
    return dict(line.split("=", 1) for line in out.getvalue().splitlines())


@pytest.fixture
def oidc_on(settings, provider, tmp_path, tree):
    for name, value in discovered_settings(provider).items():
        setattr(settings, name, value)
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.AUTHENTICATION_BACKENDS = OIDC_BACKENDS
    settings.DIRECTORY_MAPPING_FILE = str(mapping_file(tmp_path))
    settings.PASSWORD_CHANGE_AT_FIRST_LOGIN = True
    provider.audience = CLIENT_ID
    provider.claims = {
        "sub": "310101199001011234",
        "preferred_username": "chenqi",
        "name": "陈七",
        "email": "chenqi@example.gov.cn",
        "groups": ["xcb-clerks", "some-other-group"],
    }
    return provider


def sign_in_with_provider(client, next_url=""):
    """Login page → 统一身份认证登录 → the provider (a real HTTP request) → callback."""
    start = reverse("oidc_authentication_init") + (f"?next={next_url}" if next_url else "")
    to_provider = client.get(start)
    assert to_provider.status_code == 302
    authorize = to_provider["Location"]
    at_provider = requests.get(authorize, allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == reverse("oidc_authentication_callback")
    return client.get(back.path, parse_qs(back.query)), authorize


def role_codes(user):
    return sorted(user.groups.values_list("role__code", flat=True))


def test_the_login_page_offers_the_button_only_when_configured(client, oidc_on, settings):
    page = client.get(reverse("login")).content.decode()
    assert 'data-testid="oidc-login"' in page and "统一身份认证登录" in page
    settings.OIDC_RP_CLIENT_ID = ""
    assert 'data-testid="oidc-login"' not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("oidc_authentication_init")).status_code == 404


def test_first_sign_in_creates_the_user_from_the_claims(client, oidc_on, tree):
    response, authorize = sign_in_with_provider(client)
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"]
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(username="chenqi")
    assert user.auth_source == AuthSource.OIDC
    assert user.unit == tree.own and role_codes(user) == ["clerk"]
    assert user.full_name == "陈七" and user.email == "chenqi@example.gov.cn"
    assert not user.has_usable_password()
    assert client.get(reverse("home")).status_code == 200  # no password change asked


def test_later_sign_ins_take_unit_and_roles_from_the_claim_again(client, oidc_on, tree):
    sign_in_with_provider(client)
    client.logout()
    oidc_on.claims["groups"] = ["org:T2"]
    oidc_on.claims["name"] = "陈七（改名）"
    response, _authorize = sign_in_with_provider(client)
    assert response.status_code == 302
    user = User.objects.get(username="chenqi")
    assert user.unit == tree.sibling and role_codes(user) == ["clerk"]
    assert user.full_name == "陈七（改名）"
    history = user.history.count()
    client.logout()
    sign_in_with_provider(client)  # nothing new: the user is not saved again
    assert user.history.count() == history  # last_login moved, which the history leaves out


def test_a_user_without_a_mapped_group_is_sent_back_with_the_reason(client, oidc_on):
    oidc_on.claims["groups"] = ["some-other-group"]
    response, _authorize = sign_in_with_provider(client)
    assert response.status_code == 302 and response["Location"] == reverse("login")
    page = client.get(reverse("login")).content.decode()
    assert "未分配本系统的单位与角色" in page
    assert not User.objects.filter(username="chenqi").exists()
    assert "_auth_user_id" not in client.session


def test_a_mapped_unit_that_does_not_exist_is_refused(client, oidc_on):
    oidc_on.claims["groups"] = "unknown-unit"  # a single value, not a list
    response, _authorize = sign_in_with_provider(client)
    assert response["Location"] == reverse("login")
    assert "不存在或已停用" in client.get(reverse("login")).content.decode()


def test_an_id_token_for_another_client_is_refused(client, oidc_on):
    oidc_on.audience = "another-client"
    response, _authorize = sign_in_with_provider(client)
    assert response["Location"] == reverse("login")
    assert "统一身份认证登录未成功" in client.get(reverse("login")).content.decode()
    assert not User.objects.filter(username="chenqi").exists()


def test_a_provider_that_cannot_be_reached_is_a_failed_sign_in(client, oidc_on, settings):
    response_to_provider = client.get(reverse("oidc_authentication_init"))
    at_provider = requests.get(response_to_provider["Location"], allow_redirects=False)
    back = urlsplit(at_provider.headers["Location"])
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens
    response = client.get(back.path, parse_qs(back.query))
    assert response["Location"] == reverse("login")


def test_the_user_returns_to_the_page_asked_for(client, oidc_on):
    response, _authorize = sign_in_with_provider(client, next_url="/ledger/")
    assert response["Location"] == "/ledger/"


def test_an_existing_local_account_is_linked_but_never_a_superuser(client, oidc_on, tree):
    local = make_user("chenqi", tree.sibling, "leader")
    response, _authorize = sign_in_with_provider(client)
    assert response.status_code == 302
    local.refresh_from_db()
    assert local.auth_source == AuthSource.OIDC and role_codes(local) == ["clerk"]
    client.logout()
    boss = make_user("boss", tree.root, is_superuser=True)
    oidc_on.claims["preferred_username"] = "boss"
    response, _authorize = sign_in_with_provider(client)
    assert response["Location"] == reverse("login")
    boss.refresh_from_db()
    assert boss.auth_source == AuthSource.LOCAL
    assert (
        client.post(reverse("login"), {"username": "boss", "password": PASSWORD}).status_code == 302
    )


def test_a_replayed_callback_signs_nobody_in(client, oidc_on):
    to_provider = client.get(reverse("oidc_authentication_init"))
    at_provider = requests.get(to_provider["Location"], allow_redirects=False)
    back = urlsplit(at_provider.headers["Location"])
    assert client.get(back.path, parse_qs(back.query))["Location"] == reverse("home")
    client.logout()
    replay = client.get(back.path, parse_qs(back.query))
    assert replay["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_the_settings_command_reads_the_discovery_document(provider):
    lines = discovered_settings(provider)
    assert lines["OIDC_OP_ISSUER"] == provider.url
    assert lines["OIDC_OP_TOKEN_ENDPOINT"] == f"{provider.url}/token"
    assert lines["OIDC_RP_SIGN_ALGO"] == "RS256"
    with pytest.raises(CommandError, match="无法读取"):
        call_command("oidc_settings", f"{provider.url}/nowhere", stdout=StringIO())


def test_a_code_sent_to_the_login_form_is_not_exchanged(client, oidc_on, users):
    requests_before = len(oidc_on.token_requests)
    url = reverse("login") + "?code=stolen&state=whatever"
    response = client.post(url, {"username": "chenqi", "password": "x"})
    assert response.status_code == 200
    assert len(oidc_on.token_requests) == requests_before
