"""A real phone-sized browser: a 系统管理员 signs in, must set up the second factor (the
QR code is drawn by the server and shown under the CSP; the page fits the phone), enters
the code, then opens 在线会话."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import PHONE, new_context, wider_than_the_phone
from tests.factories import PASSWORD, make_unit, make_user


def _fits_the_phone(page):
    return not wider_than_the_phone(page)


@pytest.mark.browser
def test_admin_sets_up_the_second_factor_on_a_phone(browser, live_server, settings, results_dir):
    settings.OTP_REQUIRED_ROLES = ["admin"]
    unit = make_unit("示范区委", "T0", type_code="district_committee")
    admin = make_user("qw_admin", unit, "admin", full_name="赵建国")
    context = new_context(browser, live_server, viewport=PHONE)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(reverse("login"))
    page.get_by_label("用户名").fill("qw_admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_test_id("login").click()
    page.wait_for_url(lambda url: reverse("accounts:otp_setup") in url)
    assert page.get_by_test_id("otp-required").is_visible()
    qr = page.get_by_test_id("otp-qr")
    qr.wait_for()
    page.wait_for_function("document.querySelector('[data-testid=otp-qr]').naturalWidth > 0")
    assert _fits_the_phone(page)
    page.screenshot(path=str(results_dir / "otp-setup-phone.png"), full_page=True)

    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    page.get_by_label("动态口令").fill(f"{totp(device.bin_key):06d}")
    page.get_by_test_id("submit").click()
    page.wait_for_url(lambda url: reverse("accounts:otp_setup") not in url)
    assert "两步验证已启用" in page.content()

    page.goto(reverse("accounts:sessions"))
    assert page.get_by_test_id("session-row").count() == 1
    assert page.get_by_text("当前会话").is_visible()
    page.screenshot(path=str(results_dir / "sessions-phone.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e]
    context.close()
