"""Error pages: Chinese, inside the layout for a signed-in user, with a way back; JSON under /api/."""

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.core import errors


@pytest.fixture
def no_debug(settings):
    settings.DEBUG = False


def test_404_signed_in_is_chinese_inside_the_layout(no_debug, client, users):
    client.force_login(users.clerk)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and "不在您的数据范围内" in page
    assert reverse("home") in page and "ls-sidebar" in page
    assert "Not Found" not in page


def test_404_anonymous_offers_the_login_page(no_debug, db):
    response = Client().get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and reverse("login") in page
    assert "ls-sidebar" not in page


def test_403_is_chinese_and_logged(no_debug, client, users):
    client.force_login(users.clerk)
    response = client.get(reverse("audit:logins"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "没有权限" in page and "单位管理员" in page
    assert "403 Forbidden" not in page


def test_500_page_needs_no_database_and_is_chinese(rf):
    response = errors.server_error(rf.get("/ledger/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in page and "没有保存" in page and 'href="/"' in page


def test_api_errors_are_json(no_debug, client, users):
    client.force_login(users.clerk)
    response = client.get("/api/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
