"""Excel template download, all-or-nothing import and scoped export of ledger records."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from luoshi.audit.models import OperationLog
from luoshi.core.excel_import import (
    ChoiceParser,
    Column,
    DateParser,
    IntegerParser,
    TableSpec,
    TextParser,
    read_rows,
)
from luoshi.ledger.models import ActivityType, LedgerRecord, OutletLevel
from tests.factories import PNG_BYTES, LedgerRecordFactory

BASE_HEADERS = ["单位编码", "日期", "标题", "应到人数", "实到人数", "受众人数", "地点"]
TAIL_HEADERS = ["内容摘要", "成效", "标签"]
STUDY_HEADERS = BASE_HEADERS + TAIL_HEADERS
PUBLICITY_HEADERS = BASE_HEADERS + ["媒体名称", "媒体级别"] + TAIL_HEADERS


def xlsx(headers, rows, name="台账.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def study_row(code="T1", date=datetime.date(2026, 3, 5), title="中心组第一次集体学习", **kw):
    values = {
        "expected": 12,
        "actual": 11,
        "audience": 0,
        "location": "三楼会议室",
        "summary": "学习贯彻全会精神",
        "outcome": "形成心得12篇",
        "tags": "理论学习,全会",
    }
    values.update(kw)
    return [
        code,
        date,
        title,
        values["expected"],
        values["actual"],
        values["audience"],
        values["location"],
        values["summary"],
        values["outcome"],
        values["tags"],
    ]


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings):
    """The import runs as a background job; here the job runs as soon as it is queued
    (``test_the_import_runs_in_the_background_queue`` uses the real queue and worker)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def post_import(client, type_code, upload):
    """Upload on the import page and follow to the job page (or the page with the errors)."""
    activity_type = ActivityType.objects.get(code=type_code)
    return client.post(
        reverse("ledger:import"), {"activity_type": activity_type.pk, "file": upload}, follow=True
    )


def imported(response) -> bool:
    return bool(response.redirect_chain) and 'data-testid="import-done"' in (
        response.content.decode()
    )


def error_triples(response):
    result = response.context.get("result")
    if result:
        return [(e["row"], e["column"], e["message"]) for e in result["errors"]]
    return [(e.row, e.column, e.message) for e in response.context["errors"]]


# --- template ----------------------------------------------------------------------------


def test_template_download_has_headers_help_sheet_and_example(client, users):
    client.force_login(users.clerk)
    response = client.get(reverse("ledger:import_template", args=["study_group"]))
    assert response.status_code == 200
    assert "xlsx" in response["Content-Disposition"]
    assert "%E4%B8%AD%E5%BF%83%E7%BB%84%E5%AD%A6%E4%B9%A0" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames[1] == "填写说明"
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == STUDY_HEADERS
    assert sheet["A1"].font.b
    assert rows[1][0] == "T1"  # example row uses the user's own unit code
    help_rows = list(workbook["填写说明"].iter_rows(values_only=True))
    assert help_rows[3][:2] == ("标题", "必填")


def test_template_of_publicity_has_outlet_columns_and_level_list(client, users):
    client.force_login(users.clerk)
    response = client.get(reverse("ledger:import_template", args=["publicity"]))
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers == PUBLICITY_HEADERS
    formulas = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert '"中央,省级,市级,区县级"' in formulas


def test_downloaded_template_imports_after_filling(client, users):
    client.force_login(users.clerk)
    response = client.get(reverse("ledger:import_template", args=["study_group"]))
    upload = SimpleUploadedFile("模板.xlsx", response.content)
    response = post_import(client, "study_group", upload)
    assert imported(response)
    assert LedgerRecord.objects.get().unit.code == "T1"


def test_unknown_template_type_is_404(client, users):
    client.force_login(users.clerk)
    assert client.get(reverse("ledger:import_template", args=["nope"])).status_code == 404


# --- import ------------------------------------------------------------------------------


