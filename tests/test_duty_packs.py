"""Responsibility packs: strict validation (file, line, Chinese reason; nothing written),
the default pack, the load_pack command and version upgrades that keep duty-list data."""

import textwrap

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from luoshi.accounts.models import ResponsibilityPosition
from luoshi.duty import services
from luoshi.duty.models import DutyCheck, DutyItem, DutyList, Pack, PackItem
from luoshi.duty.pack_format import DEFAULT_PACK, PackError
from luoshi.duty.selectors import latest_pack
from tests.factories import make_users
from tests.list_support import list_queryset

GOOD = textwrap.dedent(
    """\
    format: 1
    code: testpack
    version: 1
    name: 测试责任包
    areas:
      - code: area1
        name: 组织领导
        items:
          - code: meeting
            name: 专题研究
            owner: primary
            indicator:
              kind: ledger_count
              params: {activity_type: special_meeting}
            target: {count: 2, period: year}
            scoring: {points: 5, method: ratio}
          - code: screening
            name: 风险点排查
            owner: direct
            indicator: {kind: risk_screening}
            target: {count: 1, period: year}
          - code: old_item
            name: 将被删除的责任项
            owner: unit
            indicator: {kind: manual}
            target: {count: 1, period: half}
    """
)


def write(tmp_path, text, name="pack.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path, text):
    """Load ``text`` through the command; return the single issue, checking nothing was
    written."""
    before = (Pack.objects.count(), PackItem.objects.count())
    path = write(tmp_path, text)
    with pytest.raises(PackError) as caught:
        services.load_pack_file(path)
    with pytest.raises(CommandError) as command_error:
        call_command("load_pack", str(path))
    assert "pack.yaml" in str(command_error.value)
    assert (Pack.objects.count(), PackItem.objects.count()) == before
    return caught.value.issues


def test_bad_yaml_syntax_names_file_and_line(db, tmp_path):
    text = GOOD.replace("    name: 专题研究\n", "    name: [专题研究\n")
    issues = refused(tmp_path, text)
    assert issues[0].file == "pack.yaml"
    assert issues[0].line >= 10
    assert "YAML 语法错误" in issues[0].reason
    assert "pack.yaml 第" in str(issues[0])


def test_missing_field(db, tmp_path):
    text = GOOD.replace("        owner: primary\n", "", 1)
    (issue,) = refused(tmp_path, text)
    assert issue.line == 9  # the item that lacks it
    assert "缺少必填字段「owner」" in issue.reason


def test_unknown_position(db, tmp_path):
    text = GOOD.replace("owner: primary", "owner: secretary")
    (issue,) = refused(tmp_path, text)
    assert issue.line == 11
    assert "责任主体「secretary」无效" in issue.reason


@pytest.mark.parametrize(
    "target, reason",
    [
        ("{count: 0, period: year}", "目标次数 count应不小于 1"),
        ("{count: two, period: year}", "目标次数 count应为整数"),
        ("{count: 2, period: weekly}", "周期「weekly」无效"),
        ("{rate: 120, period: year}", "目标比例 rate应在 0 到 100 之间"),
        ("{count: 2, rate: 100}", "只写明 count"),
    ],
)
def test_bad_target(db, tmp_path, target, reason):
    text = GOOD.replace("{count: 2, period: year}", target)
    (issue,) = refused(tmp_path, text)
    assert issue.line == 15
    assert reason in issue.reason


def test_unknown_key_duplicate_code_bad_scoring_and_missing_activity_type(db, tmp_path):
    text = (
        GOOD.replace("    name: 专题研究\n", "    name: 专题研究\n        colour: red\n", 1)
        .replace("code: screening", "code: meeting")
        .replace("method: ratio", "method: thresholds")
        .replace("activity_type: special_meeting", "activity_type: no_such_type")
    )
    issues = refused(tmp_path, text)
    reasons = " / ".join(i.reason for i in issues)
    assert "未知字段「colour」" in reasons
    assert "编码「meeting」重复" in reasons
    assert "须写明 thresholds" in reasons
    assert "活动类型「no_such_type」不存在" in reasons
    assert all(i.line > 0 for i in issues)


def test_unknown_kind_loads_as_manual(db, tmp_path):
    result = services.load_pack_file(write(tmp_path, GOOD))
    assert result.created
    item = result.pack.items.get(code="screening")
    assert item.indicator_kind == "risk_screening"
    assert item.parent.code == "area1"


def test_default_pack_is_loaded_with_every_required_item(db):
    pack = latest_pack("yishixingtai")
    assert pack is not None and pack.name == "意识形态工作责任制"
    items = {i.code: i for i in pack.items.filter(is_area=False)}
    expected = {
        "special_meeting": ("ledger_count", "count", 2, "year"),
        "study_group": ("ledger_count", "count", 12, "year"),
        "briefing": ("ledger_count", "count", 1, "half"),
        "report_up": ("ledger_count", "count", 1, "year"),
        "analysis": ("ledger_count", "count", 1, "half"),
        "risk_screening": ("risk_screening", "count", 1, "year"),
        "duty_report": ("ledger_count", "count", 1, "year"),
        "event_filing": ("event_filing_rate", "rate", 100, "year"),
        "review_coverage": ("review_coverage", "rate", 100, "year"),
        "incident_closure": ("incident_closure_rate", "rate", 100, "year"),
        "civic_practice": ("ledger_count", "count", 1, "month"),
        "rectification": ("rectification_rate", "rate", 100, "year"),
    }
    for code, (kind, target_type, value, period) in expected.items():
        item = items[code]
        assert (item.indicator_kind, item.target_type, int(item.target_value), item.period) == (
            kind,
            target_type,
            value,
            period,
        ), code
    assert items["special_meeting"].indicator_params == {"activity_type": "special_meeting"}
    assert items["study_group"].indicator_params == {"activity_type": "study_group"}
    five = items["five_inclusions"]
    assert five.target_type == "checklist"
    assert [s["name"] for s in five.checklist] == [
        "纳入党建工作责任制",
        "纳入领导班子和领导干部目标管理",
        "纳入执行党的纪律监督检查",
        "纳入综合目标管理",
        "纳入干部考核",
    ]
    assert sum(i.scoring["points"] for i in items.values()) == 100


def test_default_pack_load_is_idempotent(db):
    count = Pack.objects.count()
    services.ensure_default_pack()
    call_command("load_pack", str(DEFAULT_PACK))
    assert Pack.objects.count() == count


def test_same_version_with_other_content_is_refused(db, tmp_path):
    services.load_pack_file(write(tmp_path, GOOD))
    with pytest.raises(PackError) as caught:
        services.load_pack_file(write(tmp_path, GOOD.replace("专题研究", "专题研究部署")))
    assert "须提高 version" in str(caught.value)


def test_upgrade_keeps_duty_list_data(db, tmp_path, tree, users):
    v1 = services.load_pack_file(write(tmp_path, GOOD)).pack
    duty_list = services.generate_duty_list(unit=tree.own, year=2026, pack=v1, user=users.admin)
    meeting = duty_list.items.get(code="meeting")
    services.override_target(item=meeting, value=3, reason="本单位任务重", user=users.admin)
    services.assign(item=meeting, people=[users.leader], user=users.admin)
    screening = duty_list.items.get(code="screening")
    services.drop_item(item=screening, reason="本年度由上级统一开展", user=users.admin)
    old = duty_list.items.get(code="old_item")
    services.record_checks(item=old, keys=["H1", "H2"], done={"H1"}, note="", user=users.clerk)
    custom = services.add_custom_item(
        duty_list=duty_list,
        user=users.admin,
        name="本单位自定项目",
        area_name="组织领导",
        owner="unit",
        target_type="count",
        target_value=1,
        period="year",
    )

    v2_text = (
        GOOD.replace("version: 1", "version: 2")
        .replace("name: 专题研究", "name: 专题研究部署")
        .replace(
            textwrap.indent(
                "- code: old_item\n  name: 将被删除的责任项\n  owner: unit\n"
                "  indicator: {kind: manual}\n  target: {count: 1, period: half}\n",
                "      ",
            ),
            textwrap.indent(
                "- code: new_item\n  name: 新增责任项\n  owner: direct\n"
                "  indicator: {kind: manual}\n  target: {count: 1, period: year}\n",
                "      ",
            ),
        )
    )
    result = services.load_pack_file(write(tmp_path, v2_text, "pack_v2.yaml"))
    assert result.created and result.upgraded_lists == 1
    v2 = result.pack
    assert v2.items.get(code="old_item").is_retired

    duty_list.refresh_from_db()
    assert duty_list.pack == v2
    items = {i.code: i for i in duty_list.items.all()}
    assert set(items) == {"meeting", "screening", "old_item", "new_item", custom.code}
    assert items["meeting"].name == "专题研究部署"  # refreshed from the new version
    assert items["meeting"].target_override == 3
    assert items["meeting"].override_reason == "本单位任务重"
    assert list(items["meeting"].assignees.all()) == [users.leader]
    assert items["meeting"].pack_item.pack == v2
    assert items["screening"].is_dropped and items["screening"].drop_reason
    assert items["old_item"].is_retired
    assert DutyCheck.objects.get(item=items["old_item"], key="H1").done
    assert items[custom.code].is_custom and items[custom.code].name == "本单位自定项目"
    assert not items["new_item"].is_retired
    # a new list from v2 has no retired items
    fresh = services.generate_duty_list(unit=tree.sibling, year=2026, pack=v2)
    assert not fresh.items.filter(code="old_item").exists()


def test_signed_list_stays_on_its_version(db, tmp_path, tree, users):
    v1 = services.load_pack_file(write(tmp_path, GOOD)).pack
    duty_list = services.generate_duty_list(unit=tree.own, year=2026, pack=v1)
    ResponsibilityPosition.objects.create(
        unit=tree.own, year=2026, position="primary", user=users.leader
    )
    services.sign(duty_list=duty_list, user=users.leader)
    result = services.load_pack_file(write(tmp_path, GOOD.replace("version: 1", "version: 2")))
    assert result.upgraded_lists == 0
    duty_list.refresh_from_db()
    assert duty_list.pack == v1
    assert DutyList.objects.count() == 1
    assert DutyItem.objects.filter(duty_list=duty_list).count() == 3


def test_comments_and_layout_are_not_a_change(db, tmp_path):
    services.load_pack_file(write(tmp_path, GOOD))
    again = services.load_pack_file(write(tmp_path, "# 注释\n" + GOOD))
    assert not again.created


def test_pack_page_counts_the_lists_the_reader_may_open_and_links_to_them(
    db, tmp_path, client, tree, users
):
    """「使用此版本的责任清单：n 份」 is the ``duty_lists`` metric: the reader's lists of this
    pack version, linking to exactly them on the duty list page (another pack's are not)."""
    v1 = services.load_pack_file(write(tmp_path, GOOD)).pack
    for unit in (tree.own, tree.child, tree.sibling):
        services.generate_duty_list(unit=unit, year=2026, pack=v1)
    other = GOOD.replace("code: testpack", "code: otherpack")
    other_pack = services.load_pack_file(write(tmp_path, other, "other.yaml")).pack
    services.generate_duty_list(unit=tree.own, year=2026, pack=other_pack)
    (sibling_leader,) = make_users([("u_sibling_leader", tree.sibling, "leader")])
    page = reverse("duty:pack_detail", args=[v1.pk])
    for user, expected in ((sibling_leader, {tree.sibling}), (users.leader, None)):
        client.force_login(user)
        response = client.get(page)
        link = response.context["lists"]
        shown = list_queryset(user, link.url)
        if expected is not None:
            assert {duty_list.unit for duty_list in shown} == expected
        assert link.count == len(shown) and all(d.pack == v1 for d in shown)
        assert f'data-testid="pack-lists">{link.count}份</a>' in response.content.decode()


def test_the_duty_items_count_is_refused_as_an_indicator(db, tmp_path):
    """``duty_items`` counts a list's own items (by progress state, measured by the page):
    a pack naming it as an item's indicator is refused, not loaded to fail on every page."""
    text = GOOD.replace("indicator: {kind: risk_screening}", "indicator: {kind: duty_items}")
    assert text != GOOD
    (issue,) = refused(tmp_path, text)
    assert "不能用作责任项的考核指标" in issue.reason
