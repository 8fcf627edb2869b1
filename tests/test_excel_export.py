"""Every export is written by one writer (``core.excel.write_sheets``): one sheet or several, the
same heading row, dates and numbers as Excel values, user text never a formula."""

import datetime
import pathlib
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from luoshi.core.excel import Sheet, sheets_response, write_sheets

LUOSHI = pathlib.Path(__file__).resolve().parent.parent / "luoshi"


def _book(sheets):
    buffer = BytesIO()
    write_sheets(buffer, sheets)
    return load_workbook(BytesIO(buffer.getvalue()))


def test_several_sheets_each_with_its_heading_row_and_values():
    book = _book(
        [
            Sheet("排名", ["名次", "单位", "得分"], [[1, "新闻科", Decimal("92.50")]]),
            Sheet(
                "发现问题:记录[不全]",  # a name Excel refuses as it is
                ["单位", "问题描述", "整改期限"],
                iter([["理论科", '=HYPERLINK("http://x")', datetime.date(2026, 3, 1)]]),
                widths=[12, 40, 12],
            ),
        ]
    )
    assert book.sheetnames == ["排名", "发现问题_记录_不全_"]
    ranking, findings = book.worksheets
    assert [c.value for c in ranking[1]] == ["名次", "单位", "得分"]
    assert ranking[1][0].font.bold and ranking.freeze_panes == "A2"
    assert [c.value for c in ranking[2]] == [1, "新闻科", 92.5]
    description, deadline = findings["B2"], findings["C2"]
    assert description.data_type == "s" and description.value == '\'=HYPERLINK("http://x")'
    assert deadline.value == datetime.datetime(2026, 3, 1)
    assert findings.column_dimensions["B"].width > findings.column_dimensions["A"].width


def test_a_download_names_its_file_in_utf8():
    response = sheets_response("督查通报.xlsx", [Sheet("得分排名", ["单位"], [["新闻科"]])])
    assert response["Content-Disposition"].endswith(
        "UTF-8''%E7%9D%A3%E6%9F%A5%E9%80%9A%E6%8A%A5.xlsx"
    )
    assert load_workbook(BytesIO(response.content)).active["A2"].value == "新闻科"


def test_no_feature_writes_a_workbook_of_its_own():
    """Exports go through ``core.excel``; openpyxl writes only import templates, which are
    read back with it (``core.excel_import``, a 统计报表's fill-in form)."""
    writers = {
        str(path.relative_to(LUOSHI))
        for path in LUOSHI.rglob("*.py")
        if "import Workbook" in path.read_text(encoding="utf-8")
        or "xlsxwriter" in path.read_text(encoding="utf-8")
    }
    assert writers == {"core/excel.py", "core/excel_import.py", "statforms/excel_io.py"}
