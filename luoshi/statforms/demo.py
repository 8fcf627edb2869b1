"""Demo 统计报表: the quarterly 意识形态工作统计表 区委宣传部 sends to every 乡镇/街道 and 部门,
filled for the past quarters of the year (some late, one returned), this quarter open.

Idempotent: the form is keyed by its code, a quarter's task by (form, 统计期); a quarter is
filled only in the run that issues it. The district's units outside 区委宣传部's subtree
receive the form as the 意识形态工作领导小组办公室's business line (the tasks demo creates its
assignments the same way); units without a demo clerk get a 统计联络员 without a password.
"""

from __future__ import annotations

import datetime

from django.db.models import Sum
from django.utils import timezone

from luoshi.accounts.models import Role, User
from luoshi.core.dates import local_moment
from luoshi.core.workflow import WorkflowStep
from luoshi.statforms import services
from luoshi.statforms.models import FormField, FormTask, StatForm
from luoshi.tasks import services as task_services
from luoshi.tasks.models import Frequency, Task, TaskAssignment
from luoshi.tasks.periods import period_of
from luoshi.units.models import UnitYearStat

CODE = "ideology_quarterly"
TITLE = "意识形态工作统计表"
RECIPIENTS = ["D01", "D03", "D04", "D05", "D06", "D07", "D08", "D09", "D10"]
TOWNS = {"D07", "D08", "D09", "D10"}
FIELDS = [
    dict(code="members", label="党员总数", kind="integer", measure="人", figure="party_members",
         help_text="本单位及所属党组织党员人数"),
    dict(code="downloads", label="党员下载学习强国人数", kind="integer", measure="人",
         figure="xxqg_downloads"),
    dict(code="rate", label="党员下载率", kind="percent", measure="%", numerator="downloads",
         denominator="members", required=False, help_text="可不填，由系统按下载人数÷党员总数核对"),
    dict(code="study", label="理论学习中心组学习", kind="integer", measure="次",
         metric_key="ledger_count", metric_params={"activity_type": "study_group"}),
    dict(code="talks", label="理论宣讲", kind="integer", measure="场",
         metric_key="ledger_count", metric_params={"activity_type": "outreach_talk"}),
    dict(code="volunteers", label="登记在册志愿者", kind="integer", measure="人", figure="volunteers"),
    dict(code="good_people", label="上报“好人”", kind="integer", measure="人", required=False),
    dict(code="boards", label="宣传栏", kind="integer", measure="块", figure="boards",
         max_value=1000),
    dict(code="stations", label="新时代文明实践站", kind="integer", measure="个",
         figure="civic_stations"),
    dict(code="covered", label="文明实践站是否全覆盖", kind="choice", choices="是\n否"),
    dict(code="activities", label="本季度重点活动", kind="table", required=False,
         columns="name|活动名称|text\nday|日期|date\npeople|参与人数|integer"),
]  # fmt: skip
RULES = [
    ("downloads <= members", "党员下载学习强国人数不能超过党员总数"),
    ("volunteers >= 0", "志愿者人数不能为负数"),
]
# (quarter index, unit code): days after the deadline of the first submission (late)
LATE = {(1, "D05"): 6, (2, "D08"): 9, (2, "D01"): 3}
RETURNED = (2, "D09")  # returned in the third quarter, not yet resubmitted
DAY = datetime.timedelta(days=1)
MORNING = datetime.time(10)  # the hour the demo dates its records at


def _form(issuer, unit) -> StatForm:
    form = StatForm.objects.filter(code=CODE).first()
    if form is not None:
        return form
    form = services.create_form(
        unit=unit,
        user=issuer,
        code=CODE,
        title=TITLE,
        description="请各单位于每季度结束后10日内填报本季度意识形态工作主要数据，"
        "数据以本单位台账为准；系统已根据台账预填的项目如需修改请说明理由。",
    )
    version = form.versions.get()
    for spec in FIELDS:
        services.save_field(version=version, user=issuer, field=FormField(**spec))
    for expression, message in RULES:
        services.save_rule(version=version, user=issuer, expression=expression, message=message)
    services.publish(version=version, user=issuer)
    return form


def _fillers(units, logins) -> dict:
    clerk_role = Role.objects.get(code="clerk")
    fillers = {u.unit.code: u for u in logins.values() if u.has_perm("statforms.change_submission")}
    for code in RECIPIENTS:
        if code not in fillers:
            user, created = User.objects.get_or_create(
                username=f"tj_{code.lower()}",
                defaults={
                    "full_name": f"{units[code].name}统计联络员",
                    "title": "统计联络员",
                    "unit": units[code],
                },
            )
            if created:
                user.set_unusable_password()
                user.save()
                user.groups.add(clerk_role)
            fillers[code] = User.objects.get(pk=user.pk)  # fresh permission cache
    return fillers