def test_import_page_lists_template_links(client, users):
    client.force_login(users.clerk)
    response = client.get(reverse("ledger:import"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("ledger:import_template", args=["publicity"]) in html
    assert "下载导入模板" in html


def test_good_file_imports_every_row(client, users, tree):
    client.force_login(users.clerk)
    upload = xlsx(
        STUDY_HEADERS,
        [
            study_row(),
            [],  # empty rows are skipped
            study_row(date="2026/3/6", title="第二次学习", expected=None, actual=None),
            study_row(date="2026年4月1日", title="第三次学习", tags=""),
            study_row(date=20260502, title="第四次学习", summary=None),
        ],
    )
    response = post_import(client, "study_group", upload)
    assert imported(response)
    assert "已导入 4 条记录（中心组学习）" in response.content.decode()

    records = {r.title: r for r in LedgerRecord.objects.all()}
    assert len(records) == 4
    first = records["中心组第一次集体学习"]
    assert first.unit == tree.own
    assert first.activity_type.code == "study_group"
    assert first.date == datetime.date(2026, 3, 5)
    assert (first.expected_participants, first.actual_participants) == (12, 11)
    assert first.location == "三楼会议室" and first.tags == "理论学习,全会"
    assert first.created_by == users.clerk
    assert first.history.get().history_user == users.clerk
    logged = OperationLog.objects.filter(model_label="ledger.ledgerrecord", action="+")
    # One operation-log entry for the whole import; every record keeps its history row.
    (log,) = logged
    assert log.user == users.clerk and "导入 4 条" in log.object_repr
    assert all(r.history.count() == 1 for r in records.values())
    assert records["第二次学习"].date == datetime.date(2026, 3, 6)
    assert records["第二次学习"].expected_participants is None
    assert records["第三次学习"].date == datetime.date(2026, 4, 1)
    assert records["第四次学习"].date == datetime.date(2026, 5, 2)
    assert records["第四次学习"].summary == ""


def test_publicity_import_maps_outlet_level(client, users, tree):
    client.force_login(users.unit_admin)  # 本单位及以下: may import for the child unit
    row = ["T11", "2026-03-05", "我区举办读书会", None, None, 300, "", "中国日报", "中央"]
    upload = xlsx(PUBLICITY_HEADERS, [row + ["", "", ""]])
    response = post_import(client, "publicity", upload)
    assert imported(response)
    record = LedgerRecord.objects.get()
    assert record.unit == tree.child
    assert (record.outlet_name, record.outlet_level) == ("中国日报", OutletLevel.CENTRAL)


def test_publicity_requires_outlet_columns(client, users):
    client.force_login(users.clerk)
    row = ["T1", "2026-03-05", "稿件", None, None, None, "", "", "省报"]
    response = post_import(client, "publicity", xlsx(PUBLICITY_HEADERS, [row + ["", "", ""]]))
    assert response.status_code == 200
    assert error_triples(response) == [
        (2, "媒体名称", "必填项，不能为空"),
        (2, "媒体级别", "「省报」不是有效选项，可选：中央、省级、市级、区县级"),
    ]
    assert not LedgerRecord.objects.exists()


def test_bad_rows_reject_the_whole_file(client, users, tree):
    LedgerRecordFactory(unit=tree.own, created_by=users.clerk)
    client.force_login(users.clerk)
    upload = xlsx(
        STUDY_HEADERS,
        [
            study_row(title="好的一行"),  # row 2 is fine, but must not be written either
            study_row(date="2026-13-45"),  # row 3
            study_row(expected=-3),  # row 4
            study_row(code="NOPE"),  # row 5
            study_row(code="T2"),  # row 6: the sibling unit, outside a clerk's scope
            study_row(expected=10, actual=15),  # row 7
            study_row(title=None),  # row 8
        ],
    )
    response = post_import(client, "study_group", upload)
    assert response.status_code == 200
    assert error_triples(response) == [
        (3, "日期", "日期「2026-13-45」格式不正确，应为 2026-03-05 这样的日期"),
        (4, "应到人数", "不能小于 0"),
        (5, "单位编码", "单位编码 NOPE 不存在或不在您的数据范围内"),
        (6, "单位编码", "单位编码 T2 不存在或不在您的数据范围内"),
        (7, "实到人数", "实到人数（15）不能多于应到人数（10）"),
        (8, "标题", "必填项，不能为空"),
    ]
    html = response.content.decode()
    assert "文件有 6 处错误，未导入任何记录" in html
    assert "第 6 行" in html and "单位编码 T2 不存在或不在您的数据范围内" in html
    assert LedgerRecord.objects.count() == 1  # only the one made above


def test_child_unit_is_out_of_a_clerks_scope(client, users):
    client.force_login(users.clerk)  # 本单位 only
    response = post_import(client, "study_group", xlsx(STUDY_HEADERS, [study_row(code="T11")]))
    assert error_triples(response) == [(2, "单位编码", "单位编码 T11 不存在或不在您的数据范围内")]


def test_inactive_unit_is_rejected(client, users, tree):
    tree.child.is_active = False
    tree.child.save()
    client.force_login(users.unit_admin)
    response = post_import(client, "study_group", xlsx(STUDY_HEADERS, [study_row(code="T11")]))
    assert response.status_code == 200
    [(row, column, message)] = error_triples(response)
    assert (row, column) == (2, "单位编码") and "已停用" in message
    assert not LedgerRecord.objects.exists()


def test_png_renamed_xlsx_is_rejected(client, users):
    client.force_login(users.clerk)
    upload = SimpleUploadedFile("台账.xlsx", PNG_BYTES, content_type="application/vnd.ms-excel")
    response = post_import(client, "study_group", upload)
    assert response.status_code == 200
    assert error_triples(response) == [(0, "", "文件不是有效的 Excel(.xlsx) 文件")]
    assert "文件有 1 处错误，未导入任何记录" in response.content.decode()


def test_wrong_headers_are_rejected(client, users):
    client.force_login(users.clerk)
    headers = ["单位", "日期", "题目"] + STUDY_HEADERS[3:]
    response = post_import(client, "study_group", xlsx(headers, [study_row()]))
    assert response.status_code == 200
    messages = [m for _, _, m in error_triples(response)]
    assert messages == [
        "缺少列：单位编码、标题，请使用下载的导入模板",
        "无法识别的列：单位、题目",
    ]
    assert not LedgerRecord.objects.exists()


def test_template_of_another_type_is_rejected(client, users):
    """A 中心组学习 sheet posted as 上稿/外宣 lacks the outlet columns."""
    client.force_login(users.clerk)
    response = post_import(client, "publicity", xlsx(STUDY_HEADERS, [study_row()]))
    assert [m for _, _, m in error_triples(response)] == [
        "缺少列：媒体名称、媒体级别，请使用下载的导入模板"
    ]


def test_file_without_data_rows_is_rejected(client, users):
    client.force_login(users.clerk)
    response = post_import(client, "study_group", xlsx(STUDY_HEADERS, [[], [None, "  "]]))
    assert error_triples(response) == [(0, "", "文件中没有数据行")]


def test_leader_cannot_import_or_download_template(client, users):
    client.force_login(users.leader)
    assert client.get(reverse("ledger:import")).status_code == 403
    assert client.get(reverse("ledger:import_template", args=["study_group"])).status_code == 403
    response = post_import(client, "study_group", xlsx(STUDY_HEADERS, [study_row()]))
    assert response.status_code == 403
    assert not LedgerRecord.objects.exists()


# --- the generic reader ------------------------------------------------------------------


SPEC = TableSpec(
    title="测试",
    max_rows=3,
    columns=[
        Column("name", "名称", TextParser(max_length=4), required=True),
        Column("n", "数量", IntegerParser()),
        Column("d", "日期", DateParser()),
        Column("level", "级别", ChoiceParser(OutletLevel.choices)),
    ],
)


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(2026, 3, 5),
        datetime.datetime(2026, 3, 5, 0, 0),
        "2026-03-05",
        "2026/3/5",
        "2026.3.5",
        "2026年3月5日",
        "20260305",
        20260305,
        "2026-03-05 00:00:00",
    ],
)
def test_date_parser_accepts_common_forms(value):
    assert DateParser()(value) == datetime.date(2026, 3, 5)


