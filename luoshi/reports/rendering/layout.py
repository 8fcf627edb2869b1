"""From a ``Document`` to the flat sequence of blocks both renderers lay out.

Everything format-independent lives here, once: script conversion (every text goes through
``luoshi.core.script.convert``), heading numbering by position (GB/T 9704-2012 §7.3.3:
「一、」「（一）」「1.」「（1）」), run-in level-3/4 headings, figure numbering, and the
placement of 署名 and 成文日期 (§7.3.5.2, the rule for documents without a seal).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace

from luoshi.core.script import convert
from luoshi.reports.document import Chart, Document, Section, Table

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (heading numbers never go further)."""
    if n < 1 or n > 99:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def heading_number(level: int, n: int) -> str:
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


_RUN_IN_END = "。：；！？:;!?"


def text_width(text: str) -> float:
    """Width in full-width characters: CJK and full-width forms count 1, the rest ½."""
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" | "paragraph" | "chart" | "table"
    text: str = ""
    level: int = 0  # headings: 1..4
    number: str = ""  # headings: 「一、」「（一）」「1.」「（1）」
    run_in: str = ""  # level-3/4 headings: the paragraph text that follows on the same line
    chart: Chart | None = None
    figure: int = 0  # charts: 图1, 图2 … in document order
    caption: str = ""  # charts: 「图1　title」, in the output script
    table: Table | None = None  # tables: cells in the output script

    @property
    def heading_line(self) -> str:
        """The heading as printed; a run-in heading ends with 「。」 before its paragraph."""
        text = self.number + self.text
        if self.run_in and text and text[-1] not in _RUN_IN_END:
            text += "。"
        return text


@dataclass(frozen=True)
class Layout:
    title: str
    addressee: str
    blocks: list[Block] = field(default_factory=list)
    signature: str = ""
    date: str = ""

    @property
    def signature_indents(self) -> tuple[float, float]:
        """Right indents (in characters) of the signature and the date.

        GB/T 9704-2012 §7.3.5.2 (no seal): the signature is set 2 characters from the right,
        the date on the next line starts 2 characters right of the signature's first
        character; a date longer than that is set 2 from the right and the signature moves
        left accordingly.
        """
        sig, date = text_width(self.signature), text_width(self.date)
        if not self.signature:
            return 0.0, 4.0
        date_right = sig - date
        sig_right = 2.0
        if date_right < 2:
            date_right = 2.0
            sig_right = date_right + date + 2 - sig
        return sig_right, date_right


def _convert_chart(chart: Chart, script: str) -> Chart:
    return Chart(
        title=convert(chart.title, script),
        kind=chart.kind,
        categories=[convert(c, script) for c in chart.categories],
        series=[(convert(name, script), list(values)) for name, values in chart.series],
    )


def layout(document: Document, script: str = "simplified") -> Layout:
    """Convert every text to ``script`` and number headings, charts by position."""

    def c(text: str) -> str:
        return convert(text, script) if text else ""

    def body(p: str | Table) -> Block:
        if isinstance(p, Table):
            rows = [[c(cell) for cell in row] for row in p.rows]
            return Block("table", table=replace(p, rows=rows))
        return Block("paragraph", c(p))

    blocks: list[Block] = [body(p) for p in document.preamble]
    counters = [0, 0, 0, 0, 0]  # index = heading level
    figures = 0

    def walk(section: Section) -> None:
        nonlocal figures
        level = min(max(section.level, 1), 4)
        counters[level] += 1
        for deeper in range(level + 1, 5):
            counters[deeper] = 0
        paragraphs = [body(p) for p in section.paragraphs]
        run_in = ""
        if level >= 3 and paragraphs and paragraphs[0].kind == "paragraph":
            run_in = paragraphs.pop(0).text
        blocks.append(
            Block(
                "heading",
                c(section.heading),
                level=level,
                number=heading_number(level, counters[level]),
                run_in=run_in,
            )
        )
        blocks.extend(paragraphs)
        for chart in section.charts:
            figures += 1
            converted = _convert_chart(chart, script)
            blocks.append(
                Block(
                    "chart",
                    level=level,
                    chart=converted,
                    figure=figures,
                    caption=c("图") + f"{figures}　{converted.title}",
                )
            )
        for child in section.children:
            walk(child)

    for section in document.sections:
        walk(section)

    addressee = c(document.addressee).rstrip()
    if addressee and addressee[-1] in ":：":
        addressee = addressee[:-1] + "："
    elif addressee:
        addressee += "："
    return Layout(
        title=c(document.title),
        addressee=addressee,
        blocks=blocks,
        signature=c(document.signature),
        date=c(document.date),
    )
