"""三审审签单: one publication's 初审, 复审 and 终审, as signed in its workflow."""

from __future__ import annotations

from luoshi.printing.documents.common import chinese_moment, person
from luoshi.publications.models import REVIEW_STEPS, Publication
from luoshi.publications.selectors import PASS_TRANSITIONS
from luoshi.publications.workflow import PUBLICATION_FLOW
from luoshi.reports.document import Document, Table


def _opinions(item: Publication) -> list[list[str]]:
    """The last pass of each of the three steps (a returned and resubmitted item shows the
    pass that let it through)."""
    passes = {step.transition: step for step in PUBLICATION_FLOW.history(item)}
    rows = []
    for label, transition in zip(REVIEW_STEPS.values(), PASS_TRANSITIONS, strict=True):
        step = passes.get(transition)
        if step is None:
            rows.append([f"{label}意见", "（未审）"])
            continue
        opinion = step.comment.strip() or "同意。"
        rows.append(
            [
                f"{label}意见",
                f"{opinion}\n审核人：{person(step.actor)}　{chinese_moment(step.at)}",
            ]
        )
    return rows


def build(item: Publication) -> Document:
    rows = [
        ["稿件标题", item.title],
        ["发布阵地", item.channel_name],
        ["撰稿人", person(item.author)],
        ["送审时间", chinese_moment(item.submitted_at)],
        *_opinions(item),
        ["发布情况", _published(item)],
    ]
    return Document(
        title=f"{item.unit.name}信息发布三审审签单",
        preamble=[Table(rows=rows, widths=(1, 4))],
    )


def _published(item: Publication) -> str:
    if not item.published_at:
        return f"（{item.get_status_display()}）"
    link = f"\n{item.published_url}" if item.published_url else ""
    return f"{chinese_moment(item.published_at)} 发布{link}"