def test_reader_parses_values_and_reports_cells():
    rows, errors = read_rows(
        SPEC,
        xlsx(
            ["名称", "数量", "日期", "级别*"],  # a trailing * on a header is tolerated
            [
                ["甲", "12", "2026/3/5", "省级"],
                ["太长的名称", 1.5, "昨天", "city"],
            ],
        ),
    )
    assert rows[0] == {"name": "甲", "n": 12, "d": datetime.date(2026, 3, 5), "level": "province"}
    assert rows[0].number == 2
    assert [tuple(e) for e in errors] == [
        (3, "名称", "长度不能超过 4 个字符（当前 5 个）"),
        (3, "数量", "应为整数，而不是「1.5」"),
        (3, "日期", "日期「昨天」格式不正确，应为 2026-03-05 这样的日期"),
    ]


def test_reader_enforces_the_row_cap():
    rows, errors = read_rows(SPEC, xlsx(["名称"] + ["数量", "日期", "级别"], [["甲"]] * 4))
    assert rows == []
    assert [e.message for e in errors] == [
        "数据超过 3 行的上限（空行也计入），请拆分成多个文件分批导入"
    ]


def test_blank_rows_count_toward_the_row_cap():
    """The attack: 1.48 million whitespace-only rows passed every guard because blank rows
    were skipped before the cap was checked, so the whole sheet was read (120 s)."""
    blank = [["   ", " ", None, "\t"]]
    rows, errors = read_rows(SPEC, xlsx(["名称", "数量", "日期", "级别"], blank * 4 + [["甲"]]))
    assert rows == []
    assert [e.message for e in errors] == [
        "数据超过 3 行的上限（空行也计入），请拆分成多个文件分批导入"
    ]
    rows, errors = read_rows(SPEC, xlsx(["名称", "数量", "日期", "级别"], blank * 2 + [["甲"]]))
    assert errors == [] and [row.number for row in rows] == [4]


