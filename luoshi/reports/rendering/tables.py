"""Tables in the official .docx: forms (审签单, 备案表) and signature lines (责任书).

Cells are set in the body font without the first-line indent; a cell's lines are its
text split at line breaks. Widths are relative and fill the type area (156 mm).
"""

from __future__ import annotations

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from luoshi.reports.document import Table
from luoshi.reports.rendering import page

_BORDERS = ("top", "left", "bottom", "right", "insideH", "insideV")


def add_table(doc, table: Table) -> None:
    columns = table.columns
    if not columns:
        return
    docx_table = doc.add_table(rows=len(table.rows), cols=columns)
    docx_table.alignment = WD_TABLE_ALIGNMENT.CENTER
    docx_table.autofit = False
    _borders(docx_table, table.borders)
    area = page.PAGE_WIDTH_MM - page.MARGIN_LEFT_MM - page.MARGIN_RIGHT_MM
    widths = [Mm(area * w / sum(table.weights)) for w in table.weights]
    for col, width in enumerate(widths):  # w:gridCol, which LibreOffice and WPS read
        docx_table.columns[col].width = width
    for r, row in enumerate(table.rows):
        for col in range(columns):
            cell = docx_table.cell(r, col)
            cell.width = widths[col]
            _fill(cell, row[col] if col < len(row) else "", bold=r < table.header_rows)
    doc.add_paragraph()  # the body goes on a line below the table


def _fill(cell, text: str, *, bold: bool) -> None:
    lines = text.split("\n") if text else [""]
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        paragraph = first if i == 0 else cell.add_paragraph()
        paragraph.paragraph_format.first_line_indent = 0
        paragraph.paragraph_format.alignment = (
            WD_ALIGN_PARAGRAPH.CENTER if bold else WD_ALIGN_PARAGRAPH.LEFT
        )
        run = paragraph.add_run(line)
        run.bold = bold


def _borders(docx_table, shown: bool) -> None:
    tbl_pr = docx_table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in _BORDERS:
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single" if shown else "nil")
        if shown:
            element.set(qn("w:sz"), "4")
            element.set(qn("w:color"), "000000")
        borders.append(element)
    tbl_pr.append(borders)
