"""The report engine: records → a draft report (sections + the facts behind every number).

``generate(unit, year, kind, user=..., subtree=..., plans_input=...)`` returns a ``Draft``
(counting only the records ``user`` may open): its
``content`` is what ``ReportVersion.content`` stores (title, addressee, signature, date and
a flat list of sections: preamble, level-1 and level-2 headings, each with ``text``,
``generated_text``, ``edited``, ``facts`` keys and ``charts``) and its ``facts`` what
``ReportVersion.facts`` stores (key → label, value, unit, text, url, records, previous ...).
``to_document(content)`` turns stored content into the ``Document`` the renderer takes.
"""

from __future__ import annotations

import datetime
from collections.abc import Set
from dataclasses import dataclass

from django.utils import timezone

from luoshi.reports.document import Chart, Document, Section
from luoshi.reports.engine.facts import Fact, FactBook, NothingToReport
from luoshi.reports.engine.kinds import KINDS, Writer, full_width

__all__ = [
    "Draft",
    "Fact",
    "FactBook",
    "KINDS",
    "NothingToReport",
    "generate",
    "merge",
    "to_document",
]


@dataclass
class Draft:
    title: str
    content: dict
    facts: dict


def generate(
    unit,
    year: int,
    kind: str,
    *,
    user,
    subtree: bool = False,
    plans_input: str = "",
    today: datetime.date | None = None,
) -> Draft:
    """The draft of ``kind``; raises ``NothingToReport`` (a Chinese message) for a year in
    which the unit (or its subtree) has no records, or a kind it has no records for."""
    spec = KINDS[kind]
    today = today or timezone.localdate()
    book = FactBook(unit, year, user=user, subtree=subtree, today=today)
    if not book.has_records():
        raise NothingToReport(
            full_width(
                f"{unit.name}{'及下级单位' if subtree else ''}{year}年在系统中没有任何工作记录"
                "(台账、排查、督查、任务均无),无法生成报告。请先录入该年度的记录,或选择其他年度。"
            )
        )
    title = full_width(spec.title(book))
    addressee = full_width(spec.addressee(book))
    writer = Writer(book, plans_input=plans_input)
    spec.build(writer)
    sections = []
    for out in writer.sections:
        text = "\n".join(p for p in out.paragraphs if p)
        sections.append(
            {
                "key": out.key,
                "heading": out.heading,
                "level": out.level,
                "text": text,
                "generated_text": text,
                "edited": False,
                "facts": out.facts,
                "charts": out.charts,
            }
        )
    content = {
        "title": title,
        "addressee": addressee,
        "signature": unit.name,
        "date": f"{today.year}年{today.month}月{today.day}日",
        "sections": sections,
        "traditional_variant": unit.traditional_variant,
    }
    return Draft(title=title, content=content, facts=book.all())


def merge(current: dict, fresh: dict, *, overwrite: Set[str] = frozenset()) -> tuple[dict, list]:
    """Regenerated content, keeping what a person wrote: a section marked ``edited`` keeps
    its text (only its ``generated_text`` is refreshed) unless its key is in ``overwrite``.
    Returns the merged content and the keys of the edited sections kept."""
    edited = {s["key"]: s for s in current.get("sections", []) if s.get("edited")}
    kept = []
    sections = []
    for section in fresh["sections"]:
        old = edited.get(section["key"])
        if old is not None and section["key"] not in overwrite:
            section = {**section, "text": old["text"], "edited": True}
            kept.append(section["key"])
        sections.append(section)
    # an edited section the new draft no longer has (e.g. a unit without findings now) stays
    fresh_keys = {s["key"] for s in fresh["sections"]}
    for key, old in edited.items():
        if key not in fresh_keys and key not in overwrite:
            sections.append(old)
            kept.append(key)
    return {**fresh, "sections": sections}, kept


def to_document(content: dict) -> Document:
    document = Document(
        title=content.get("title", ""),
        addressee=content.get("addressee", ""),
        signature=content.get("signature", ""),
        date=content.get("date", ""),
        variant=content.get("traditional_variant") or "s2tw",
    )
    parent = None
    for item in content.get("sections", []):
        paragraphs = [p.strip() for p in item.get("text", "").splitlines() if p.strip()]
        charts = [
            Chart(
                title=c["title"],
                kind=c["kind"],
                categories=list(c["categories"]),
                series=[(name, list(values)) for name, values in c["series"]],
                colors=list(c.get("colors", [])),
                integer=c.get("integer", True),
            )
            for c in item.get("charts", [])
        ]
        level = item.get("level", 1)
        if level == 0:
            document.preamble.extend(paragraphs)
            continue
        section = Section(
            heading=item["heading"], level=level, paragraphs=paragraphs, charts=charts
        )
        if level == 1 or parent is None:
            document.sections.append(section)
            parent = section
        else:
            parent.children.append(section)
    return document
