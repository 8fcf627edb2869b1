"""Real browser: Swagger UI and ReDoc render the API's operations under the site's CSP —
nonces on their scripts and no 'unsafe-eval' — with no CSP violation."""

import pytest
from django.utils.csp import CSP

from tests.browser.test_ledger_browser import _log_in
from tests.factories import make_unit, make_user


@pytest.fixture
def strict_csp(settings):
    """The site's policy with 'unsafe-eval' taken out of script-src."""
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "script-src": ["'self'", CSP.NONCE],
    }


def _signed_in_watching_csp(page):
    """Sign a reader in; return the list the page's CSP violation reports go to."""
    unit = make_unit("区委宣传部", "D1", type_code="publicity_dept")
    make_user("docs_reader", unit, "clerk")
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    _log_in(page, "docs_reader")
    return violations


@pytest.mark.browser
def test_swagger_ui_lists_the_operations_without_eval(page, live_server, strict_csp):
    violations = _signed_in_watching_csp(page)
    page.goto("/api/v1/docs/")
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/ledger-records/").first
    operation.wait_for()
    assert page.locator(".opblock").count() > 20
    assert violations == []


@pytest.mark.browser
def test_redoc_renders_the_operations_without_eval(page, live_server, strict_csp):
    violations = _signed_in_watching_csp(page)
    page.goto("/api/v1/redoc/")
    page.get_by_text("/api/v1/ledger-records/").first.wait_for()
    # ReDoc's "API docs by Redocly" logo comes from cdn.redoc.ly: the CSP keeps it out (no
    # request leaves the site); scripts and the search worker must all run.
    assert [v for v in violations if "cdn.redoc.ly" not in v] == []
