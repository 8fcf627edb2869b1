"""Every page is usable at 390 px, not only the few a clerk opens most: each menu page and the
first record of each kind, as the system administrator, a leader and a clerk, without the
page scrolling sideways (a wide table becomes cards, a wide form one column)."""

import pytest
from django.urls import reverse

from tests.browser.conftest import PHONE, wider_than_the_phone
from tests.browser.test_ledger_browser import _log_in, _log_out
from tests.code_pages import pages_for
from tests.factories import LedgerRecordFactory
from tests.tasks_support import issue, task_world

FORMS = ["ledger:create", "tasks:task_create"]
# lists reached from another page, not from the menu
OFF_MENU = ["inspections:results"]


def _too_wide(page, url) -> str | None:
    response = page.goto(url)
    if response is None or response.status != 200:
        return None  # not this role's page (403/404 are tested elsewhere)
    over = wider_than_the_phone(page)
    if not over:
        return None
    screen = PHONE["width"]
    culprit = page.evaluate(
        """(screen) => {
          const wide = [...document.querySelectorAll('.ls-main *')]
            .filter(e => e.getBoundingClientRect().right > screen + 1)
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className)
              .trim().split(/\\s+/).join('.') : '') + (e.dataset.testid ? '#' + e.dataset.testid : ''));
          return wide.slice(0, 3).join(' ');
        }""",
        screen,
    )
    return f"{url}: {screen + over} px ({culprit})"


@pytest.mark.browser
def test_every_page_fits_a_phone_as_each_role(phone, tree, users, settings):
    settings.OTP_REQUIRED_ROLES = []
    world = task_world(tree, users)
    issue(world)
    LedgerRecordFactory(unit=tree.own, created_by=users.clerk, title="中心组专题学习全会精神")
    too_wide = []
    checked: set[str] = set()
    # the administrator first (every button and column); then only what the others see
    # that the administrator did not (their own 待办, their unit's records)
    for user in (users.admin, users.leader, world.news_clerk):
        _log_in(phone, user.username)
        urls = dict.fromkeys(pages_for(user) + [reverse(name) for name in FORMS + OFF_MENU])
        for url in (u for u in urls if u not in checked):
            problem = _too_wide(phone, url)
            checked.add(url)
            if problem:
                too_wide.append(problem)
        phone.goto(reverse("home"))
        _log_out(phone)
    assert len(checked) > 40
    assert too_wide == []
