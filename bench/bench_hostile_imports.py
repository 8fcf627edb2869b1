"""Hostile files against the imports (issue 13 items 7 and 11): how long and how much memory.

    python bench/bench_hostile_imports.py [--rows 1480000]

1. xlsx: a header and ``--rows`` whitespace-only rows (the attack: 1.48 million rows, 9 MB
   zipped, 195 MB of sheet XML, held a worker 120 s) through ``read_rows`` of the ledger
   import spec. Prints the seconds and the refusal.
2. data package: a zip whose one JSON member unpacks to 480 MB (7 MB zipped; the attack's
   was 3 MB and pushed a worker to 940 MB RSS) through ``read_package``. Prints the
   seconds, the peak memory traced by ``tracemalloc`` and the refusal.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")

import django  # noqa: E402

django.setup()

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
    'workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
    'sheet1.xml"/></Relationships>'
)


def blank_rows_xlsx(headers: list[str], rows: int) -> bytes:
    """A minimal xlsx: the header, then ``rows`` rows whose cells hold only spaces."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            cells = "".join(
                f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                for i, h in enumerate(headers)
            )
            sheet.write(f'<row r="1">{cells}</row>'.encode())
            chunk = []
            for number in range(2, rows + 2):
                chunk.append(
                    f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t xml:space='
                    f'"preserve">   </t></is></c></row>'
                )
                if len(chunk) == 10_000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write("".join(chunk).encode())
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def bench_xlsx(rows: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from luoshi.core.excel_import import read_rows
    from luoshi.ledger.importing import ledger_spec
    from luoshi.ledger.models import ActivityType

    spec = ledger_spec(ActivityType(code="x", name="理论学习", needs_outlet=False))
    data = blank_rows_xlsx(spec.headers, rows)
    upload = SimpleUploadedFile("blank.xlsx", data)
    started = time.perf_counter()
    _rows, errors = read_rows(spec, upload)
    elapsed = time.perf_counter() - started
    print(f"xlsx: {rows} blank rows, {len(data) / 1e6:.1f} MB zipped: {elapsed:.2f} s")
    print(f"  -> {errors[0].message if errors else 'accepted'}")


def bench_package() -> None:
    import hashlib
    import json

    from luoshi.exchange.importer import PackageRefused, read_package

    name = "records/ledger.ledgerrecord.json"
    digest = hashlib.sha256()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        # Lines that compress about 70 times (under the 200 times zip-bomb ratio).
        block = b"".join(
            b'{"id": "x", "fields": {"title": "'
            + b"a" * 160
            + os.urandom(1).hex().encode()
            + b'"}},\n'
            for _ in range(100_000)
        )
        with archive.open(name, "w", force_zip64=True) as member:
            for _ in range(480 * 1024 * 1024 // len(block) + 1):
                member.write(block)
                digest.update(block)
        manifest = {"format": "luoshi-package", "version": 1, "source": "elsewhere"}
        manifest["checksums"] = {name: digest.hexdigest()}  # so that it is read and checked
        archive.writestr("manifest.json", json.dumps(manifest))
    out.seek(0)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        read_package(out)
        outcome = "accepted"
    except PackageRefused as exc:
        outcome = str(exc.problems[0])
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    size = len(out.getvalue()) / 1e6
    print(
        f"package: 480 MB member, {size:.1f} MB zipped: {elapsed:.2f} s, peak {peak / 1e6:.1f} MB"
    )
    print(f"  -> {outcome}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_480_000)
    parser.add_argument("--only", choices=["xlsx", "package"])
    args = parser.parse_args()
    if args.only != "package":
        bench_xlsx(args.rows)
    if args.only != "xlsx":
        bench_package()
