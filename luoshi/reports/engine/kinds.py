"""The five report kinds: each is its own document (its own module writes it), with its
title, its 主送机关 where the genre has one, and its own structure and sentences.

| kind | module | 主送 | model |
|---|---|---|---|
| 年度工作总结 | ``annual`` | — | seed 001 |
| 专题报告 | ``special`` | the parent unit's full name | seed 002 |
| 调研报告 | ``research`` | — | seed 000, 003 |
| 风险隐患排查报告 | ``screening`` | — | seed 003 |
| 督查通报 | ``bulletin`` | the inspected units | — |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from luoshi.reports.engine import annual, bulletin, research, screening, special
from luoshi.reports.engine.facts import FactBook, NothingToReport
from luoshi.reports.engine.writer import Out, Writer, full_width
from luoshi.reports.models import ReportKind


def _parent_name(book: FactBook) -> str:
    parent = type(book.unit).objects.get_parent(book.unit)
    return parent.name if parent else ""


@dataclass(frozen=True)
class KindSpec:
    label: str
    title: Callable[[FactBook], str]
    addressee: Callable[[FactBook], str]
    build: Callable[[Writer], None]


def _none(book: FactBook) -> str:
    return ""


KINDS: dict[str, KindSpec] = {
    ReportKind.ANNUAL_SUMMARY: KindSpec(
        "年度工作总结",
        lambda b: f"{b.unit.name}{b.year}年意识形态工作总结",
        _none,
        annual.build,
    ),
    ReportKind.SPECIAL_REPORT: KindSpec(
        "专题报告",
        lambda b: f"{b.unit.name}关于{b.year}年度意识形态工作情况的专题报告",
        _parent_name,
        special.build,
    ),
    ReportKind.RESEARCH_REPORT: KindSpec(
        "调研报告",
        lambda b: f"关于{b.unit.name}落实意识形态工作责任制情况的调研报告",
        _none,
        research.build,
    ),
    ReportKind.RISK_SCREENING: KindSpec(
        "风险隐患排查报告",
        lambda b: f"{b.unit.name}关于{b.year}年意识形态领域风险隐患排查情况的报告",
        _none,
        screening.build,
    ),
    ReportKind.INSPECTION_BULLETIN: KindSpec(
        "督查通报",
        lambda b: bulletin.title_and_addressee(b)[0],
        lambda b: bulletin.title_and_addressee(b)[1],
        bulletin.build,
    ),
}

__all__ = ["KINDS", "KindSpec", "NothingToReport", "Out", "Writer", "full_width"]
