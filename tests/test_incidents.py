"""舆情事件处置: scope, steps strictly in order, computed times, export, the indicator and
the scope boundary (no personal data of the public)."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from luoshi.accounts.models import User
from luoshi.core import indicators
from luoshi.core.indicators import SYSTEM
from luoshi.core.workflow import WorkflowError, WorkflowStep
from luoshi.incidents import services
from luoshi.incidents.models import Incident, IncidentStatus, Platform
from luoshi.incidents.templatetags.incident_tags import duration
from luoshi.notices.models import Notice
from tests.factories import make_user, png_upload

STEP_DATA = {
    "analyze": {"level": "major", "analysis": "经核实，视频画面并非本校食堂。"},
    "handle": {"measures": "会同市场监管部门抽检留样，结果合格。"},
    "respond": {"response_text": "经核查，网传视频不实。"},
    "close": {"outcome": "平台已处置，家长陪餐常态化。"},
}


def make_incident(unit, user, *, title="区一中食堂不实视频", discovered_at=None, responsible=None):
    return services.register_incident(
        incident=Incident(
            unit=unit,
            responsible_unit=responsible or unit,
            title=title,
            discovered_at=discovered_at or timezone.now() - datetime.timedelta(hours=10),
            platform=Platform.objects.get(code="short_video"),
            summary="短视频平台出现称食堂饭菜变质的视频。",
        ),
        user=user,
    )


def leader_of(unit):
    """A 领导 of ``unit``: 办结 is a leader's sign-off (settings.SEPARATION_OF_DUTIES)."""
    leader = User.objects.filter(unit=unit, groups__role__code="leader").first()
    return leader or make_user(f"u_leader_{unit.code}", unit, "leader")


def walk(incident, user, until="close", at=None):
    for step, data in STEP_DATA.items():
        actor = leader_of(incident.unit) if step == "close" else user
        services.take_step(incident=incident, step=step, user=actor, data=dict(data), at=at)
        if step == until:
            return incident


