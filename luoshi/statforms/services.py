"""Writes of 统计报表. Designing changes only draft versions; filling and reviewing go through
the task's workflow (``luoshi.tasks.services``), so reminders, on-time rate, notices and the
step history are the task's own."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.core import metrics
from luoshi.core.scope import in_write_scope
from luoshi.core.workflow import WorkflowError
from luoshi.duty.pack_format import PackError, PackIssue
from luoshi.statforms.expressions import RuleError, parse_rule
from luoshi.statforms.models import (
    FieldKind,
    FigureValue,
    FormField,
    FormRule,
    FormSchedule,
    FormTask,
    FormVersion,
    StatForm,
    Submission,
    VersionStatus,
)
from luoshi.statforms.values import Checked, check, plain
from luoshi.statforms.yaml_format import parse_form
from luoshi.tasks import services as task_services
from luoshi.tasks.models import ReportingSchedule, Task, TaskAssignment
from luoshi.tasks.workflow import ASSIGNMENT


class FormInvalid(Exception):
    """A filled form refused: ``checked.errors`` by field, nothing written."""

    def __init__(self, checked: Checked):
        super().__init__(_("填报内容有误"))
        self.checked = checked


# ---------------------------------------------------------------------------------------------
# Designing


def _writable_form(form: StatForm, user) -> None:
    if not in_write_scope(user, form):
        raise Http404


def editable_version(version: FormVersion, user) -> FormVersion:
    """The draft ``user`` may change; a published version never changes."""
    _writable_form(version.form, user)
    if version.is_published:
        raise WorkflowError(_("已发布的版本不能修改：请新建版本后修改。"))
    return version


@transaction.atomic
def create_form(*, unit, user, code: str, title: str, description: str = "") -> StatForm:
    form = StatForm.objects.create(
        unit=unit, created_by=user, code=code, title=title, description=description
    )
    FormVersion.objects.create(form=form, number=1)
    return form


def save_field(*, version: FormVersion, user, field: FormField) -> FormField:
    editable_version(version, user)
    field.version = version
    if field.pk is None and not field.order:
        field.order = (version.fields.aggregate(m=Max("order"))["m"] or 0) + 10
    field.save()
    return field


def delete_field(*, field: FormField, user) -> None:
    editable_version(field.version, user)
    field.delete()


def save_rule(*, version: FormVersion, user, expression: str, message: str) -> FormRule:
    editable_version(version, user)
    codes = set(version.fields.values_list("code", flat=True))
    try:
        parse_rule(expression, codes)
    except RuleError as error:
        raise ValidationError({"expression": str(error)}) from error
    return FormRule.objects.create(version=version, expression=expression, message=message)


def delete_rule(*, rule: FormRule, user) -> None:
    editable_version(rule.version, user)
    rule.delete()


def publish(*, version: FormVersion, user) -> FormVersion:
    editable_version(version, user)
    fields = list(version.fields.all())
    if not fields:
        raise WorkflowError(_("请至少添加一个统计项后再发布。"))
    problems = design_problems(version, fields)
    if problems:
        raise WorkflowError(_("不能发布：") + "；".join(problems))
    updated = FormVersion.objects.filter(pk=version.pk, status=VersionStatus.DRAFT).update(
        status=VersionStatus.PUBLISHED, published_at=timezone.now(), published_by=user
    )
    if not updated:
        raise WorkflowError(_("该版本已发布。"))
    version.refresh_from_db()
    return version


def design_problems(version: FormVersion, fields: list[FormField]) -> list[str]:
    """What makes a version unfit to publish: a rule or a rate naming a field not there."""
    codes = {f.code for f in fields}
    problems = []
    for rule in version.rules.all():
        try:
            parse_rule(rule.expression, codes)
        except RuleError as error:
            problems.append(f"{rule.expression}：{error}")
    for item in fields:
        for other in (item.numerator, item.denominator):
            if other and other not in codes:
                problems.append(
                    _("「%(label)s」的分子/分母「%(code)s」不是本表字段")
                    % {"label": item.label, "code": other}
                )
        if item.metric_key and not metrics.is_registered(item.metric_key):
            problems.append(
                _("「%(label)s」的预填指标「%(key)s」不存在")
                % {"label": item.label, "key": item.metric_key}
            )
    return problems


@transaction.atomic
def new_version(*, form: StatForm, user) -> FormVersion:
    """The draft to edit: the existing one, or a copy of the latest published version."""
    _writable_form(form, user)
    draft = form.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    latest = form.versions.order_by("-number").first()
    assert latest is not None  # a form is created with its first version
    version = FormVersion.objects.create(form=form, number=latest.number + 1)
    copy_fields(latest, version)
    return version


def copy_fields(source: FormVersion, target: FormVersion) -> None:
    for item in source.fields.all():
        item.pk, item.id, item.version = None, None, target
        item._state.adding = True
        item.save()
    for rule in source.rules.all():
        FormRule.objects.create(version=target, expression=rule.expression, message=rule.message)


# ---------------------------------------------------------------------------------------------
# Issuing


@transaction.atomic
def issue(*, form, user, version: FormVersion, period) -> FormTask:
    """Issue a form task through the task mechanism: one assignment per recipient unit."""
    if not version.is_published or not FormVersion.objects.for_user(user).filter(pk=version.pk):
        raise Http404
    form.instance.evidence_required = False
    task = task_services.issue_task(form=form, user=user)
    return FormTask.objects.create(
        task=task,
        version=version,
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
    )


def attach_to_scheduled(task: Task) -> FormTask | None:
    """A task issued by a form schedule is a form task of the form's latest published version."""
    link = getattr(task.schedule, "statform", None) if task.schedule_id else None
    version = link.form.latest_published() if link is not None else None
    if version is None or task.period_start is None or task.period_end is None:
        return None
    return FormTask.objects.get_or_create(
        task=task,
        defaults={
            "version": version,
            "period_label": task.title.replace(str(task.schedule), "").strip() or task.period_key,
            "period_start": task.period_start,
            "period_end": task.period_end,
        },
    )[0]


