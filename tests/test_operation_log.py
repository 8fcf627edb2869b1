"""The operation log reads like a clerk's record: every workflow step and every change, in
words (labels, 是/否, names, dates), searchable by object, unit, person and date, within the
reader's data scope, and still a sealed hash chain."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from luoshi.accounts.models import User
from luoshi.audit import chain
from luoshi.audit.models import OperationLog
from luoshi.tasks import services as task_services
from luoshi.tasks.models import Task
from luoshi.units import services as unit_services
from tests.factories import LedgerRecordFactory, make_unit
from tests.tasks_support import issue, task_world

RAW = ("False", "True", "zh-hans", "zh-hant", "→")


def _entries(obj):
    return OperationLog.objects.filter(model_label=obj._meta.label_lower, object_id=str(obj.pk))


def _sentences(obj) -> list[str]:
    return [e.sentence for e in _entries(obj).order_by("id")]


def test_a_returned_submission_is_logged_with_who_what_and_why(tree, users):
    world = task_world(tree, users)
    task = issue(world, evidence_required=False)
    assignment = task.assignments.get(unit=world.news)
    task_services.submit(assignment=assignment, user=world.news_clerk, response="已学习。")
    task_services.return_submission(
        assignment=assignment, user=world.issuer, comment="缺少会议纪要"
    )

    sentences = _sentences(assignment)
    returned = next(s for s in sentences if "退回" in s)
    assert returned.startswith(f"{world.issuer} 于 ")
    assert f"《{assignment}》退回，理由：缺少会议纪要" in returned
    assert any(f"{world.news_clerk} 于 " in s and "提交" in s for s in sentences)
    step = _entries(assignment).get(verb="退回")
    assert step.action == OperationLog.Action.STEP
    assert step.unit_id == world.news.pk
    assert step.changes[0]["new"] == "已退回" or "退回" in step.changes[0]["new"]
    issued = _entries(task).get(action=OperationLog.Action.CREATE)
    assert issued.verb == "下发" and "下发交办任务《报送学习贯彻情况》" in issued.sentence


def test_changes_show_labels_yes_no_names_and_dates(tree, users):
    world = task_world(tree, users)
    task = issue(world)
    task.evidence_required = False
    task.deadline = datetime.date(2026, 12, 31)
    task.save()
    entry = _entries(task).filter(action=OperationLog.Action.UPDATE).get()
    assert {"field": "须附佐证材料", "old": "是", "new": "否"} in entry.changes
    assert any(c["field"] == "截止日期" and c["new"] == "2026-12-31" for c in entry.changes)

    users.clerk.language = "zh-hant"
    users.clerk.save()
    text = _entries(users.clerk).filter(action="~").order_by("id").last().sentence
    assert "界面语言由「简体中文」改为「繁體中文」" in text
    record = LedgerRecordFactory(unit=tree.own, created_by=users.clerk)
    record.unit = tree.child
    record.save()
    text = _entries(record).filter(action="~").order_by("id").last().sentence
    assert "单位由「区委宣传部」改为「新闻科」" in text
    assert not any(raw in text for raw in RAW)


def test_a_unit_move_shows_in_the_units_own_history(client, tree, users):
    unit_services.move_unit(unit=tree.child, new_parent=tree.sibling)
    client.force_login(User.objects.get(username="u_admin"))
    page = client.get(reverse("units:detail", args=[tree.child.pk])).content.decode()
    assert "上级单位由「区委宣传部」改为「区教育局」" in page


def test_the_log_is_read_within_the_readers_scope(client, tree, users):
    own = LedgerRecordFactory(unit=tree.own, title="本单位的学习", created_by=users.clerk)
    other = LedgerRecordFactory(unit=tree.sibling, title="兄弟单位的学习")
    assert _entries(own).exists() and _entries(other).exists()
    client.force_login(User.objects.get(username="u_unit_admin"))
    page = client.get(reverse("audit:operations")).content.decode()
    assert "本单位的学习" in page and "兄弟单位的学习" not in page
    own_log = client.get(reverse("audit:object", args=["ledger.ledgerrecord", own.pk]))
    assert own_log.status_code == 200 and "本单位的学习" in own_log.content.decode()
    other_log = reverse("audit:object", args=["ledger.ledgerrecord", other.pk])
    assert client.get(other_log).status_code == 404
    client.logout()
    client.force_login(User.objects.get(username="u_admin"))
    assert "兄弟单位的学习" in client.get(reverse("audit:operations")).content.decode()


def test_the_log_is_searched_by_object_person_unit_and_date(client, tree, users):
    world = task_world(tree, users)
    task = issue(world, title="报送意识形态工作总结")
    LedgerRecordFactory(unit=tree.sibling, title="兄弟单位的学习")
    client.force_login(User.objects.get(username="u_admin"))
    url = reverse("audit:operations")
    found = client.get(url, {"model_label": "tasks.task", "q": "意识形态"}).content.decode()
    assert "报送意识形态工作总结" in found and "兄弟单位的学习" not in found
    by_unit = client.get(url, {"unit": tree.sibling.pk}).content.decode()
    assert "兄弟单位的学习" in by_unit and "报送意识形态工作总结" not in by_unit
    by_user = client.get(url, {"user": str(world.issuer)}).content.decode()
    assert "报送意识形态工作总结" in by_user and "兄弟单位的学习" not in by_user
    past = client.get(url, {"date_to": "2000-01-01"}).content.decode()
    assert "报送意识形态工作总结" not in past
    assert task.title in client.get(reverse("tasks:task_detail", args=[task.pk])).content.decode()


def test_each_records_page_links_to_its_operation_record(client, tree, users):
    record = LedgerRecordFactory(unit=tree.own, created_by=users.clerk)
    client.force_login(User.objects.get(username="u_clerk"))
    page = client.get(record.get_absolute_url()).content.decode()
    assert reverse("audit:object", args=["ledger.ledgerrecord", record.pk]) in page
    assert "操作记录" in page


def test_new_fields_are_sealed_and_a_changed_unit_breaks_the_chain(tree, users):
    LedgerRecordFactory(unit=tree.own)
    Task.objects.all().delete()
    chain.seal(OperationLog)
    call_command("verify_log_chain", stdout=open("/dev/null", "w"))  # noqa: SIM115
    entry = OperationLog.objects.exclude(unit=None).order_by("seq").first()
    OperationLog.objects.filter(pk=entry.pk).update(unit=make_unit("别处", "X9"))
    with pytest.raises(CommandError, match="本条被改动"):
        call_command("verify_log_chain", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_tasks_duty_item_is_logged_by_its_name_not_its_code(tree, users):
    from luoshi.duty import services as duty_services
    from luoshi.duty.catalog import item_code_choices
    from luoshi.duty.pack_format import DEFAULT_PACK

    if not item_code_choices():
        duty_services.load_pack_file(DEFAULT_PACK)
    code, name = item_code_choices()[0]
    task = issue(task_world(tree, users))
    task.duty_item_code = code
    task.save()
    text = _entries(task).filter(action="~").order_by("id").last().sentence
    assert f"关联责任项由「空」改为「{name}」" in text, text
    assert "编码" not in text and f"「{code}」" not in text
