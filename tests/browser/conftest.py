"""Fixtures for real browser tests: Debian's headless chromium driven by Playwright's sync API.

Never run ``playwright install`` here: the tests launch the system's chromium at ``CHROMIUM``
(Debian's chromium-headless-shell, the headless browser Playwright itself runs headless
tests in; else the full chromium) and skip (with a reason) when there is none.
"""

import os
from pathlib import Path

import pytest
from django.db import connections


def _chromium() -> Path:
    if os.environ.get("LUOSHI_CHROMIUM"):
        return Path(os.environ["LUOSHI_CHROMIUM"])
    shell = Path("/usr/bin/chromium-headless-shell")
    return shell if shell.exists() else Path("/usr/bin/chromium")


CHROMIUM = _chromium()
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


class _SharedChromium:
    """One Playwright and one chromium for a run of consecutive browser tests (starting them
    costs ~1 s); each test still gets new browser contexts (cookies, storage, cache).

    Playwright's sync API keeps an asyncio event loop running in the test thread, and
    Django refuses ORM calls while a loop runs there; the tests' own ORM calls (creating
    data, asserting on it) and the database fixtures between them are synchronous and safe,
    so the check is lifted for as long as Playwright runs. Playwright stops after the last
    test of the run (``pytest_runtest_teardown`` below), so no other test runs beside the
    loop.
    """

    def __init__(self):
        self.playwright = None
        self.chromium = None
        self.async_unsafe = None

    def start(self, sync_api):
        if self.chromium is not None and not self.chromium.is_connected():
            self.stop()  # it crashed: a new one
        if self.chromium is None:
            self.async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self.playwright = sync_api.sync_playwright().start()
            self.chromium = self.playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
        return self.chromium

    def stop(self):
        if self.playwright is None:
            return
        try:
            if self.chromium is not None:
                self.chromium.close()
            connections.close_all()
        finally:
            self.playwright.stop()
            self.playwright = self.chromium = None
            if self.async_unsafe is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.async_unsafe


_shared = _SharedChromium()


@pytest.hookimpl(trylast=True)  # after the test's fixtures are torn down
def pytest_runtest_teardown(item, nextitem):
    if nextitem is None or "browser" not in getattr(nextitem, "fixturenames", ()):
        _shared.stop()


def pytest_sessionfinish(session):
    _shared.stop()


@pytest.fixture
def browser(live_server):
    """The run's headless chromium, for one test: the contexts it opens are closed after it.

    Depending on ``live_server`` makes this fixture tear down first, so the transactional
    database is reset after the test's pages are gone.

    While the loop runs, Django keeps the test thread's database connections in
    context-local storage (asgiref's ``Local`` treats the thread as async), apart from
    the connection pytest-django set up. They are closed here, while Playwright still
    runs, or they would outlive the test: PostgreSQL then refuses to drop the test
    database ("is being accessed by other users").
    """
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = _shared.start(sync_api)
    try:
        yield chromium
    finally:
        try:
            for context in chromium.contexts:
                context.close()
        finally:
            connections.close_all()


# The phone every phone-width test uses (an iPhone 12–15 viewport).
PHONE = {"width": 390, "height": 844}


def wider_than_the_phone(page) -> int:
    """How many CSS px the page is wider than the phone's screen (0: it fits). Measured against
    ``PHONE``, not ``window.innerWidth``: a mobile browser (``is_mobile``) widens its layout
    viewport to a page that overflows it, so ``innerWidth`` grows with the page and every
    page would seem to fit."""
    return max(0, page.evaluate("document.scrollingElement.scrollWidth") - PHONE["width"])


def new_context(browser, live_server, **options):
    """A browser context on the live server, as every test opens one: in Chinese, 10 s to find
    an element, and asking for reduced motion, so Bootstrap's fades and slides are off and
    no step waits for one to end (what a page shows and does is the same)."""
    defaults = {"base_url": live_server.url, "locale": "zh-CN", "reduced_motion": "reduce"}
    context = browser.new_context(**{**defaults, **options})
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser, live_server):
    """A page on a touch phone at 390 × 844."""
    context = new_context(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser, live_server):
    context = new_context(browser, live_server, viewport={"width": 1366, "height": 900})
    context.set_default_navigation_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