# ---------------------------------------------------------------------------------------------
# Filling


def may_fill(submission: Submission, user) -> bool:
    """The recipient's staff, while the assignment may be (re)submitted."""
    steps = ASSIGNMENT.available_names(submission.assignment, user)
    return bool(steps & {"submit", "resubmit"}) and in_write_scope(user, submission.assignment)


def prefill(form_task: FormTask, unit, user) -> dict:
    """{field code: value} of the fields the records already know, for the task's period."""
    known = {}
    for item in form_task.version.fields.exclude(metric_key=""):
        if not metrics.is_registered(item.metric_key):
            continue
        value = metrics.value(
            item.metric_key,
            user=user,
            unit=unit,
            subtree=False,
            start=form_task.period_start,
            end=form_task.period_end,
            params=item.metric_params or None,
        )
        number = value.number
        if number is not None:
            known[item.code] = plain(number)
    return known


def ensure_submission(assignment: TaskAssignment, user) -> Submission:
    """The assignment's submission, made (with the pre-filled values) when first opened."""
    submission = Submission.objects.filter(assignment=assignment).first()
    if submission is not None:
        return submission
    form_task = assignment.task.statform
    known = prefill(form_task, assignment.unit, user)
    submission, _created = Submission.objects.get_or_create(
        assignment=assignment,
        defaults={
            "form_task": form_task,
            "unit": assignment.unit,
            "created_by": user,
            "prefilled": known,
            "values": dict(known),
        },
    )
    return submission


def submission_for(assignment: TaskAssignment, user) -> Submission:
    """The assignment's submission; made (pre-filled) only by whoever may fill it — a reader
    from the issuing side gets an unsaved empty one and writes nothing by looking."""
    existing = Submission.objects.filter(assignment=assignment).first()
    if existing is not None:
        return existing
    blank = Submission(
        assignment=assignment, form_task=assignment.task.statform, unit=assignment.unit
    )
    return ensure_submission(assignment, user) if may_fill(blank, user) else blank


def _claim(submission: Submission, user) -> None:
    if not may_fill(submission, user):
        raise WorkflowError(_("当前状态下不能修改填报内容。"))


def check_only(*, submission: Submission, values: dict, reasons: dict) -> Checked:
    version = submission.form_task.version
    return check(version, values, prefilled=submission.prefilled, reasons=reasons)


def save_draft(*, submission: Submission, user, values: dict, reasons: dict, source="web"):
    """暂存: keep what is typed, checked or not (the page shows the problems)."""
    _claim(submission, user)
    Submission.objects.filter(pk=submission.pk).update(
        values=values, reasons=reasons, source=source, saved_at=timezone.now()
    )
    submission.refresh_from_db()
    return check(
        submission.form_task.version, values, prefilled=submission.prefilled, reasons=reasons
    )


