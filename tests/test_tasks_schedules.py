"""信息报送: periods, the run_schedules command (idempotent), reminders, the daily job."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from luoshi.core.indicators import SYSTEM, measure
from luoshi.notices.models import Notice
from luoshi.tasks import jobs, services
from luoshi.tasks.models import Frequency, ReportingSchedule, Task, TaskAssignment
from luoshi.tasks.periods import period_of
from tests.tasks_support import issue, shift_days, task_world

D = datetime.date


@pytest.fixture
def world(tree, users):
    return task_world(tree, users)


@pytest.fixture
def monthly(world):
    schedule = ReportingSchedule.objects.create(
        unit=world.tree.own,
        created_by=world.issuer,
        code="monthly_info",
        title_template="{period}意识形态工作信息报送",
        requirements="报送本月意识形态工作开展情况、舆情动态和下月工作安排。",
        frequency=Frequency.MONTHLY,
        due_day=25,
        evidence_required=False,
        starts_on=D(2026, 1, 1),
        subtree_root=world.tree.own,
    )
    return schedule


def _run(day):
    out = StringIO()
    call_command("run_schedules", "--date", day.isoformat(), stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "frequency,day,key,label,start,end",
    [
        (Frequency.MONTHLY, D(2026, 2, 14), "2026-02", "2026年2月", D(2026, 2, 1), D(2026, 2, 28)),
        (
            Frequency.QUARTERLY,
            D(2026, 5, 2),
            "2026-Q2",
            "2026年第二季度",
            D(2026, 4, 1),
            D(2026, 6, 30),
        ),
        (
            Frequency.HALF_YEARLY,
            D(2026, 7, 1),
            "2026-H2",
            "2026年下半年",
            D(2026, 7, 1),
            D(2026, 12, 31),
        ),
        (Frequency.YEARLY, D(2026, 3, 9), "2026", "2026年", D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_periods(frequency, day, key, label, start, end):
    period = period_of(frequency, day)
    assert (period.key, period.label, period.start, period.end) == (key, label, start, end)


def test_due_day_is_clamped_to_the_month():
    assert period_of(Frequency.MONTHLY, D(2026, 2, 3)).due(31) == D(2026, 2, 28)
    assert period_of(Frequency.QUARTERLY, D(2026, 1, 3)).due(20) == D(2026, 3, 20)


def test_monthly_schedule_run_for_three_months_creates_three_tasks_per_unit(monthly, world):
    for month in (1, 2, 3):
        output = _run(D(2026, month, 1))
        assert "下发任务 1 个（2 个单位）" in output
        _run(D(2026, month, 15))  # a daily cron later in the month: nothing new
    assert Task.objects.filter(schedule=monthly).count() == 3
    for unit in (world.news, world.theory):
        assert TaskAssignment.objects.filter(unit=unit, task__schedule=monthly).count() == 3
    titles = sorted(Task.objects.values_list("title", flat=True))
    assert titles[0] == "2026年1月意识形态工作信息报送"
    assert Task.objects.get(period_key="2026-02").deadline == D(2026, 2, 25)
    assert not TaskAssignment.objects.filter(unit=world.tree.own).exists()  # not to itself

    # running the same three months again creates nothing
    before = (Task.objects.count(), TaskAssignment.objects.count(), Notice.objects.count())
    for month in (1, 2, 3):
        assert "下发任务 0 个" in _run(D(2026, month, 2))
    assert (Task.objects.count(), TaskAssignment.objects.count(), Notice.objects.count()) == before


def test_schedules_respect_start_date_and_active_flag(monthly):
    assert services.run_schedules(D(2025, 12, 31)).tasks == 0  # before starts_on
    monthly.is_active = False
    monthly.save()
    assert services.run_schedules(D(2026, 1, 5)).tasks == 0


def test_reminders_before_and_after_the_deadline_are_not_repeated(world):
    task = issue(world, evidence_required=False, deadline=D(2026, 5, 20))
    Notice.objects.all().delete()  # the "new task" notices
    # too early: nothing
    assert services.send_reminders(D(2026, 5, 10)).upcoming == 0
    # three days before: each unit's clerk once, however often the job runs
    assert services.send_reminders(D(2026, 5, 17)).upcoming == 2
    assert services.send_reminders(D(2026, 5, 17)).upcoming == 0
    assert services.send_reminders(D(2026, 5, 18)).upcoming == 0
    reminder = Notice.objects.get(recipient=world.news_clerk, kind=Notice.Kind.REMINDER)
    assert "2026-05-20" in reminder.title and "还有 3 天" in reminder.title
    # 新闻科 submits; after the deadline only 理论科 is overdue — once; the issuer hears once
    news = TaskAssignment.objects.get(task=task, unit=world.news)
    services.submit(assignment=news, user=world.news_clerk, response="已报送")
    result = services.send_reminders(D(2026, 5, 21))
    assert (result.overdue, result.issuers) == (1, 1)
    assert services.send_reminders(D(2026, 5, 22)).overdue == 0
    assert (
        Notice.objects.filter(kind=Notice.Kind.OVERDUE, recipient=world.theory_clerk).count() == 1
    )
    assert not Notice.objects.filter(kind=Notice.Kind.OVERDUE, recipient=world.news_clerk).exists()
    issuer_notice = Notice.objects.get(recipient=world.issuer, kind=Notice.Kind.OVERDUE)
    assert "1 个单位逾期未报" in issuer_notice.title


def test_days_before_is_configurable(world, settings):
    settings.TASK_REMIND_DAYS_BEFORE = 5
    issue(world, evidence_required=False, deadline=D(2026, 5, 20))
    assert services.send_reminders(D(2026, 5, 15)).upcoming == 2


def test_task_series_indicator(monthly, world):
    for month in (1, 2, 3):
        services.run_schedules(D(2026, month, 1))
    tasks = list(Task.objects.filter(schedule=monthly).order_by("deadline"))
    # 新闻科: on time in January and February, late in March (submitted after the 25th)
    for task in tasks:
        assignment = TaskAssignment.objects.get(task=task, unit=world.news)
        services.submit(assignment=assignment, user=world.news_clerk, response="已报送")
    shift_days(tasks[0], 0)
    TaskAssignment.objects.filter(task=tasks[2], unit=world.news).update(
        first_submitted_at=datetime.datetime(2026, 3, 27, 9, tzinfo=datetime.UTC)
    )
    TaskAssignment.objects.filter(task__in=tasks[:2], unit=world.news).update(
        first_submitted_at=datetime.datetime(2026, 1, 20, 9, tzinfo=datetime.UTC)
    )
    result = measure(
        "task_series",
        {"schedule": "monthly_info"},
        user=SYSTEM,
        unit=world.news,
        subtree=False,
        start=D(2026, 1, 1),
        end=D(2026, 3, 31),
    )
    assert (result.count, result.total) == (2, 3)
    assert result.url.startswith(reverse("tasks:assignments"))
    subtree = measure(
        "task_series",
        {"schedule": "monthly_info"},
        user=SYSTEM,
        unit=world.tree.own,
        subtree=True,
        start=D(2026, 1, 1),
        end=D(2026, 3, 31),
    )
    assert (subtree.count, subtree.total) == (2, 6)


def test_the_indicator_link_lists_exactly_its_records(client, monthly, world):
    services.run_schedules(D(2026, 1, 1))
    result = measure(
        "task_series",
        {"schedule": "monthly_info"},
        user=SYSTEM,
        unit=world.theory,
        subtree=False,
        start=D(2026, 1, 1),
        end=D(2026, 1, 31),
    )
    client.force_login(world.issuer)
    page = client.get(result.total_url)
    assert [a.unit for a in page.context["object_list"]] == [world.theory]
    assert result.total == 1


def test_schedule_pages(client, world):
    client.force_login(world.issuer)
    response = client.post(
        reverse("tasks:schedule_create"),
        {
            "unit": world.tree.own.pk,
            "code": "quarterly_report",
            "title_template": "{period}意识形态工作情况报告",
            "requirements": "季度末报送。",
            "frequency": "quarterly",
            "due_day": "20",
            "evidence_required": "on",
            "starts_on": "2026-01-01",
            "is_active": "on",
            "subtree_root": world.tree.own.pk,
            "direct_only": "on",
        },
        follow=True,
    )
    assert "报送计划已保存" in response.content.decode()
    schedule = ReportingSchedule.objects.get(code="quarterly_report")
    assert schedule.created_by == world.issuer
    assert "quarterly_report" in client.get(reverse("tasks:schedules")).content.decode()
    response = client.post(
        reverse("tasks:schedule_create"),
        {
            "unit": world.tree.own.pk,
            "code": "x",
            "title_template": "没有周期",
            "frequency": "monthly",
            "due_day": "40",
            "requirements": "-",
            "starts_on": "2026-01-01",
        },
    )
    html = response.content.decode()
    assert "标题模板须包含 {period}" in html and "截止日须在 1 到 31 之间" in html
    client.force_login(world.users.sibling_clerk)
    assert client.get(reverse("tasks:schedule_update", args=[schedule.pk])).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_daily_job_through_django_tasks(transactional_db, monthly, world):
    """The worker's job does what the command does; with the database backend it is
    stored, picked up by ``db_worker`` and queued again for the next morning (once).
    (Transactional: the worker manages its own connections and transactions.)"""
    from django.tasks import task_backends
    from django_tasks_db.models import DBTaskResult

    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    result = jobs.daily_job.enqueue(date="2026-01-01")
    assert DBTaskResult.objects.filter(pk=result.id, status="READY").exists()
    assert not Task.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    assert Task.objects.filter(schedule=monthly, period_key="2026-01").count() == 1

    # make run: the self-rescheduling chain is queued once, however often it starts
    first = jobs.enqueue_daily()
    assert first is not None and jobs.enqueue_daily() is None
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_daily_job_with_the_immediate_backend(monthly, settings):
    """TASKS_BACKEND=immediate: no worker, the job runs at once (cron drives the command)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    result = jobs.enqueue_daily()
    assert result.status == "SUCCESSFUL" and result.return_value["tasks"] == 1
    assert Task.objects.filter(schedule=monthly).count() == 1
