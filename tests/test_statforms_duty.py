"""A responsibility pack item may target a form figure (统计报表 → 责任清单): the pack format
checks the figure is designated by a published form, the custom-item picker offers the
figures, and the item's progress is the sum of the accepted values."""

import textwrap

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.duty import services as duty_services
from luoshi.duty.pack_format import PackError, parse_pack
from luoshi.duty.selectors import DONE, item_progress, target_text
from luoshi.tasks.models import TaskAssignment
from tests.statforms_support import GOOD, issue_form, post_values, stat_world

YEAR = timezone.localdate().year

PACK = textwrap.dedent(
    """\
    format: 1
    code: figurepack
    version: 1
    name: 统计指标责任包
    areas:
      - code: basics
        name: 阵地建设
        items:
          - code: downloads
            name: 党员下载学习强国
            owner: unit
            indicator:
              kind: statform_figure
              params: {figure: xxqg_downloads}
            target: {count: 70, period: quarter}
          - code: download_rate
            name: 学习强国下载率
            owner: unit
            indicator:
              kind: statform_rate
              params: {figure: xxqg_downloads, of: party_members}
            target: {rate: 70, period: quarter}
    """
)


@pytest.fixture
def world(tree, users):
    return stat_world(tree, users)


def _accept_both(client, world):
    task = issue_form(world, world.version)
    for unit, clerk, values in (
        (world.news, world.news_clerk, GOOD),  # 50 of 74
        (world.theory, world.theory_clerk, {**GOOD, "members": "26", "downloads": "24", "rate": ""}),
    ):  # fmt: skip
        client.force_login(clerk)
        assignment = TaskAssignment.objects.get(task=task.task, unit=unit)
        client.post(reverse("statforms:submission", args=[assignment.pk]), post_values(values))
    client.force_login(world.issuer)
    for assignment in TaskAssignment.objects.filter(task=task.task):
        client.post(reverse("statforms:accept", args=[assignment.pk]))
    return task


def test_a_pack_item_targets_a_form_figure_and_its_progress_is_the_accepted_sum(
    client, world, users
):
    spec = parse_pack(PACK, file="pack.yaml")
    items = {item.code: item for item in spec.items}
    assert items["downloads"].indicator_params == {"figure": "xxqg_downloads"}
    pack = duty_services.install_pack(parse_pack(PACK, file="pack.yaml")).pack
    duty_list = duty_services.generate_duty_list(
        unit=world.tree.own, year=YEAR, pack=pack, user=world.issuer
    )
    downloads = duty_list.items.get(code="downloads")
    rate = duty_list.items.get(code="download_rate")
    assert target_text(downloads) == "每季度 ≥70"  # a figure, not a count of 次
    before = item_progress(downloads, user=world.issuer, subtree=True)
    assert before.count == 0 and before.status != DONE  # nothing accepted: nothing counts

    task = _accept_both(client, world)
    progress = item_progress(downloads, user=world.issuer, subtree=True)
    quarter = next(p for p in progress.periods if p.end == task.period_end)
    assert quarter.count == 74 and quarter.met  # 50 + 24 ≥ 70
    listed = client.get(quarter.url).context["object_list"]
    assert sorted(v.number for v in listed) == [24, 50]  # the values behind the number
    rate_progress = item_progress(rate, user=world.issuer, subtree=True)
    quarter = next(p for p in rate_progress.periods if p.end == task.period_end)
    assert (quarter.count, quarter.total, quarter.met) == (74, 100, True)  # 74% ≥ 70%


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("{figure: no_such_figure}", "统计指标「no_such_figure」不在任何已发布的统计表中"),
        ("{of: party_members}", "须在 params 中写明 figure"),
        ("{figure: Downloads}", "统计指标编码应为小写字母开头"),
    ],
)
def test_a_pack_naming_a_figure_no_form_designates_is_refused(world, params, message):
    text = PACK.replace("{figure: xxqg_downloads}", params)
    with pytest.raises(PackError) as caught:
        parse_pack(text, file="pack.yaml")
    (issue,) = caught.value.issues
    assert message in issue.reason and issue.line == 14  # the params line


def test_the_custom_item_picker_offers_the_designated_figures(client, world, users, tree):
    pack = duty_services.install_pack(parse_pack(PACK, file="pack.yaml")).pack
    duty_list = duty_services.generate_duty_list(
        unit=tree.own, year=YEAR, pack=pack, user=world.issuer
    )
    client.force_login(users.unit_admin)
    url = reverse("duty:item_create", args=[duty_list.pk])
    page = client.get(url).content.decode()
    assert "统计表数值：下载学习强国人数（人）（意识形态工作统计表）" in page
    assert "统计表比率：下载率（意识形态工作统计表）" in page
    data = {
        "area_name": "阵地建设",
        "name": "宣传栏建设",
        "owner": "unit",
        "target_type": "rate",
        "target_value": "40",
        "period": "quarter",
        "indicator": "statform_figure?figure=xxqg_downloads",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "数值指标须以“次数”为目标" in refused.content.decode()
    response = client.post(url, {**data, "target_type": "count"})
    assert response.status_code == 302
    item = duty_list.items.get(is_custom=True)
    assert (item.indicator_kind, item.indicator_params) == (
        "statform_figure",
        {"figure": "xxqg_downloads"},
    )
    assert not item.is_manual