def submit(*, submission: Submission, user, values: dict, reasons: dict, source="web"):
    """Check everything; refused → ``FormInvalid`` and nothing written; else the figures
    are written and the task's submit (or resubmit) step taken."""
    _claim(submission, user)
    version = submission.form_task.version
    fields = list(version.fields.all())
    checked = check(version, values, prefilled=submission.prefilled, reasons=reasons, fields=fields)
    if not checked.ok:
        raise FormInvalid(checked)
    with transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(
            values=values, reasons=reasons, source=source, saved_at=timezone.now()
        )
        submission.refresh_from_db()
        _write_figures(submission, fields, checked.numbers)
        step = task_services.submit(
            assignment=submission.assignment, user=user, response=summary(fields, values)
        )
    return step


def summary(fields: list[FormField], values: dict) -> str:
    """The task's 办理情况: the filled figures in one line."""
    parts = []
    for item in fields:
        if item.kind == FieldKind.TABLE:
            rows = [
                r for r in values.get(item.code) or [] if any(str(v).strip() for v in r.values())
            ]
            parts.append(_("%(label)s %(n)d 行") % {"label": item.label, "n": len(rows)})
        elif str(values.get(item.code, "")).strip():
            parts.append(
                f"{item.label} {values[item.code]}{item.measure if item.measure != '%' else '%'}"
            )
    return _("已填报统计表：") + "；".join(parts)


def _write_figures(submission: Submission, fields, numbers: dict[str, Decimal]) -> None:
    form_task = submission.form_task
    FigureValue.objects.filter(submission=submission).delete()
    FigureValue.objects.bulk_create(
        FigureValue(
            submission=submission,
            unit_id=submission.unit_id,
            created_by=submission.created_by,
            form_id=form_task.version.form_id,
            field_code=item.code,
            label=item.label,
            figure=item.figure,
            number=numbers[item.code],
            period_end=form_task.period_end,
        )
        for item in fields
        if item.code in numbers
    )


# ---------------------------------------------------------------------------------------------
# Reviewing


def return_submission(*, submission: Submission, user, field_reasons: dict, comment: str = ""):
    """退回 with a reason per field; the reasons are shown beside the fields to correct."""
    labels = {f.code: f.label for f in submission.form_task.version.fields.all()}
    reasons = {
        code: text.strip()
        for code, text in field_reasons.items()
        if code in labels and text.strip()
    }
    lines = [f"{labels[code]}：{text}" for code, text in reasons.items()]
    if comment.strip():
        lines.append(comment.strip())
    if not lines:
        raise WorkflowError(_("退回时请至少对一项写明理由。"))
    with transaction.atomic():
        step = task_services.return_submission(
            assignment=submission.assignment, user=user, comment="；".join(lines)
        )
        Submission.objects.filter(pk=submission.pk).update(returned_fields=reasons)
    return step


def accept(*, submission: Submission, user, comment: str = ""):
    with transaction.atomic():
        step = task_services.accept(assignment=submission.assignment, user=user, comment=comment)
        Submission.objects.filter(pk=submission.pk).update(returned_fields={})
    return step


# ---------------------------------------------------------------------------------------------
# Schedules and YAML


@transaction.atomic
def save_schedule(*, form, user, stat_form: StatForm) -> ReportingSchedule:
    """A reporting schedule whose every task is ``stat_form`` (no evidence: the form is it)."""
    if not in_write_scope(user, stat_form) or stat_form.latest_published() is None:
        raise Http404
    form.instance.evidence_required = False
    schedule = task_services.save_schedule(form=form, user=user)
    FormSchedule.objects.update_or_create(schedule=schedule, defaults={"form": stat_form})
    return schedule


@transaction.atomic
def import_form(*, text: str, unit, user, file: str) -> FormVersion:
    """A form from YAML: a new form, or the next draft of the user's form of that code."""
    spec = parse_form(text, file)
    form = StatForm.objects.filter(code=spec["code"]).first()
    if form is None:
        if not in_write_scope(user, unit):
            raise Http404
        form = create_form(
            unit=unit, user=user, code=spec["code"], title=spec["title"],
            description=spec["description"],
        )  # fmt: skip
        version = form.versions.get()
    elif not in_write_scope(user, form):
        message = _("编码「%(code)s」已被其他单位的统计表使用") % {"code": spec["code"]}
        raise PackError([PackIssue(file, 1, message)])
    else:
        version = new_version(form=form, user=user)
        version.fields.all().delete()
        version.rules.all().delete()
    for index, item in enumerate(spec["fields"], start=1):
        item.version, item.order = version, index * 10
        item.save()
    for expression, message in spec["rules"]:
        FormRule.objects.create(version=version, expression=expression, message=message)
    return version
