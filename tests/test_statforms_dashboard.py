"""统计报表 on the 驾驶舱: the figures the forms designate, for each form's latest period with
accepted values in the unit's subtree, each number listing the values it sums."""

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.dashboard import selectors
from luoshi.tasks.models import TaskAssignment
from tests.statforms_support import GOOD, issue_form, post_values, stat_world


@pytest.fixture
def world(tree, users):
    return stat_world(tree, users)


def _submit(client, task, unit, clerk, values):
    client.force_login(clerk)
    assignment = TaskAssignment.objects.get(task=task.task, unit=unit)
    client.post(reverse("statforms:submission", args=[assignment.pk]), post_values(values))
    return assignment


def test_the_dashboard_shows_the_latest_accepted_figures_of_the_subtree(client, world):
    task = issue_form(world, world.version)
    news = _submit(client, task, world.news, world.news_clerk, GOOD)  # 50 of 74
    theory = _submit(
        client, task, world.theory, world.theory_clerk,
        {**GOOD, "members": "26", "downloads": "24", "rate": ""},
    )  # fmt: skip
    year = {"year": timezone.localdate().year}
    client.force_login(world.issuer)
    page = client.get(reverse("dashboard:index"), year)
    assert "statforms" not in page.context["panels"]  # submitted, not accepted: nothing yet

    client.post(reverse("statforms:accept", args=[news.pk]))
    client.post(reverse("statforms:accept", args=[theory.pk]))
    page = client.get(reverse("dashboard:index"), year)
    panel = page.context["panels"]["statforms"]
    figures = {f.key: f for f in panel.figures}
    assert figures["xxqg_downloads"].current.value == 74
    assert figures["party_members"].current.value == 100
    rate = figures["xxqg_downloads-party_members"]
    assert rate.label == "下载率" and str(rate.current.value) == "74.0"  # 74/100, not averaged
    listed = client.get(figures["xxqg_downloads"].current.url).context["object_list"]
    assert sorted(v.number for v in listed) == [24, 50]
    assert all(v.submission.assignment.status == "accepted" for v in listed)
    html = page.content.decode()
    assert 'data-testid="panel-statforms"' in html
    assert f"意识形态工作统计表 · {task.period_label}" in html

    # a unit below sees its own subtree only
    data = selectors.dashboard(
        world.news_clerk, world.news, selectors.period_for(timezone.localdate().year)
    )
    own = {f.key: f for f in data.panels["statforms"].figures}
    assert own["xxqg_downloads"].current.value == 50
    assert str(own["xxqg_downloads-party_members"].current.value) == "67.6"
