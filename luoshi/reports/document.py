"""The document model every generated report is rendered from (docx, pdf, html preview).

The report engine builds a ``Document``; ``luoshi.reports.rendering`` turns it into an
official-format .docx (GB/T 9704) or a PDF, in Simplified or Traditional script. Nothing
here knows about records or databases.

A paragraph may be a ``Table`` (forms, signature lines). Heading levels follow the official numbering: level 1 「一、」(黑体), level 2 「(一)」(楷体),
level 3 「1.」, level 4 「(1)」. ``Section.heading`` is the heading text *without* its number;
the renderer numbers headings by position.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Chart:
    """A chart shown in the page (ECharts) and embedded as an image in the docx/pdf."""

    title: str
    kind: str  # "bar" | "line" | "pie"
    categories: list[str]
    series: list[tuple[str, list[float]]]  # (series name, one value per category)
    colors: list[str] = field(default_factory=list)  # one per series (e.g. a risk level's own)
    integer: bool = True  # counts: the value axis shows whole numbers only


@dataclass
class Table:
    """A table in the body (a form such as a 审签单 or 备案表, or the signature lines of a
    责任书): ``rows`` of cell texts (a cell may hold several lines), the first
    ``header_rows`` set in bold, relative column ``widths``; ``borders=False`` for a layout
    table (signature lines) that prints no lines."""

    rows: list[list[str]]
    widths: tuple[int, ...] = ()
    header_rows: int = 0
    borders: bool = True

    @property
    def columns(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    @property
    def weights(self) -> list[int]:
        """The relative width of every column (equal where ``widths`` does not fit)."""
        return list(self.widths) if len(self.widths) == self.columns else [1] * self.columns

    @property
    def percents(self) -> list[str]:
        total = sum(self.weights) or 1
        return [f"{100 * w / total:.2f}%" for w in self.weights]


@dataclass
class Section:
    heading: str
    level: int = 1
    paragraphs: list[str | Table] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Document:
    title: str
    addressee: str = ""  # 主送机关, e.g. 「区委:」 for a 专题报告 to the level above
    # paragraphs (or tables) before the first heading
    preamble: list[str | Table] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    signature: str = ""  # 发文机关署名
    date: str = ""  # 成文日期, e.g. 「2026年12月20日」
    variant: str = "s2tw"  # the Traditional standard (OpenCC config) when rendered Traditional
