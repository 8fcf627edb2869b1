"""Production hardening: deploy checks, security headers, CSRF, sessions, refusals logged."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from luoshi.audit.models import LoginLog
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-entropy-3f9a1c",
    "ALLOWED_HOSTS": "luoshi.example.gov.cn",
    "SECURE_COOKIES": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_PROXY_SSL_HEADER": "1",
}


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        **PRODUCTION_ENV,
        "LUOSHI_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output


def test_check_deploy_flags_the_development_defaults(tmp_path):
    """The test above is not vacuous: without the production variables it warns."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV},
        "DEBUG": "1",
        "LUOSHI_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr  # DEBUG on


def test_security_headers_on_every_page(client, users):
    client.force_login(users.clerk)
    for response in (client.get(reverse("home")), client.get(reverse("login"))):
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "object-src 'none'" in csp
        assert "https:" not in csp and "http:" not in csp  # no CDN anywhere


def test_pages_load_scripts_only_from_self(client, users):
    """Every <script> on a page is a same-origin file, JSON data or carries the nonce."""
    client.force_login(users.unit_admin)
    response = client.get(reverse("home"))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    for tag in re.findall(r"<script[^>]*>", response.content.decode()):
        allowed = (
            'src="/static/' in tag
            or 'type="application/json"' in tag
            or (nonce and f'nonce="{nonce.group(1)}"' in tag)
        )
        assert allowed, tag


def test_hsts_only_behind_tls():
    assert settings.SECURE_HSTS_SECONDS == 0  # tests run over plain http
    env = {**PRODUCTION_ENV}
    code = "from django.conf import settings; print(settings.SECURE_HSTS_SECONDS)"
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "luoshi.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == "31536000", out.stderr


def test_forms_and_htmx_need_the_csrf_token(users, _client_handler):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.clerk)
    page = client.get(reverse("ledger:create"))
    html = page.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert f'hx-headers=\'{{"X-CSRFToken": "{token}"}}\'' in html  # htmx sends it too
    refused = client.post(reverse("ledger:create"), {"title": "无令牌"})
    assert refused.status_code == 403
    with_header = client.post(reverse("logout"), HTTP_X_CSRFTOKEN=token)
    assert with_header.status_code == 302


def test_session_key_rotates_at_login(users):
    client = Client()
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    response = client.post(reverse("login"), {"username": "u_clerk", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.cookies[settings.SESSION_COOKIE_NAME]["httponly"]


def test_permission_denied_is_in_the_audit_log(client, users):
    client.force_login(users.clerk)
    response = client.get(reverse("audit:logins"))
    assert response.status_code == 403
    entry = LoginLog.objects.get(event=LoginLog.Event.DENIED)
    assert entry.user == users.clerk
    assert entry.path == reverse("audit:logins")
    client.force_login(users.admin)
    page = client.get(reverse("audit:logins")).content.decode()
    assert "拒绝访问" in page and reverse("audit:logins") in page


def test_login_and_failure_are_in_the_audit_log(client, users):
    client.post(reverse("login"), {"username": "u_clerk", "password": "wrong-Password-1"})
    client.post(reverse("login"), {"username": "u_clerk", "password": PASSWORD})
    events = list(LoginLog.objects.filter(username="u_clerk").values_list("event", flat=True))
    assert sorted(events) == ["failure", "success"]