def _members(unit, year: int) -> int:
    stats = UnitYearStat.objects.filter(unit__path__startswith=unit.path, year=year)
    return stats.aggregate(n=Sum("party_members"))["n"] or 40


def _values(unit, code: str, quarter: int, known: dict, form_task: FormTask) -> dict:
    members = _members(unit, form_task.period_end.year)
    day = form_task.period_start + (20 + len(code) * 3) * DAY
    share = min(0.55 + 0.06 * quarter + (len(unit.name) % 5) * 0.03, 0.93)
    downloads = int(members * share)
    town = code in TOWNS
    communities = type(unit).objects.get_children(unit).count() if town else 0
    values = {
        "members": str(members),
        "downloads": str(downloads),
        "rate": f"{downloads * 100 / members:.2f}",
        "study": known.get("study", "1"),
        "talks": known.get("talks", "0"),
        "volunteers": str(members * 2 + 15 * quarter if town else members // 3),
        "good_people": str(2 + quarter) if town else "",
        "boards": str(30 + 4 * communities + quarter if town else 3 + quarter % 2),
        "stations": str(communities + 1 if town else 0),
        "covered": "是" if town and quarter > 0 else "否",
        "activities": [
            {
                "name": "“学习强国”学习达人评选",
                "day": f"{day:%Y-%m-%d}",
                "people": str(20 + 5 * quarter),
            },
        ],
    }
    return values


def _issue(form, period, issuer, units, today) -> FormTask:
    deadline = period.end + 10 * DAY
    task = Task.objects.create(
        unit=form.unit,
        created_by=issuer,
        title=f"关于报送{period.label}{TITLE}的通知",
        requirements=form.description,
        deadline=deadline,
        evidence_required=False,
        period_key=period.key,
        period_start=period.start,
        period_end=period.end,
    )
    recipients = [units[c] for c in RECIPIENTS]
    task.recipient_units.set(recipients)
    task_services._create_assignments(task, recipients, issuer)
    Task.objects.filter(pk=task.pk).update(
        created_at=local_moment(min(period.end + DAY, today), MORNING)
    )
    return FormTask.objects.create(
        task=task,
        version=form.latest_published(),
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
    )


def _fill(form_task, quarter: int, fillers, reviewer, finished: bool) -> int:
    filled = 0
    for assignment in form_task.task.assignments.select_related("unit", "task"):
        code = assignment.unit.code
        if not finished and code not in ("D07", "D03"):
            continue  # this quarter: two units have reported so far
        filler = fillers[code]
        submission = services.ensure_submission(assignment, filler)
        values = _values(assignment.unit, code, quarter, submission.prefilled, form_task)
        step = services.submit(submission=submission, user=filler, values=values, reasons={})
        deadline = form_task.task.deadline
        days = LATE.get((quarter, code), -(3 + len(code) % 4))  # late, else a few days early
        when = min(local_moment(deadline + days * DAY, MORNING), timezone.now())
        TaskAssignment.objects.filter(pk=assignment.pk).update(
            first_submitted_at=when, submitted_at=when
        )
        WorkflowStep.objects.filter(pk=step.pk).update(at=when)
        filled += 1
        if not finished:
            continue
        submission.refresh_from_db()
        submission.assignment.refresh_from_db()
        if (quarter, code) == RETURNED:
            step = services.return_submission(
                submission=submission,
                user=reviewer,
                field_reasons={"downloads": "下载人数较上季度变化较大，请与学习强国后台数据核对"},
            )
        else:
            step = services.accept(submission=submission, user=reviewer, comment="数据已核对。")
        WorkflowStep.objects.filter(pk=step.pk).update(at=min(when + 2 * DAY, timezone.now()))
    return filled


def ensure_statforms(*, today, units, logins, added) -> None:
    issuer = logins.get("xcb_admin")
    if issuer is None:
        return
    form = _form(issuer, units["D02"])
    fillers = _fillers(units, logins)
    current = period_of(Frequency.QUARTERLY, today)
    quarter_starts = [datetime.date(today.year, m, 1) for m in (1, 4, 7, 10)]
    for index, start in enumerate(quarter_starts):
        if start > today:
            break
        period = period_of(Frequency.QUARTERLY, start)
        if FormTask.objects.filter(version__form=form, period_end=period.end).exists():
            continue
        form_task = _issue(form, period, issuer, units, today)
        added["task_reports"] = added.get("task_reports", 0) + _fill(
            form_task, index, fillers, issuer, finished=period != current
        )
