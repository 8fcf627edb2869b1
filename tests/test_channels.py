"""阵地管理: scope, overdue checks, closing keeps history, export, the 阵地检查 indicator."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from luoshi.channels import services
from luoshi.channels.models import Channel, ChannelCheck, ChannelStatus, ChannelType, add_months
from luoshi.core import indicators
from luoshi.core.indicators import SYSTEM
from luoshi.core.workflow import WorkflowError, WorkflowStep
from luoshi.evidence.models import Evidence
from tests.factories import make_channel, png_upload

TODAY = timezone.localdate()


def check(channel, user, day, result="ok", files=()):
    return services.record_check(
        channel=channel,
        user=user,
        checked_on=day,
        checker=user,
        result=result,
        findings="检查近期推送内容，未发现问题。",
        files=files,
    )


def list_names(client, query=""):
    response = client.get(reverse("channels:list") + query)
    assert response.status_code == 200
    return {c.name for c in response.context["object_list"]}


def test_dictionary_is_seeded(db):
    names = list(ChannelType.objects.values_list("name", flat=True))
    assert names == [
        "门户网站",
        "微信公众号",
        "微博",
        "抖音/视频号",
        "宣传栏/电子屏",
        "讲堂/场馆",
        "其他",
    ]


def test_add_months_clamps_to_month_end():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)
    assert add_months(datetime.date(2024, 11, 30), 3) == datetime.date(2025, 2, 28)


def test_clerk_registers_a_channel_through_the_form(client, users, tree):
    client.force_login(users.clerk)
    response = client.post(
        reverse("channels:create"),
        {
            "unit": tree.own.pk,
            "channel_type": ChannelType.objects.get(code="portal").pk,
            "name": "示范区宣传网",
            "account": "http://www.sfqxc.gov.cn",
            "administrator": users.clerk.pk,
            "filing_status": "filed",
            "filing_number": "",
            "opened_on": "2020-03-01",
            "check_interval_months": 3,
            "evidence_files": [png_upload("备案截图.png")],
        },
    )
    assert response.status_code == 200  # 已备案 needs a number
    assert "已备案的阵地须填写备案号" in response.content.decode()
    response = client.post(
        reverse("channels:create"),
        {
            "unit": tree.own.pk,
            "channel_type": ChannelType.objects.get(code="portal").pk,
            "name": "示范区宣传网",
            "account": "http://www.sfqxc.gov.cn",
            "administrator": users.clerk.pk,
            "filing_status": "filed",
            "filing_number": "ICP备19032101号-1",
            "opened_on": "2020-03-01",
            "check_interval_months": 3,
            "evidence_files": [png_upload("备案截图.png")],
        },
    )
    channel = Channel.objects.get(name="示范区宣传网")
    assert response.status_code == 302 and response["Location"] == channel.get_absolute_url()
    assert channel.created_by == users.clerk and channel.unit == tree.own
    assert channel.next_check_due == datetime.date(2020, 6, 1)  # never checked: from opening
    assert channel.is_overdue
    assert channel.evidence.filter(is_current=True).count() == 1
    assert channel.history.count() == 1


def test_sibling_channel_is_404_on_detail_edit_check_close_and_absent_from_export(
    client, users, tree
):
    mine = make_channel(tree.own, users.clerk, name="宣传部公众号")
    theirs = make_channel(tree.sibling, users.sibling_clerk, name="教育局公众号")
    client.force_login(users.clerk)
    for name in ("channels:detail", "channels:update", "channels:check", "channels:close"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404, name
    assert client.post(reverse("channels:close", args=[theirs.pk]), {}).status_code == 404
    assert client.get(reverse("channels:detail", args=[mine.pk])).status_code == 200
    response = client.get(reverse("channels:list") + "?export=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    names = {row[2] for row in rows[1:]}
    assert names == {"宣传部公众号"}


def test_leader_reads_but_cannot_record_a_check(client, users, tree):
    channel = make_channel(tree.own, users.clerk)
    client.force_login(users.leader)
    assert client.get(channel.get_absolute_url()).status_code == 200
    assert client.get(reverse("channels:check", args=[channel.pk])).status_code == 403
    assert client.get(reverse("channels:close", args=[channel.pk])).status_code == 403


def test_overdue_flag_follows_last_check_plus_interval(client, users, tree):
    opened = TODAY - datetime.timedelta(days=400)
    overdue = make_channel(tree.own, users.clerk, name="逾期阵地", opened_on=opened)
    fresh = make_channel(tree.own, users.clerk, name="按期阵地", opened_on=opened)
    check(overdue, users.clerk, TODAY - datetime.timedelta(days=120))
    check(fresh, users.clerk, TODAY - datetime.timedelta(days=10))
    overdue.refresh_from_db()
    fresh.refresh_from_db()
    assert overdue.last_checked_on == TODAY - datetime.timedelta(days=120)
    assert overdue.next_check_due == add_months(overdue.last_checked_on, 3)
    assert overdue.is_overdue and not fresh.is_overdue

    client.force_login(users.clerk)
    assert list_names(client, "?overdue=yes") == {"逾期阵地"}
    assert list_names(client, "?overdue=no") == {"按期阵地"}
    response = client.get(reverse("channels:list"))
    page = response.content.decode()
    assert page.count('data-testid="overdue"') == 1
    # the summary line is the ``channels`` metric: each number opens exactly its channels
    summary = response.context["summary"]
    assert (summary["active"].count, summary["overdue"].count, summary["closed"].count) == (2, 1, 0)
    for value, names in (
        (summary["active"], {"逾期阵地", "按期阵地"}),
        (summary["overdue"], {"逾期阵地"}),
    ):
        assert list_names(client, "?" + value.count_url.partition("?")[2]) == names
    assert "检查逾期 1 个" in page

    # a monthly channel is overdue sooner
    fresh.check_interval_months = 1
    fresh.save()
    services.refresh_schedule(fresh)
    assert not fresh.is_overdue
    check_day = TODAY - datetime.timedelta(days=40)
    monthly = make_channel(tree.own, users.clerk, name="月检阵地", opened_on=opened, interval=1)
    check(monthly, users.clerk, check_day)
    monthly.refresh_from_db()
    assert monthly.is_overdue


def test_check_via_form_attaches_evidence_and_moves_due_date(client, users, tree):
    channel = make_channel(tree.own, users.clerk, opened_on=TODAY - datetime.timedelta(days=200))
    assert Channel.objects.get(pk=channel.pk).is_overdue
    client.force_login(users.clerk)
    url = reverse("channels:check", args=[channel.pk])
    data = {
        "checked_on": TODAY.isoformat(),
        "checker": users.clerk.pk,
        "result": "problems",
        "findings": "发现1篇转载稿件未注明来源。",
        "rectification": "",
    }
    response = client.post(url, data)
    assert "发现问题时须填写整改情况" in response.content.decode()
    data.update(rectification="已补注来源。", evidence_files=[png_upload("检查截图.png")])
    response = client.post(url, data)
    assert response.status_code == 302
    done = ChannelCheck.objects.get(channel=channel)
    assert done.unit == tree.own and done.checker == users.clerk
    assert Evidence.objects.get(object_id=done.pk, content_type__model="channelcheck").unit == (
        tree.own
    )
    channel.refresh_from_db()
    assert channel.last_checked_on == TODAY and not channel.is_overdue
    page = client.get(channel.get_absolute_url()).content.decode()
    assert "检查截图.png" in page and "已补注来源" in page


def test_close_keeps_channel_checks_and_history(client, users, tree):
    channel = make_channel(tree.own, users.clerk, opened_on=TODAY - datetime.timedelta(days=90))
    check(channel, users.clerk, TODAY - datetime.timedelta(days=5))
    client.force_login(users.clerk)
    url = reverse("channels:close", args=[channel.pk])
    response = client.post(url, {"closed_on": TODAY.isoformat(), "reason": ""})
    assert response.status_code == 200  # a reason is required
    response = client.post(url, {"closed_on": TODAY.isoformat(), "reason": "账号停止运营"})
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.CLOSED and channel.closed_on == TODAY
    assert channel.close_reason == "账号停止运营"
    assert channel.checks.count() == 1 and channel.history.exists()
    step = WorkflowStep.objects.get(object_id=channel.pk, workflow="luoshi_channels.channel")
    assert step.actor == users.clerk and step.comment == "账号停止运营"
    assert not channel.is_overdue

    # hidden from the default list, shown with 已关闭 and 全部
    assert list_names(client) == set()
    assert list_names(client, "?status=closed") == {channel.name}
    assert list_names(client, "?status=all") == {channel.name}
    page = client.get(channel.get_absolute_url()).content.decode()
    assert "账号停止运营" in page and 'data-testid="closed-badge"' in page

    # closing twice and checking a closed channel are refused with a message
    response = client.post(url, {"closed_on": TODAY.isoformat(), "reason": "再次关闭"}, follow=True)
    assert "阵地已关闭" in response.content.decode() or "不能执行" in response.content.decode()
    assert WorkflowStep.objects.filter(object_id=channel.pk).count() == 1
    response = client.post(
        reverse("channels:check", args=[channel.pk]),
        {
            "checked_on": TODAY.isoformat(),
            "checker": users.clerk.pk,
            "result": "ok",
            "findings": "x",
        },
        follow=True,
    )
    assert "阵地已关闭，不能再登记检查" in response.content.decode()
    assert channel.checks.count() == 1


def test_channel_check_rate_matches_the_records_behind_its_url(client, users, tree):
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)
    old = datetime.date(2025, 6, 1)
    a = make_channel(tree.own, users.clerk, name="A 已检查", opened_on=old)
    b = make_channel(tree.own, users.clerk, name="B 未检查", opened_on=old)
    c = make_channel(tree.child, users.clerk, name="C 下级已检查", opened_on=old)
    d = make_channel(tree.own, users.clerk, name="D 期内关闭", opened_on=old)
    make_channel(tree.sibling, users.sibling_clerk, name="E 兄弟单位", opened_on=old)
    late = make_channel(
        tree.own, users.clerk, name="F 期后开通", opened_on=datetime.date(2026, 5, 1)
    )
    check(a, users.clerk, datetime.date(2026, 2, 10))
    check(b, users.clerk, datetime.date(2025, 12, 20))  # before the period
    check(c, users.clerk, datetime.date(2026, 3, 31))
    check(d, users.clerk, datetime.date(2026, 1, 5))
    services.close_channel(
        channel=d, user=users.clerk, reason="停用", closed_on=datetime.date(2026, 3, 1)
    )
    assert late.pk

    measure = indicators.measure(
        "channel_check_rate", {}, user=SYSTEM, unit=tree.own, subtree=True, start=start, end=end
    )
    assert (measure.count, measure.total) == (2, 3)  # A, C of A, B, C
    client.force_login(users.unit_admin)
    assert list_names(client, "?" + measure.url.split("?", 1)[1]) == {"A 已检查", "C 下级已检查"}
    total_query = measure.url.split("?", 1)[1].split("&checked_from")[0]
    assert list_names(client, "?" + total_query) == {"A 已检查", "B 未检查", "C 下级已检查"}

    own_only = indicators.measure(
        "channel_check_rate", {}, user=SYSTEM, unit=tree.own, subtree=False, start=start, end=end
    )
    assert (own_only.count, own_only.total) == (1, 2)
    assert list_names(client, "?" + own_only.url.split("?", 1)[1]) == {"A 已检查"}


def test_administrator_is_notified(users, tree):
    channel = make_channel(tree.own, users.clerk, name="新阵地")
    assert channel.pk
    from luoshi.notices.models import Notice

    assert not Notice.objects.filter(recipient=users.clerk).exists()  # registered it himself
    services.create_channel(
        channel=Channel(
            unit=tree.own,
            channel_type=ChannelType.objects.get(code="board"),
            name="宣传栏",
            account="一楼大厅",
            administrator=users.clerk,
            filing_status="not_required",
            opened_on=TODAY,
        ),
        user=users.unit_admin,
    )
    assert Notice.objects.filter(recipient=users.clerk, title__contains="宣传栏").exists()


@pytest.mark.parametrize("query", ["", "?status=all", "?overdue=yes&channel_type=1&q=宣传"])
def test_list_renders_with_filters(client, users, tree, query):
    make_channel(tree.own, users.clerk)
    client.force_login(users.unit_admin)
    assert client.get(reverse("channels:list") + query).status_code == 200


def test_export_row_shows_labels_names_dates_and_blanks(client, users, tree):
    """The columns come from the model's fields: a choice shows its label, a related record
    its name, a date its date, an empty date nothing; the headings are the page's own."""
    opened = TODAY - datetime.timedelta(days=400)
    make_channel(tree.own, users.clerk, name="宣传部公众号", opened_on=opened)
    client.force_login(users.clerk)
    response = client.get(reverse("channels:list") + "?export=xlsx")
    header, row = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert header[:10] == (
        "单位",
        "阵地类型",
        "阵地名称",
        "账号或地址",
        "管理员",
        "备案状态",
        "备案号",
        "开通日期",
        "关闭日期",
        "检查周期（月）",
    )
    assert header[12:] == ("检查逾期", "状态", "备注")
    assert row[:3] == (tree.own.name, "微信公众号", "宣传部公众号")
    assert row[4] == str(users.clerk) and row[5] == "无需备案"
    assert row[7].date() == opened and row[8] is None and row[9] == 3
    assert row[12:14] == ("逾期", "在用")


def test_a_refusal_by_the_service_comes_back_on_the_form_with_what_was_typed(
    client, users, tree, monkeypatch
):
    """Every form page about one record (``core.views.RecordFormView``): when the service
    refuses the step (here: a race the page could not see), the form comes back with the
    reason above it and the reason typed kept; nothing is written."""
    channel = make_channel(tree.own, users.clerk, opened_on=TODAY - datetime.timedelta(days=90))

    def refused(**kwargs):
        raise WorkflowError("阵地正由他人处理，请稍后再试。")

    monkeypatch.setattr(services, "close_channel", refused)
    client.force_login(users.clerk)
    response = client.post(
        reverse("channels:close", args=[channel.pk]),
        {"closed_on": TODAY.isoformat(), "reason": "账号已注销"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "阵地正由他人处理，请稍后再试。" in page and "账号已注销" in page
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.ACTIVE
    assert not WorkflowStep.objects.filter(object_id=channel.pk, workflow="luoshi_channels.channel")
