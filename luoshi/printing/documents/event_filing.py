"""讲座论坛等活动“一会一报”备案表: the event as filed and every review step taken on it."""

from __future__ import annotations

from luoshi.core.workflow import workflows_of
from luoshi.events.models import EventFiling
from luoshi.printing.documents.common import chinese_moment, person
from luoshi.reports.document import Document, Table


def _speakers(event: EventFiling) -> str:
    lines = []
    for speaker in event.speakers.all():
        where = "，".join(x for x in (speaker.affiliation, speaker.title) if x)
        lines.append(f"{speaker.name}（{where}）" if where else speaker.name)
    return "\n".join(lines) or "（无）"


def _reviews(event: EventFiling) -> str:
    (flow,) = workflows_of(EventFiling)
    steps = flow.history(event).select_related("unit")
    lines = [
        f"{step.label}：{step.comment.strip() or '同意。'}（{step.unit.name} "
        f"{person(step.actor)}，{chinese_moment(step.at)}）"
        for step in steps
        if step.transition != "submit"
    ]
    return "\n".join(lines) or "（尚未审核）"


def _held(event: EventFiling) -> str:
    if event.actual_audience is None:
        return f"（{event.get_status_display()}）"
    summary = f"\n{event.held_summary}" if event.held_summary else ""
    return f"实际参加{event.actual_audience}人。{summary}"


def build(event: EventFiling) -> Document:
    rows = [
        ["主办单位", event.unit.name],
        ["活动类型", event.get_kind_display()],
        ["活动主题", event.topic],
        ["活动时间", f"{chinese_moment(event.start_at)}至{chinese_moment(event.end_at)}"],
        ["活动地点", event.place or "（未填写）"],
        ["主讲人", _speakers(event)],
        ["内容简介", event.synopsis],
        ["预计人数", f"{event.expected_audience}人"],
        ["报送时间", chinese_moment(event.submitted_at) or "（未报送）"],
        ["审核意见", _reviews(event)],
        ["举办情况", _held(event)],
    ]
    return Document(
        title="讲座论坛等活动“一会一报”备案表",
        preamble=[Table(rows=rows, widths=(1, 4))],
    )
