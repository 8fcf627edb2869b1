"""Every export is written by one writer (``core.excel.write_sheets``): one sheet or several, the
same heading row, dates and numbers as Excel values, user text never a formula."""

import datetime
import pathlib
import re
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from luoshi.core.excel import Book, Cells, Sheet, sheets_response, write_sheets

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
    """Every .xlsx is written by ``core.excel`` (XlsxWriter): the exports and the templates
    (``core.excel_import``'s, a 统计报表's fill-in form) alike; openpyxl only reads."""
    writers = {
        str(path.relative_to(LUOSHI))
        for path in LUOSHI.rglob("*.py")
        if "import Workbook" in path.read_text(encoding="utf-8")
        or "xlsxwriter" in path.read_text(encoding="utf-8")
    }
    assert writers == {"core/excel.py"}
    readers = {
        str(path.relative_to(LUOSHI))
        for path in LUOSHI.rglob("*.py")
        if re.search(r"^\s*(from|import) openpyxl", path.read_text(encoding="utf-8"), re.M)
    }
    assert readers == {"core/excel_import.py"}


def _red(cell) -> bool:
    rgb = cell.font.color.rgb if cell.font.color is not None else None
    return isinstance(rgb, str) and rgb.endswith("C00000")


def test_a_template_says_what_to_fill_in_and_locks_the_rest():
    """A template (``Book``) comes from the same writer: its headings say what is required,
    a column of choices offers them, codes stay text, a protected sheet leaves only its input
    cells open, and the file names what it is for."""
    data = Sheet(
        "台账",
        ["编码", "级别", "填报值"],
        [["001", "", "12"]],
        cells=[
            Cells(required=True, number_format="@", muted=True),
            Cells(choices=["省级", "市级"], message="从下列选项中选择：省级、市级"),
            Cells(input=True),
        ],
        input_rows=50,
        freeze=(1, 1),
        protected=True,
    )
    notes = Sheet("填写说明", (), [["只在黄色单元格填写。"], [], ["有错误时整份不保存。"]])
    book = load_workbook(BytesIO(Book([data, notes], title="台账", subject="模板").content()))
    assert (book.properties.title, book.properties.subject) == ("台账", "模板")
    sheet = book["台账"]
    assert _red(sheet["A1"]) and sheet["B1"].font.b and not _red(sheet["B1"])
    assert sheet["A2"].value == "001" and sheet["A2"].number_format == "@"
    assert sheet.freeze_panes == "B2"
    [validation] = sheet.data_validations.dataValidation
    assert validation.formula1 == '"省级,市级"' and str(validation.sqref) == "B2:B51"
    assert validation.error == "从下列选项中选择：省级、市级"
    assert sheet.protection.sheet
    assert not sheet["C2"].protection.locked and sheet["C2"].fill.fgColor.rgb.endswith("FFF2CC")
    assert sheet["C2"].value == "12" and sheet["A2"].protection.locked
    assert [row[0].value for row in book["填写说明"].iter_rows()] == [
        "只在黄色单元格填写。",
        None,
        "有错误时整份不保存。",
    ]
