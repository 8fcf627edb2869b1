"""The hash chain of the operation and login logs, its verification and log retention."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from luoshi.audit import chain
from luoshi.audit.models import LoginLog, OperationLog
from tests.factories import PASSWORD


def sign_ins(client, count):
    for n in range(count):
        client.post(reverse("login"), {"username": "u_clerk", "password": f"wrong-{n}"})


def verify():
    out = StringIO()
    call_command("verify_log_chain", stdout=out)
    return out.getvalue()


def test_rows_are_sealed_when_their_transaction_commits(
    client, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_ins(client, 3)
    rows = list(LoginLog.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == ""
    assert rows[1].prev_hash == rows[0].row_hash and rows[2].prev_hash == rows[1].row_hash
    assert all(len(r.row_hash) == 64 for r in rows)


def test_an_intact_chain_verifies(client, users):
    sign_ins(client, 3)
    output = verify()  # seals the rows written in this test's transaction first
    assert "登录日志：3 条，哈希链完整" in output
    assert "操作日志" in output


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda rows: LoginLog.objects.filter(pk=rows[2].pk).update(ip="10.9.9.9"), "本条被改动"),
        (
            lambda rows: LoginLog.objects.filter(pk=rows[2].pk).update(event="success"),
            "本条被改动",
        ),
        (lambda rows: LoginLog.objects.filter(pk=rows[2].pk).delete(), "第 3 至 3 条缺失"),
        (lambda rows: LoginLog.objects.filter(pk=rows[-1].pk).delete(), "链尾应为第 6 条"),
    ],
)
def test_the_first_broken_row_is_reported(client, users, tamper, reason):
    sign_ins(client, 5)  # five failures and the lock: six rows
    chain.seal(LoginLog)
    tamper(list(LoginLog.objects.order_by("seq")))
    with pytest.raises(CommandError) as error:
        verify()
    assert reason in str(error.value)
    assert "登录日志" in str(error.value)


def test_a_rewritten_row_with_a_recomputed_hash_breaks_the_next_link(client, users):
    sign_ins(client, 4)
    chain.seal(LoginLog)
    row = LoginLog.objects.get(seq=2)
    row.username = "someone_else"
    row.row_hash = chain.row_hash(LoginLog, row, row.prev_hash)
    row.save()
    with pytest.raises(CommandError) as error:
        verify()
    assert "第 3 条" in str(error.value) and "前一条的哈希不符" in str(error.value)


def test_operation_log_rows_are_chained(users):
    chain.seal(OperationLog)
    assert OperationLog.objects.filter(seq__isnull=True).count() == 0
    first = OperationLog.objects.order_by("seq").first()
    OperationLog.objects.filter(pk=first.pk).update(object_repr="改过的对象")
    with pytest.raises(CommandError) as error:
        verify()
    assert f"第 1 条（编号 {first.pk}" in str(error.value)


def test_logs_are_kept_at_least_six_months(client, users, settings):
    settings.LOG_RETENTION_DAYS = 30  # below the legal minimum: six months still apply
    sign_ins(client, 4)
    now = timezone.now()
    ages = [400, 200, 150, 1]  # days, in chain order
    for row, days in zip(LoginLog.objects.order_by("id"), ages, strict=True):
        LoginLog.objects.filter(pk=row.pk).update(time=now - datetime.timedelta(days=days))
    call_command("prune_logs", stdout=None)
    kept = sorted((now - t).days for t in LoginLog.objects.values_list("time", flat=True))
    assert kept == [1, 150]
    assert "登录日志：2 条，哈希链完整" in verify()


def test_the_daily_run_removes_logs_past_the_retention_period(client, users, settings):
    # 参数设置 says 「超过保留期的日志由每日任务清理」: the daily run (the schedules timer's
    # run_schedules) does it, not only the manual prune_logs command.
    settings.LOG_RETENTION_DAYS = 200
    sign_ins(client, 3)
    now = timezone.now()
    for row, days in zip(LoginLog.objects.order_by("id"), [300, 210, 20], strict=True):
        LoginLog.objects.filter(pk=row.pk).update(time=now - datetime.timedelta(days=days))
    out = StringIO()
    call_command("run_schedules", stdout=out)
    kept = sorted((now - t).days for t in LoginLog.objects.values_list("time", flat=True))
    assert kept == [20]
    assert "登录日志：1 条，哈希链完整" in verify()


def test_a_user_with_log_entries_cannot_be_deleted(users, client):
    from django.db.models import ProtectedError

    client.post(reverse("login"), {"username": "u_clerk", "password": PASSWORD})
    with pytest.raises(ProtectedError):
        users.clerk.delete()
