"""Fixtures for real browser tests: Debian's chromium driven by Playwright's sync API.

Never run ``playwright install`` here: the tests launch the system chromium at
``CHROMIUM`` and skip (with a reason) when it is absent.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("LUOSHI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def results_dir(request):
    """test-results/ at the project root (git-ignored): screenshots for humans."""
    path = request.config.rootpath / "test-results"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def browser(live_server, monkeypatch):
    """A headless chromium for one test.

    Playwright's sync API keeps an asyncio event loop running in the test thread, and
    Django refuses ORM calls while a loop runs there; the test's own ORM calls (creating
    data, asserting on it) are synchronous and safe, so the check is lifted for as long
    as Playwright runs. Depending on ``live_server`` makes this fixture tear down first,
    so the transactional database is flushed after Playwright has stopped.

    While the loop runs, Django keeps the test thread's database connections in
    context-local storage (asgiref's ``Local`` treats the thread as async), apart from
    the connection pytest-django set up. They are closed here, while Playwright still
    runs, or they would outlive the test: PostgreSQL then refuses to drop the test
    database ("is being accessed by other users").
    """
    from django.db import connections

    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()
            connections.close_all()


# The phone every phone-width test uses (an iPhone 12–15 viewport).
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    """A page on a touch phone at 390 × 844."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 1366, "height": 900},
    )
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
