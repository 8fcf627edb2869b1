"""Demo 任务交办 / 信息报送 for the demo district (called at the end of ``build_demo``).

Idempotent: a task is keyed by (issuing unit, title), the schedule by its code and its
monthly tasks by the (schedule, period) constraint; a task is only filled in (submitted,
accepted, returned) in the run that creates it. Dates are relative to ``today``.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from luoshi.core.dates import local_moment
from luoshi.core.workflow import WorkflowStep
from luoshi.evidence.samples import sample_pdf as make_pdf
from luoshi.tasks import services
from luoshi.tasks.models import Frequency, ReportingSchedule, Task, TaskAssignment

DAY = datetime.timedelta(days=1)
MORNING = datetime.time(10)  # the hour the demo dates its records at

# title, issuing unit, recipients, deadline offset from today (days), evidence required,
# requirements, {unit code: plan}; plan = (submitted days after issue or None, outcome)
TASKS = [
    (
        "关于报送2026年上半年意识形态工作责任制落实情况的通知",
        "D00",
        ["D02", "D03", "D04", "D07", "D08"],
        -20,
        True,
        "请各单位对照意识形态工作责任清单，报送上半年落实情况（含专题研究、中心组学习、"
        "分析研判、阵地管理等），附党委（党组）会议纪要等佐证材料。",
        {"D02": (5, "accept"), "D03": (35, "return"), "D07": (9, "accept")},
    ),
    (
        "关于开展意识形态领域风险隐患排查的通知",
        "D00",
        ["D03", "D07"],
        10,
        True,
        "请结合本单位实际，围绕阵地管理、网络舆情、宣讲活动等方面开展风险隐患排查，"
        "填写排查情况表并报送整改措施。",
        {"D07": (3, None)},
    ),
]

RESPONSES = {
    "D02": "上半年部务会专题研究意识形态工作2次，中心组学习6次，开展形势分析研判1次，"
    "阵地检查全覆盖，未发现突出问题。",
    "D03": "局党组专题研究意识形态工作1次，中心组学习5次，组织系统内学校开展意识形态风险排查。",
    "D07": "街道党工委专题研究意识形态工作2次，中心组学习6次，社区宣讲32场，阵地巡查每月1次。",
}

SCHEDULE = {
    "code": "monthly_info",
    "title_template": "{period}意识形态工作信息报送",
    "requirements": "每月25日前报送本月意识形态工作开展情况、主要做法与成效、舆情动态及下月工作安排，"
    "附活动照片或会议纪要。",
    "frequency": Frequency.MONTHLY,
    "due_day": 25,
    "evidence_required": True,
}
SCHEDULE_UNITS = ["D02", "D03", "D07", "D08"]
# per unit: days after the period start of the first submission (None: not submitted)
MONTHLY_PLAN = {"D02": 20, "D03": 27, "D07": 22, "D08": None}


def _pdf(title: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        f"{title[:20]}.pdf",
        make_pdf(["luoshi demo", f"task report {len(text)}"], title),
        "application/pdf",
    )


def _backdate(assignment: TaskAssignment, when: datetime.datetime, steps) -> None:
    TaskAssignment.objects.filter(pk=assignment.pk).update(
        first_submitted_at=when, submitted_at=when
    )
    WorkflowStep.objects.filter(pk__in=[s.pk for s in steps]).update(at=when)


def _fill(task, plan, logins, reviewer, today) -> int:
    reports = 0
    clerks = {u.unit.code: u for u in logins.values() if u.has_perm("tasks.change_taskassignment")}
    for assignment in task.assignments.select_related("unit", "task"):
        code = assignment.unit.code
        offset, outcome = plan.get(code, (None, None))
        clerk = clerks.get(code)
        if offset is None or clerk is None:
            continue
        issued = task.period_start or (task.deadline - datetime.timedelta(days=30))
        when = min(local_moment(issued + offset * DAY, MORNING), timezone.now())
        text = RESPONSES.get(code, "已按要求完成，详见附件。")
        step = services.submit(
            assignment=assignment, user=clerk, response=text, files=[_pdf(task.title, text)]
        )
        _backdate(assignment, when, [step])
        reports += 1
        assignment.refresh_from_db()
        review_at = min(when + 2 * DAY, timezone.now())
        if outcome == "accept":
            step = services.accept(
                assignment=assignment, user=reviewer, comment="材料齐全，予以采纳。"
            )
        elif outcome == "return":
            step = services.return_submission(
                assignment=assignment, user=reviewer, comment="缺少党组会议纪要，请补充后重新提交。"
            )
        else:
            continue
        WorkflowStep.objects.filter(pk=step.pk).update(at=review_at)
        if outcome == "accept":
            TaskAssignment.objects.filter(pk=assignment.pk).update(accepted_at=review_at)
    return reports


def ensure_tasks(*, today, units, logins, added) -> None:
    issuer, reviewer = logins.get("admin"), logins.get("reviewer")
    if issuer is None or reviewer is None:
        return
    for title, unit_code, recipients, offset, evidence, requirements, plan in TASKS:
        unit = units[unit_code]
        if Task.objects.filter(unit=unit, title=title).exists():
            continue
        task = Task.objects.create(
            unit=unit,
            created_by=issuer,
            title=title,
            requirements=requirements,
            deadline=today + offset * DAY,
            evidence_required=evidence,
        )
        chosen = [units[c] for c in recipients]
        task.recipient_units.set(chosen)
        services._create_assignments(task, chosen, issuer)
        Task.objects.filter(pk=task.pk).update(
            created_at=local_moment(task.deadline - 30 * DAY, MORNING)
        )
        added["tasks"] = added.get("tasks", 0) + 1
        added["task_reports"] = added.get("task_reports", 0) + _fill(
            task, plan, logins, reviewer, today
        )

    schedule = ReportingSchedule.objects.filter(code=SCHEDULE["code"]).first()
    if schedule is None:
        schedule = ReportingSchedule.objects.create(
            unit=units["D00"],
            created_by=issuer,
            starts_on=datetime.date(today.year, 1, 1),
            **SCHEDULE,
        )
        schedule.recipient_units.set([units[c] for c in SCHEDULE_UNITS])
    # the last three months, as the daily job would have issued them
    months = []
    day = today.replace(day=1)
    for _ in range(3):
        months.insert(0, day)
        day = (day - DAY).replace(day=1)
    for start in months:
        run = services.run_schedules(start)
        for task in run.created:
            added["tasks"] = added.get("tasks", 0) + 1
            if start.month == today.month and start.year == today.year:
                continue  # this month's reports are not due yet
            plan = {c: (d, "accept") for c, d in MONTHLY_PLAN.items()}
            added["task_reports"] = added.get("task_reports", 0) + _fill(
                task, plan, logins, reviewer, today
            )