def step_post(client, incident, step, **extra):
    data = {**STEP_DATA[step], **extra}
    if step == "respond":
        data.setdefault(
            "responded_at",
            timezone.localtime().replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M"),
        )
    return client.post(reverse("incidents:step", args=[incident.pk, step]), data, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


PERSONAL_WORDS = (
    "name", "phone", "mobile", "tel", "idcard", "id_card", "identity", "author", "poster",
    "commenter", "nickname", "person", "people", "citizen", "email", "address", "wechat",
    "weibo", "ip", "gender", "age", "birth", "religion", "political", "opinion", "follower",
    "fans", "netizen", "user",
)  # fmt: skip


def test_incident_has_no_fields_for_personal_data_of_the_public():
    """DESIGN §2: an incident records what happened and what the unit did, not people."""
    from django.apps import apps

    for model in apps.get_app_config("incidents").get_models():
        for field in model._meta.get_fields():
            parts = field.name.lower().split("_")
            hits = [w for w in PERSONAL_WORDS if w in parts or w in field.name.lower()]
            # the unit's own staff (creator, history user) are users of the system, not the public
            if field.name in {"created_by", "history_user"} or (
                field.name in {"name"} and model.__name__ == "Platform"
            ):
                continue
            assert hits == [], f"{model.__name__}.{field.name}"
    models = {m.__name__ for m in apps.get_app_config("incidents").get_models()}
    assert models == {"Incident", "HistoricalIncident", "Platform"}  # no posts, no people
    import luoshi.incidents.models as module

    assert "personal data" in module.__doc__ and "crawls" in module.__doc__
    assert "No personal data of the public" in Incident.__doc__


def test_register_through_the_form_validates_and_notifies(client, users, tree):
    handler = make_user("u_child_clerk", tree.child, "clerk")
    client.force_login(users.clerk)
    data = {
        "unit": tree.own.pk,
        "title": "新闻科稿件数据错误被指出",
        "discovered_at": (timezone.localtime() - datetime.timedelta(hours=3)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "platform": Platform.objects.get(code="news_app").pk,
        "source_url": "https://example.org/post/1",
        "summary": "客户端一则稿件中的统计数据有误。",
        "level": "general",
        "responsible_unit": tree.sibling.pk,
    }
    response = client.post(reverse("incidents:create"), data)
    assert response.status_code == 200  # a sibling unit is outside the clerk's scope
    client.force_login(users.unit_admin)
    response = client.post(reverse("incidents:create"), data)
    assert "不在" in response.content.decode() or "选择一个有效的选项" in response.content.decode()
    data["responsible_unit"] = tree.child.pk
    data["evidence_files"] = [png_upload("截图.png")]
    response = client.post(reverse("incidents:create"), data)
    incident = Incident.objects.get(title="新闻科稿件数据错误被指出")
    assert response.status_code == 302
    assert incident.status == IncidentStatus.REGISTERED and incident.created_by == users.unit_admin
    assert incident.evidence.count() == 1
    assert Notice.objects.filter(recipient=handler, url=incident.get_absolute_url()).exists()

    future = dict(data, title="未来", discovered_at="2099-01-01T00:00")
    response = client.post(reverse("incidents:create"), future)
    assert "发现时间不能晚于当前时间" in response.content.decode()


def test_responsible_unit_must_be_in_the_registering_units_subtree(client, users, tree):
    client.force_login(users.admin)
    response = client.post(
        reverse("incidents:create"),
        {
            "unit": tree.child.pk,
            "title": "越级指定责任单位",
            "discovered_at": "2026-01-05T10:00",
            "platform": Platform.objects.first().pk,
            "summary": "x",
            "level": "general",
            "responsible_unit": tree.own.pk,
        },
    )
    assert "责任单位须为登记单位或其下级单位" in response.content.decode()


def test_sibling_incident_is_404_on_detail_edit_step_and_absent_from_export(client, users, tree):
    mine = make_incident(tree.own, users.clerk, title="宣传部事件")
    theirs = make_incident(tree.sibling, users.sibling_clerk, title="教育局事件")
    client.force_login(users.clerk)
    assert client.get(reverse("incidents:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("incidents:update", args=[theirs.pk])).status_code == 404
    url = reverse("incidents:step", args=[theirs.pk, "analyze"])
    assert client.get(url).status_code == 404
    assert client.post(url, STEP_DATA["analyze"]).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == IncidentStatus.REGISTERED
    assert client.get(reverse("incidents:detail", args=[mine.pk])).status_code == 200
    response = client.get(reverse("incidents:list") + "?export=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {row[2] for row in rows[1:]} == {"宣传部事件"}


def test_steps_only_in_order_through_the_url(client, users, tree):
    incident = make_incident(tree.own, users.clerk)
    client.force_login(users.clerk)

    # out of order: 回应 and 办结 before 研判 are refused, nothing changes
    for step in ("respond", "close", "handle"):
        response = step_post(client, incident, step)
        assert "当前状态为「已登记」，不能执行" in " ".join(messages_of(response)), step
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.REGISTERED and not incident.response_text
    assert not WorkflowStep.objects.filter(object_id=incident.pk, workflow="incidents.incident")

    # in order
    response = step_post(client, incident, "analyze")
    assert "已完成「研判」" in " ".join(messages_of(response))
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.ANALYZED and incident.level == "major"
    assert incident.analyzed_at is not None

    # the same step twice: a clear message, no second step
    response = step_post(client, incident, "analyze")
    assert "当前状态为「已研判」，不能执行「研判」" in " ".join(messages_of(response))
    assert WorkflowStep.objects.filter(object_id=incident.pk, transition="analyze").count() == 1

    # an unknown step is a 404
    url = reverse("incidents:step", args=[incident.pk, "skip"])
    assert client.post(url, {}).status_code == 404


def test_a_concurrent_double_step_gets_a_clear_error(users, tree):
    incident = make_incident(tree.own, users.clerk)
    stale = Incident.objects.get(pk=incident.pk)
    services.take_step(
        incident=incident, step="analyze", user=users.clerk, data=STEP_DATA["analyze"]
    )
    with pytest.raises(WorkflowError, match="已被他人处理"):
        # the stale copy still reads 已登记: the conditional update refuses it
        services.take_step(
            incident=stale, step="analyze", user=users.clerk, data=STEP_DATA["analyze"]
        )


def test_reader_roles_cannot_take_steps(client, users, tree):
    incident = make_incident(tree.own, users.clerk)
    client.force_login(users.leader)
    assert client.get(incident.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("incidents:step", args=[incident.pk, "analyze"]), STEP_DATA["analyze"]
    )
    assert response.status_code == 403
    with pytest.raises(WorkflowError, match="您无权执行「研判」"):
        services.take_step(
            incident=incident, step="analyze", user=users.leader, data=STEP_DATA["analyze"]
        )


def test_walk_to_close_computes_times(client, users, tree):
    discovered = timezone.now() - datetime.timedelta(days=2, hours=5)
    incident = make_incident(tree.own, users.clerk, discovered_at=discovered)
    client.force_login(users.clerk)
    step_post(client, incident, "analyze")
    step_post(client, incident, "handle")
    responded = timezone.localtime(discovered + datetime.timedelta(hours=6, minutes=30))
    response = step_post(
        client, incident, "respond", responded_at=responded.strftime("%Y-%m-%dT%H:%M")
    )
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESPONDED
    assert incident.time_to_response == datetime.timedelta(
        hours=6, minutes=30
    ) - datetime.timedelta(seconds=discovered.second, microseconds=discovered.microsecond) or abs(
        incident.time_to_response - datetime.timedelta(hours=6, minutes=30)
    ) < datetime.timedelta(minutes=1)
    assert incident.time_to_close is None
    client.force_login(users.leader)  # 办结: the leader's sign-off
    step_post(client, incident, "close")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED
    assert abs(incident.time_to_close - datetime.timedelta(days=2, hours=5)) < datetime.timedelta(
        minutes=1
    )

    page = client.get(incident.get_absolute_url()).content.decode()
    assert duration(incident.time_to_response) in page and duration(incident.time_to_close) in page
    assert "2天5小时" in page and "6小时" in page
    steps = WorkflowStep.objects.filter(object_id=incident.pk, workflow="incidents.incident")
    assert list(steps.values_list("transition", flat=True)) == [
        "analyze",
        "handle",
        "respond",
        "close",
    ]
    assert [s.actor for s in steps] == [users.clerk] * 3 + [users.leader]  # 办结 signed off
    client.force_login(users.clerk)
    listing = client.get(reverse("incidents:list")).content.decode()
    assert "2天5小时" in listing
    rows = list(
        load_workbook(
            BytesIO(client.get(reverse("incidents:list") + "?export=xlsx").content)
        ).active.iter_rows(values_only=True)
    )
    header, row = rows[0], rows[1]
    assert row[header.index("办结用时（小时）")] == pytest.approx(53.0, abs=0.1)
    assert row[header.index("首次回应用时（小时）")] == pytest.approx(6.5, abs=0.1)
    # closed incidents are no longer editable
    assert client.get(reverse("incidents:update", args=[incident.pk])).status_code == 404
    assert response.status_code == 200


def test_response_time_cannot_precede_discovery(client, users, tree):
    incident = make_incident(tree.own, users.clerk)
    walk(incident, users.clerk, until="handle")
    client.force_login(users.clerk)
    early = timezone.localtime(incident.discovered_at - datetime.timedelta(hours=1))
    response = step_post(client, incident, "respond", responded_at=early.strftime("%Y-%m-%dT%H:%M"))
    assert "回应时间不能早于发现时间" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.HANDLED


def test_duration_format():
    assert duration(datetime.timedelta(minutes=45)) == "45分钟"
    assert duration(datetime.timedelta(hours=3, minutes=5)) == "3小时5分钟"
    assert duration(datetime.timedelta(days=1, hours=2, minutes=59)) == "1天2小时"
    assert duration(None) == ""


def test_incident_closure_rate_matches_the_records_behind_its_url(client, users, tree):
    def at(day):
        return timezone.make_aware(datetime.datetime(2026, 1, day, 10, 0))

    closed = make_incident(tree.own, users.clerk, title="A 已办结", discovered_at=at(5))
    walk(closed, users.clerk)
    make_incident(tree.own, users.clerk, title="B 未办结", discovered_at=at(6))
    child = make_incident(tree.child, users.clerk, title="C 下级已办结", discovered_at=at(7))
    walk(child, users.clerk)
    outside = make_incident(
        tree.own, users.clerk, title="D 期外", discovered_at=at(1) - datetime.timedelta(days=40)
    )
    walk(outside, users.clerk)
    make_incident(tree.sibling, users.sibling_clerk, title="E 兄弟单位", discovered_at=at(8))
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)

    measure = indicators.measure(
        "incident_closure_rate", {}, user=SYSTEM, unit=tree.own, subtree=True, start=start, end=end
    )
    assert (measure.count, measure.total) == (2, 3)
    client.force_login(users.unit_admin)

    def titles(url):
        response = client.get(url)
        return {i.title for i in response.context["object_list"]}

    assert titles(measure.url) == {"A 已办结", "C 下级已办结"}
    assert titles(measure.url.replace("&status=closed", "")) == {
        "A 已办结",
        "B 未办结",
        "C 下级已办结",
    }
    own = indicators.measure(
        "incident_closure_rate", {}, user=SYSTEM, unit=tree.own, subtree=False, start=start, end=end
    )
    assert (own.count, own.total) == (1, 2)
    assert titles(own.url) == {"A 已办结"}


@pytest.mark.parametrize("query", ["", "?status=open", "?level=major&platform=1&q=食堂"])
def test_list_renders_with_filters(client, users, tree, query):
    make_incident(tree.own, users.clerk)
    client.force_login(users.inspector)
    assert client.get(reverse("incidents:list") + query).status_code == 200
