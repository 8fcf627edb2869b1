"""No internal code reaches a user: the main pages of the demo, opened as each demo role,
show labels, never a dictionary code, a metric key, a file type or a checksum."""

import re

import pytest
from django.test import Client

from luoshi.accounts.models import User
from luoshi.core.navigation import menu_for
from tests.code_pages import pages_for
from tests.visible_codes import codes_in, known_codes, visible_text

ROLES = ["admin", "xcb_admin", "xcb_leader", "cgjd_clerk", "reviewer", "inspector"]


def test_the_detector_finds_codes_in_text_but_not_in_attributes(db):
    codes = {"study_group", "ledger_count"}
    assert codes_in("<td>study_group 中心组学习</td>", codes) == {"study_group"}
    assert codes_in('<option value="study_group">中心组学习</option>', codes) == set()
    assert codes_in("<td>application/pdf</td>", codes) == {"application/pdf"}
    assert codes_in("<td>9f86d081884c7d659a2feaa0c55ad015</td>", codes)
    assert "ledger_count" not in visible_text("<script>ledger_count</script>")


@pytest.mark.parametrize("username", ROLES)
def test_main_pages_show_labels_not_codes(demo_district, username):
    codes = known_codes()
    assert {"study_group", "ledger_count", "incident_closure_rate", "task_series"} <= codes
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    shown = {}
    urls = pages_for(user)
    assert len(urls) > 5
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        found = codes_in(response.content.decode(), codes)
        if found:
            shown[url] = sorted(found)
    assert shown == {}


def test_every_list_says_how_many_records_it_has_once_and_rightly(demo_district):
    """「共 N 条」 on every list of the menu is the number of records the list holds."""
    user = User.objects.get(username="admin")
    client = Client()
    client.force_login(user)
    checked = 0
    for url in [item["url"] for group in menu_for(user, "/") for item in group["items"]]:
        response = client.get(url)
        context = response.context
        if response.status_code != 200 or not context or not context.get("page_obj"):
            continue
        paginator = context["page_obj"].paginator
        text = visible_text(response.content.decode())
        counts = re.findall(r"共 (\d[\d,]*) 条", text)
        assert len(counts) == 1, (url, counts)
        shown = int(counts[0].replace(",", ""))
        pks = set(paginator.object_list.values_list("pk", flat=True))
        assert shown == paginator.count == len(pks), url
        checked += 1
    assert checked >= 10


def test_list_filters_pick_by_name_never_a_typed_code_or_id(client, tree, users):
    """The figures' links filter the report list by plan, duty item and task; the form offers
    the plan by its name, and never asks anyone to type a code or a record number."""
    import datetime

    from django.urls import reverse

    from luoshi.tasks.models import Frequency, ReportingSchedule
    from tests.tasks_support import issue, task_world

    world = task_world(tree, users)
    schedule = ReportingSchedule.objects.create(
        unit=tree.own,
        created_by=world.issuer,
        code="monthly_info",
        title_template="{period}意识形态工作信息报送",
        requirements="报送本月情况。",
        frequency=Frequency.MONTHLY,
        due_day=25,
        starts_on=datetime.date(2026, 1, 1),
        subtree_root=tree.own,
    )
    task = issue(world, title="报送学习贯彻情况")
    client.force_login(world.issuer)
    url = reverse("tasks:assignments")
    page = client.get(url, {"schedule": schedule.code}).content.decode()
    form = re.search(r'<form method="get"[^>]*id="ls-filter".*?</form>', page, re.S).group(0)
    assert re.search(r'<select name="schedule"[^>]*>.*?意识形态工作信息报送</option>', form, re.S)
    assert 'value="monthly_info" selected' in form
    assert "编码" not in visible_text(form)
    assert 'type="hidden" name="task"' in form and not re.search(
        r'type="(text|number)" name="(task|schedule|duty_item)"', form
    )
    listed = client.get(url, {"task": task.pk}).content.decode()
    assert "报送学习贯彻情况" in listed  # the task's own link still filters

    from tests.risks_support import launch

    campaign = launch(world.issuer, tree.own, tree.own)
    page = client.get(reverse("risks:screenings"), {"campaign": campaign.pk}).content.decode()
    assert re.search(r'<select name="campaign"', page)
    assert f'<option value="{campaign.pk}" selected' in page
