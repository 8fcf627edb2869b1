"""Writes of the reports module: create (generate the first draft), save a section,
regenerate, finalize, start a new draft. Every change of text adds a ``ReportVersion``."""

from __future__ import annotations

import datetime
from collections.abc import Set

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from luoshi.core.workflow import WorkflowError
from luoshi.reports import engine, rendering
from luoshi.reports.models import Report, ReportStatus, ReportVersion
from luoshi.reports.workflow import REPORT_FLOW


class ReportError(WorkflowError):
    """A refused change; ``str(error)`` is the Chinese message for the user."""


def _add_version(report, *, content, facts, user, note, base: int | None) -> ReportVersion:
    """The next version; ``base`` is the version the user edited: a later one means someone
    else (or a double submit) saved first, and this change is refused."""
    latest = report.latest_version
    number = (latest.number if latest else 0) + 1
    if base is not None and latest is not None and base != latest.number:
        raise ReportError(
            _("报告已有更新的版本（第%(n)d版），请刷新页面后再修改。") % {"n": latest.number}
        )
    try:
        with transaction.atomic():
            return ReportVersion.objects.create(
                report=report,
                number=number,
                content=content,
                facts=facts,
                created_by=user,
                note=note,
            )
    except IntegrityError as error:
        raise ReportError(_("报告已被他人同时修改，请刷新页面后再试。")) from error


def _generate(unit, year: int, kind: str, **options) -> engine.Draft:
    try:
        return engine.generate(unit, year, kind, **options)
    except engine.NothingToReport as error:
        raise ReportError(str(error)) from error


@transaction.atomic
def create_report(
    *,
    user,
    unit,
    year: int,
    kind: str,
    subtree: bool = False,
    plans_input: str = "",
    today: datetime.date | None = None,
    reader=None,
) -> Report:
    """``reader``: whose scope the figures are counted in (the command line passes
    ``indicators.SYSTEM``); by default the user creating the report. A year (or kind) with
    no records is refused (``ReportError``), nothing is saved."""
    draft = _generate(
        unit,
        year,
        kind,
        user=user if reader is None else reader,
        subtree=subtree,
        plans_input=plans_input,
        today=today,
    )
    report = Report.objects.create(
        unit=unit,
        created_by=user,
        year=year,
        kind=kind,
        subtree=subtree,
        title=draft.title,
        plans_input=plans_input,
    )
    _add_version(
        report, content=draft.content, facts=draft.facts, user=user, note=_("生成初稿"), base=None
    )
    return report


def _editable(report: Report) -> None:
    if report.status != ReportStatus.DRAFT:
        raise ReportError(_("报告已定稿，不能再修改；如需修改请先「另起新稿」。"))


@transaction.atomic
def save_section(report: Report, *, user, key: str, text: str, base: int) -> ReportVersion:
    report = Report.objects.select_for_update().get(pk=report.pk)
    _editable(report)
    latest = report.latest_version
    content = latest.content
    sections = content.get("sections", [])
    section = next((s for s in sections if s["key"] == key), None)
    if section is None:
        raise ReportError(_("找不到要修改的章节。"))
    text = "\n".join(line.rstrip() for line in (text or "").strip().splitlines())
    if not text:
        raise ReportError(_("章节内容不能为空。"))
    if text == section["text"]:
        return latest
    new_sections = [
        {**s, "text": text, "edited": text != s["generated_text"]} if s["key"] == key else s
        for s in sections
    ]
    label = section["heading"] or _("开头")
    return _add_version(
        report,
        content={**content, "sections": new_sections},
        facts=latest.facts,
        user=user,
        note=_("修改「%(s)s」") % {"s": label},
        base=base,
    )


def edited_sections(report: Report) -> list[dict]:
    latest = report.latest_version
    return [s for s in latest.content.get("sections", []) if s.get("edited")] if latest else []


@transaction.atomic
def regenerate(
    report: Report,
    *,
    user,
    overwrite: Set[str] = frozenset(),
    base: int,
    plans_input: str | None = None,
    today: datetime.date | None = None,
) -> tuple[ReportVersion, list[str]]:
    """Recompute from the records. Sections a person edited keep their text unless their
    key is in ``overwrite`` (the user ticked 「将覆盖人工修改的内容」 for each)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _editable(report)
    if plans_input is not None and plans_input != report.plans_input:
        report.plans_input = plans_input
        report.save(update_fields=["plans_input", "updated_at"])
    draft = _generate(
        report.unit,
        report.year,
        report.kind,
        user=user,
        subtree=report.subtree,
        plans_input=report.plans_input,
        today=today,
    )
    content, kept = engine.merge(report.latest_version.content, draft.content, overwrite=overwrite)
    version = _add_version(
        report,
        content=content,
        facts=draft.facts,
        user=user,
        note=_("按最新台账重新生成"),
        base=base,
    )
    return version, kept


def finalize(report: Report, *, user) -> None:
    with transaction.atomic():
        REPORT_FLOW.apply(report, "finalize", user=user)
        ReportVersion.objects.filter(pk=report.latest_version.pk).update(finalized=True)


def reopen(report: Report, *, user, comment: str = "") -> ReportVersion:
    """Start a new draft of a finalized report (who may 定稿, with the reason: logged)."""
    with transaction.atomic():
        REPORT_FLOW.apply(report, "reopen", user=user, comment=comment)
        latest = report.latest_version
        return _add_version(
            report,
            content=latest.content,
            facts=latest.facts,
            user=user,
            note=_("另起新稿（基于第%(n)d版）") % {"n": latest.number},
            base=None,
        )


def render(report_or_content, *, fmt: str, script: str = "simplified") -> bytes:
    """The .docx or .pdf of a report (its latest version) or of generated content."""
    content = (
        report_or_content.latest_version.content
        if isinstance(report_or_content, Report)
        else report_or_content
    )
    document = engine.to_document(content)
    if fmt == "docx":
        return rendering.render_docx(document, script=script)
    if fmt == "pdf":
        return rendering.render_pdf(document, script=script)
    raise ValueError(fmt)
