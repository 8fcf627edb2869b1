"""From a ``Document`` to the flat sequence of blocks both renderers lay out.

Everything format-independent lives here, once: script conversion (every text goes through
``luoshi.core.script.convert``), heading numbering by position (GB/T 9704-2012 §7.3.3:
「一、」「（一）」「1.」「（1）」), run-in level-3/4 headings, figure numbering, and the
placement of 署名 and 成文日期 (§7.3.5.2, the rule for documents without a seal).
"""

from __future__ import annotations

import logging
import unicodedata
import warnings
from dataclasses import dataclass, field, replace
from functools import cache

from luoshi.core.script import convert
from luoshi.reports.document import Chart, Document, Section, Table
from luoshi.reports.rendering import page

with warnings.catch_warnings():  # jieba 0.42 imports the deprecated pkg_resources
    warnings.simplefilter("ignore", UserWarning)
    import jieba  # noqa: E402

jieba.setLogLevel(logging.WARNING)  # it announces loading its dictionary on stderr
# 2号 characters a title line holds (the same condensed spacing as the body).
TITLE_CHARS = int((page.TEXT_WIDTH_TWIPS / 20) // (page.TITLE_PT + page.CHAR_SPACING / 20))

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


@cache
def _tokenizer() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def title_lines(title: str, width: int = TITLE_CHARS) -> list[str]:
    """The title in at most two lines (more only when it is longer than two), broken
    between words (jieba), the first line the longer as 公文 titles are set: 「关于…的」
    over 「…报告」, never 「…排／查报告」."""
    if text_width(title) <= width:
        return [title]
    cuts, position = [], 0
    for word in _tokenizer().cut(title, HMM=False):
        position += len(word)
        cuts.append(position)
    best = None
    for cut in cuts[:-1]:
        first, second = text_width(title[:cut]), text_width(title[cut:])
        fits = first <= width and second <= width and first >= second
        if fits and (best is None or first - second < best[0]):
            best = (first - second, cut)
    if best is None:  # longer than two lines: fill each line up to a word boundary
        fitting = [c for c in cuts if text_width(title[:c]) <= width] or [width]
        head = title[: fitting[-1]]
        return [head, *title_lines(title[len(head) :], width)]
    return [title[: best[1]], title[best[1] :]]


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
    title_lines: list[str] = field(default_factory=list)

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


def _convert_chart(chart: Chart, c) -> Chart:
    return Chart(
        title=c(chart.title),
        kind=chart.kind,
        categories=[c(x) for x in chart.categories],
        series=[(c(name), list(values)) for name, values in chart.series],
        colors=list(chart.colors),
        integer=chart.integer,
    )


def _converted_lines(source: str, converted: str) -> list[str]:
    """Break the title where its Simplified words end (jieba knows Simplified best); the
    conversion keeps one character for one, so the same positions hold in Traditional."""
    lines = title_lines(source)
    if len(source) != len(converted):
        return title_lines(converted)
    out, start = [], 0
    for line in lines:
        out.append(converted[start : start + len(line)])
        start += len(line)
    return out


def layout(document: Document, script: str = "simplified") -> Layout:
    """Convert every text to ``script`` and number headings, charts by position."""

    def c(text: str) -> str:
        return convert(text, script, document.variant) if text else ""

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
            converted = _convert_chart(chart, c)
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
    title = c(document.title)
    return Layout(
        title=title,
        title_lines=_converted_lines(document.title, title),
        addressee=addressee,
        blocks=blocks,
        signature=c(document.signature),
        date=c(document.date),
    )
