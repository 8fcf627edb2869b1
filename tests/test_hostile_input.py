"""Hostile input: zip bombs, formula and script injection, and hypothesis-driven fuzzing of
the Excel import and the pack parser. Nothing crashes, every refusal is a Chinese message,
nothing is half-written.

Budgets: the hypothesis runs here use ``FUZZ_EXAMPLES`` examples each (default 60, CI);
``make fuzz`` runs the same tests with ``FUZZ_EXAMPLES=2000`` (docs/reliability.md).
"""

import io
import os
import re
import zipfile

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from luoshi.core.excel_import import read_rows
from luoshi.core.uploads import check_zip_container
from luoshi.duty.pack_format import PackError, parse_pack
from luoshi.evidence import services as evidence_services
from luoshi.evidence.models import Evidence
from luoshi.ledger import importing
from luoshi.ledger.models import ActivityType, LedgerRecord
from tests.factories import LedgerRecordFactory

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese(message: str) -> bool:
    return bool(CJK.search(str(message)))


# --- zip bombs ----------------------------------------------------------------------------


def bomb(member: str, size: int, extra_members=()) -> bytes:
    """A zip whose ``member`` unpacks to ``size`` zero bytes (tiny when packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in extra_members:
            archive.writestr(name, "<x/>")
        with archive.open(member, "w", force_zip64=True) as handle:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                handle.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_is_refused_before_unpacking(settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 8 * 1024 * 1024
    data = bomb("xl/worksheets/sheet1.xml", 16 * 1024 * 1024, ["[Content_Types].xml"])
    assert len(data) < 100 * 1024
    with pytest.raises(ValidationError) as caught:
        check_zip_container(io.BytesIO(data), name="台账.xlsx")
    assert "疑似压缩炸弹" in caught.value.messages[0]
    assert "台账.xlsx" in caught.value.messages[0]


def test_high_compression_ratio_is_refused_below_the_size_limit():
    data = bomb("word/document.xml", 4 * 1024 * 1024)
    with pytest.raises(ValidationError, match="压缩比异常"):
        check_zip_container(io.BytesIO(data), name="报告.docx")


def test_zip_bomb_docx_on_the_report_import_is_refused():
    from luoshi.reports.importing import ReportImportError, read_report

    data = bomb("word/document.xml", 4 * 1024 * 1024, ["[Content_Types].xml"])
    with pytest.raises(ReportImportError, match="压缩比异常"):
        read_report("往年总结.docx", data)


def test_path_traversal_member_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../etc/cron.d/evil", "x")
    with pytest.raises(ValidationError, match="非法路径"):
        check_zip_container(io.BytesIO(buffer.getvalue()))


def test_a_genuine_xlsx_passes(users):
    activity_type = ActivityType.objects.get(code="special_meeting")
    book = importing.template_workbook(user=users.clerk, activity_type=activity_type)
    check_zip_container(io.BytesIO(book.content()))  # no exception


def test_zip_bomb_xlsx_on_the_ledger_import_is_refused_and_nothing_written(client, users, settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 8 * 1024 * 1024
    data = bomb("xl/worksheets/sheet1.xml", 16 * 1024 * 1024, ["[Content_Types].xml"])
    client.force_login(users.clerk)
    before = LedgerRecord.objects.count()
    response = client.post(
        reverse("ledger:import"),
        {
            "activity_type": ActivityType.objects.get(code="special_meeting").pk,
            "file": SimpleUploadedFile("台账.xlsx", data),
        },
    )
    assert response.status_code == 200
    assert "疑似压缩炸弹" in response.content.decode()
    assert LedgerRecord.objects.count() == before


def test_zip_bomb_docx_as_evidence_is_refused_and_nothing_written(
    users, tree, settings, _private_evidence_root
):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 8 * 1024 * 1024
    data = bomb("word/document.xml", 16 * 1024 * 1024, ["[Content_Types].xml"])
    record = LedgerRecordFactory(unit=tree.own, created_by=users.clerk)
    with pytest.raises(ValidationError, match="疑似压缩炸弹"):
        evidence_services.attach_file(
            owner=record, uploaded=SimpleUploadedFile("总结.docx", data), user=users.clerk
        )
    assert not Evidence.objects.exists()
    assert not any(p.is_file() for p in _private_evidence_root.rglob("*"))


# --- script and formula injection -----------------------------------------------------------

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_script_in_text_fields_is_escaped_on_pages(client, users, tree):
    record = LedgerRecordFactory(
        unit=tree.own, created_by=users.clerk, title=SCRIPT[:100], summary=SCRIPT
    )
    client.force_login(users.clerk)
    for url in (reverse("ledger:list"), reverse("ledger:detail", args=[record.pk])):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert" in html


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1)"])
def test_formula_injection_in_excel_export(client, users, tree, text):
    LedgerRecordFactory(unit=tree.own, created_by=users.clerk, title=text)
    client.force_login(users.clerk)
    response = client.get(reverse("ledger:list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("标题") + 1)
    assert cell.data_type == "s"  # text, never a formula
    assert cell.value == "'" + text


def test_exported_guard_is_dropped_on_reimport():
    from luoshi.core.excel_import import TextParser

    assert TextParser(100)("'=1+1") == "=1+1"
    assert TextParser(100)("'普通文本") == "'普通文本"


# --- fuzzing: the Excel import --------------------------------------------------------------

cell_values = st.one_of(
    st.none(),
    st.text(max_size=300),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["2026-03-05", "2026年13月40日", "宣传部", "T1", "=1+1", "0", "-1", " "]),
)


def xlsx_of(rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "fuzz.xlsx"
    return buffer


def _legal(value):
    """openpyxl refuses control characters in cells; a real file cannot carry them either."""
    if isinstance(value, str):
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)
    return value


@FUZZ
@given(
    rows=st.lists(st.lists(cell_values, min_size=0, max_size=14), min_size=0, max_size=8),
    keep_header=st.booleans(),
)
def test_fuzz_ledger_import_all_or_nothing(users, rows, keep_header):
    activity_type = ActivityType.objects.get(code="special_meeting")
    spec = importing.ledger_spec(activity_type)
    sheet_rows = ([spec.headers] if keep_header else []) + [[_legal(v) for v in r] for r in rows]
    before = LedgerRecord.objects.count()
    result = importing.import_records(
        user=users.clerk, activity_type=activity_type, uploaded=xlsx_of(sheet_rows)
    )
    after = LedgerRecord.objects.count()
    if result.ok:
        assert after - before == result.count > 0
    else:
        assert after == before  # nothing half-written
        assert result.errors and all(chinese(e.message) for e in result.errors)


@FUZZ
@given(data=st.binary(max_size=4096))
def test_fuzz_read_rows_on_arbitrary_bytes(data):
    spec = importing.ledger_spec(ActivityType(code="x", name="x", needs_outlet=True))
    rows, errors = read_rows(spec, io.BytesIO(data))
    assert not rows and errors and all(chinese(e.message) for e in errors)


# --- fuzzing: the pack parser ---------------------------------------------------------------

from tests.test_duty_packs import GOOD  # noqa: E402  the well-formed pack, mutated below

scalars = st.one_of(
    st.none(), st.text(max_size=30), st.integers(), st.floats(allow_nan=False), st.booleans()
)


def mutate(node, choices):
    """Replace one value somewhere in a parsed pack by a random scalar or structure."""
    path = []
    while isinstance(node, dict | list) and node and choices.draw(st.booleans()):
        key = choices.draw(
            st.sampled_from(list(node) if isinstance(node, dict) else range(len(node)))
        )
        path.append((node, key))
        node = node[key]
    if not path:
        return
    parent, key = path[-1]
    parent[key] = choices.draw(
        st.one_of(
            scalars,
            st.lists(scalars, max_size=3),
            st.dictionaries(st.text(max_size=8), scalars, max_size=3),
        )
    )


@FUZZ
@given(choices=st.data())
def test_fuzz_pack_parser_mutated_pack(db, choices):
    document = yaml.safe_load(GOOD)
    for _ in range(choices.draw(st.integers(1, 3))):
        mutate(document, choices)
    text = yaml.safe_dump(document, allow_unicode=True)
    try:
        parse_pack(text, file="fuzz.yaml")
    except PackError as error:
        assert error.issues and all(chinese(issue.reason) for issue in error.issues)


@FUZZ
@given(text=st.text(max_size=400))
def test_fuzz_pack_parser_arbitrary_text(db, text):
    try:
        parse_pack(text, file="fuzz.yaml")
    except PackError as error:
        assert error.issues and all(chinese(issue.reason) for issue in error.issues)