# --- export ------------------------------------------------------------------------------


def test_export_contains_only_records_in_scope(client, users, tree):
    LedgerRecordFactory(unit=tree.own, created_by=users.clerk, title="本单位记录")
    LedgerRecordFactory(unit=tree.sibling, created_by=users.sibling_clerk, title="兄弟单位记录")
    client.force_login(users.clerk)
    response = client.get(reverse("ledger:list"), {"export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    titles = [row[4] for row in rows[1:]]
    assert rows[0][4] == "标题"
    assert titles == ["本单位记录"]


@pytest.mark.django_db(transaction=True)
def test_the_import_runs_in_the_background_queue(client, users, settings):
    """Heavy work never holds a web worker: the page queues a job (django-tasks-db), shows
    its progress, and a ``db_worker`` does the parse and the write."""
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(users.clerk)
    upload = xlsx(STUDY_HEADERS, [study_row(), study_row(title="第二次学习")])
    response = post_import(client, "study_group", upload)
    job_url = response.redirect_chain[-1][0]
    assert job_url.startswith("/jobs/")
    page = response.content.decode()
    assert 'data-testid="job-progress"' in page and "排队中" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert not LedgerRecord.objects.exists()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page = client.get(job_url).content.decode()
    assert "已导入 2 条记录（中心组学习）" in page and "http-equiv" not in page
    assert LedgerRecord.objects.count() == 2
    client.force_login(users.unit_admin)  # another user's job does not exist for them
    assert client.get(job_url).status_code == 404


def _raw_xlsx(sheet_xml: str) -> BytesIO:
    """A minimal workbook around ``sheet_xml`` (written by hand: no ``<dimension>``)."""
    import zipfile

    main = "http://schemas.openxmlformats.org"
    rel = f"{main}/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{main}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{main}/package/2006/relationships"><Relationship Id="r1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}/spreadsheetml/2006/main" xmlns:r="{rel}"><sheets>'
            '<sheet name="S" sheetId="1" r:id="r1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{main}/package/2006/relationships"><Relationship Id="r1" '
            f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}/spreadsheetml/2006/main"><sheetData>{sheet_xml}'
        ),
    }
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    out.seek(0)
    return out


def _cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def test_the_sheet_is_read_only_as_far_as_the_row_cap():
    """A sheet without a declared size, blank rows past the cap, then a part that cannot be
    parsed: the reader stops at the cap, it never reads the sheet to its end (openpyxl's
    read-only sheet does, looking for the size: that was most of the 120 s)."""
    header = "".join(
        _cell(f"{c}1", h) for c, h in zip("ABCD", ["名称", "数量", "日期", "级别"], strict=True)
    )
    blank = "".join(f'<row r="{n}">{_cell(f"A{n}", "   ")}</row>' for n in range(2, 50))
    sheet = f'<row r="1">{header}</row>{blank}<row r="50"><c r="A50"><broken'
    rows, errors = read_rows(SPEC, _raw_xlsx(sheet))
    assert [e.message for e in errors] == [
        "数据超过 3 行的上限（空行也计入），请拆分成多个文件分批导入"
    ]
    far = f'<row r="1">{header}</row><row r="900000">{_cell("A900000", "甲")}</row>'
    rows, errors = read_rows(SPEC, _raw_xlsx(far + "</sheetData></worksheet>"))
    assert [e.message for e in errors] == [
        "数据超过 3 行的上限（空行也计入），请拆分成多个文件分批导入"
    ]
