"""Helpers for the report tests: read a rendered .docx / .pdf back as text."""

import io
import shutil
import subprocess

import pytest


def rendering_available() -> bool:
    from luoshi.reports import rendering
    from luoshi.reports.document import Document

    try:
        rendering.render_docx(Document(title="t"), script="simplified")
    except NotImplementedError:
        return False
    return True


needs_rendering = pytest.mark.skipif(
    not rendering_available(), reason="luoshi.reports.rendering not merged yet"
)


def docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def pdf_text(data: bytes, tmp_path) -> str:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed"
    source = tmp_path / "report.pdf"
    source.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True
    )
    return result.stdout.decode()


def squeeze(text: str) -> str:
    """Text without whitespace: a PDF line break may fall inside 「15次」."""
    return "".join(text.split())
