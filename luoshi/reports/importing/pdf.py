"""The text layer of a PDF (pdfminer.six), with column and line-break repair.

A PDF has no paragraphs, only positioned lines. Per page: a page with runs of lines on both
sides of the middle is read as two columns (left column, then right, between the full-width
lines such as the title); then consecutive lines are joined into a paragraph
unless the next one is indented, the previous one stops well short of the right edge, or
the gap between them is larger than a line.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from statistics import median

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine

from .formats import ReportImportError

MIN_RIGHT_COLUMN_LINES = 3
MAX_PAGES = 300  # a year's report is a few dozen pages; a hostile file stops here


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def _page_lines(page) -> list[Line]:
    out = []

    def visit(item) -> None:
        if isinstance(item, LTTextLine):
            text = item.get_text().replace("\n", "")
            if text.strip():
                sizes = [c.size for c in item if isinstance(c, LTChar)]
                out.append(
                    Line(text.strip(), item.x0, item.x1, item.y1, item.y0, median(sizes or [10]))
                )
        elif isinstance(item, LTTextContainer) or hasattr(item, "__iter__"):
            for child in item:
                visit(child)

    for element in page:
        visit(element)
    out.sort(key=lambda line: (-line.top, line.x0))
    return out


def _reading_order(lines: list[Line], width: float) -> list[list[Line]]:
    """Blocks of lines in reading order; each block is one column run."""
    mid = width / 2
    right = [line for line in lines if line.x0 > mid]
    left = [line for line in lines if line.x1 < mid]
    # Two columns: runs of lines on both sides, not a right-aligned signature under one column.
    if min(len(right), len(left)) < MIN_RIGHT_COLUMN_LINES or len(right) < 0.25 * len(lines):
        return [lines]
    blocks: list[list[Line]] = []
    left_run: list[Line] = []
    right_run: list[Line] = []

    def flush() -> None:
        for run in (left_run, right_run):
            if run:
                blocks.append(list(run))
                run.clear()

    for line in lines:
        if line.x0 > mid:
            right_run.append(line)
        elif line.x1 < mid + line.size:
            left_run.append(line)
        else:  # spans the middle: a title, a centred header or footer
            flush()
            blocks.append([line])
    flush()
    return blocks


def _join(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and b[0].isascii() and a[-1].isalnum() and b[0].isalnum():
        return a + " " + b
    return a + b


def _paragraphs(block: list[Line]) -> list[str]:
    if not block:
        return []
    left = min(line.x0 for line in block)
    right = max(line.x1 for line in block)
    out: list[str] = []
    prev: Line | None = None
    for line in block:
        size = line.size or 10
        new = (
            prev is None
            or line.x0 > left + 1.2 * size  # indented first line
            or prev.x1 < right - 2 * size  # the previous line stopped short
            or prev.bottom - line.top > 1.0 * size  # a gap larger than a line
            or abs(line.size - prev.size) > 1.5  # a change of type size (title, footer)
        )
        if new:
            out.append(line.text)
        else:
            out[-1] = _join(out[-1], line.text)
        prev = line
    return out


def pdf_lines(data: bytes) -> list[str]:
    try:
        pages = list(
            extract_pages(io.BytesIO(data), laparams=LAParams(line_margin=0.3), maxpages=MAX_PAGES)
        )
    except Exception as exc:  # PDFSyntaxError, PSEOF, PDFPasswordIncorrect, struct errors …
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise ReportImportError("PDF 文件已加密，请先解除密码保护后再上传。") from exc
        raise ReportImportError("无法读取 .pdf 文件：文件已损坏或不是 PDF。") from exc
    out: list[str] = []
    for page in pages:
        for block in _reading_order(_page_lines(page), page.width):
            out.extend(_paragraphs(block))
    return out
