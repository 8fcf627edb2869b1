"""File formats → the report's text: .txt, .docx (Word numbering rendered), .pdf, .doc/.wps.

Each reader returns one string, one paragraph per line; that string is the ``raw`` every
``source`` span quotes. pdfminer.six and the LibreOffice subprocess are loaded or started
inside the reader that needs them, so that the command and the page only pay for the format
actually uploaded (python-docx is loaded at start-up anyway, by report rendering).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
from django.core.exceptions import ValidationError

from luoshi.core.uploads import check_zip_container

SUFFIXES = (".txt", ".text", ".docx", ".pdf", ".doc", ".wps")
CONVERT_TIMEOUT = 90  # seconds for LibreOffice to turn a .doc/.wps into .docx


class ReportImportError(ValueError):
    """Input that cannot be imported; ``str()`` is a Chinese message for the user."""


def decode(data: bytes) -> str:
    if not data.strip():
        raise ReportImportError("文件为空。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise ReportImportError("无法识别文件编码：请上传 UTF-8 或 GB18030（GBK）编码的文本文件。")


# --- Word numbering (numPr) --------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CN_DIGITS = "〇一二三四五六七八九"
# LibreOffice writes chineseCounting back as taiwaneseCountingThousand after a .doc round trip.
CHINESE_FORMATS = {
    "chineseCounting",
    "chineseCountingThousand",
    "chineseLegalSimplified",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
    "japaneseCounting",
    "ideographDigital",
}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _chinese(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_DIGITS[tens]
    return head + "十" + (CN_DIGITS[ones] if ones else "")


def format_number(n: int, fmt: str) -> str:
    """One counter in Word's ``w:numFmt`` (the formats Chinese reports use; else decimal)."""
    if fmt in CHINESE_FORMATS:
        return _chinese(n)
    if fmt in ("ideographTraditional",):
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return CIRCLED[n - 1] if 0 < n <= len(CIRCLED) else str(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


class WordNumbering:
    """Renders the automatic number of each paragraph from ``numbering.xml`` and the styles."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId → ilvl → level
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num = self._style_numbering(document)
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(W + "abstractNumId"): a for a in numbering.iter(W + "abstractNum")}
        for num in numbering.iter(W + "num"):
            ref = num.find(W + "abstractNumId")
            definition = abstract.get(ref.get(W + "val")) if ref is not None else None
            if definition is not None:
                self.levels[num.get(W + "numId")] = self._levels(definition)

    @staticmethod
    def _val(element, tag: str, default: str = "") -> str:
        child = element.find(W + tag)
        return child.get(W + "val", default) if child is not None else default

    def _levels(self, definition) -> dict[int, tuple[int, str, str]]:
        out = {}
        for lvl in definition.iter(W + "lvl"):
            start = self._val(lvl, "start", "1")
            out[int(lvl.get(W + "ilvl", "0"))] = (
                int(start) if start.isdigit() else 1,
                self._val(lvl, "numFmt", "decimal"),
                self._val(lvl, "lvlText", ""),
            )
        return out

    @staticmethod
    def _num_pr(ppr) -> tuple[str, int] | None:
        num_pr = ppr.find(W + "numPr") if ppr is not None else None
        if num_pr is None:
            return None
        num_id = num_pr.find(W + "numId")
        ilvl = num_pr.find(W + "ilvl")
        if num_id is None:
            return None
        level = ilvl.get(W + "val", "0") if ilvl is not None else "0"
        return num_id.get(W + "val"), int(level) if level.isdigit() else 0

    def _style_numbering(self, document) -> dict[str, tuple[str, int]]:
        out = {}
        try:
            styles = document.styles.element
        except (KeyError, AttributeError):
            return out
        based: dict[str, str] = {}
        for style in styles.iter(W + "style"):
            style_id = style.get(W + "styleId")
            found = self._num_pr(style.find(W + "pPr"))
            if found:
                out[style_id] = found
            parent = style.find(W + "basedOn")
            if parent is not None:
                based[style_id] = parent.get(W + "val")
        for style_id, parent in based.items():  # one level of inheritance is what Word writes
            if style_id not in out and parent in out:
                out[style_id] = out[parent]
        return out

    def marker(self, paragraph) -> str:
        ppr = paragraph.find(W + "pPr")
        found = self._num_pr(ppr)
        if found is None and ppr is not None:
            style = ppr.find(W + "pStyle")
            if style is not None:
                found = self.style_num.get(style.get(W + "val"))
        if found is None:
            return ""
        num_id, ilvl = found
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start = levels[ilvl][0]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]

        def repl(m: re.Match) -> str:
            level = int(m.group(1)) - 1
            if level not in levels:
                return ""
            value = counters.get(level, levels[level][0])
            return format_number(value, levels[level][1])

        return re.sub(r"%(\d)", repl, levels[ilvl][2])


def _paragraph_text(paragraph) -> str:
    parts = []
    for node in paragraph.iter(W + "t", W + "tab", W + "br"):
        if node.tag == W + "t":
            parts.append(node.text or "")
        else:
            parts.append(" ")
    return "".join(parts)


def docx_text(data: bytes, label: str = ".docx") -> str:
    try:  # a .docx is a zip: refuse a zip bomb before python-docx unpacks it
        check_zip_container(io.BytesIO(data), name="docx")
    except ValidationError as exc:
        raise ReportImportError(f"无法读取 {label} 文件：" + " ".join(exc.messages)) from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zipfile.BadZipFile, PackageNotFoundError, lxml errors …
        raise ReportImportError(f"无法读取 {label} 文件：文件已损坏或不是 Word 文档。") from exc
    numbering = WordNumbering(document)
    lines = []
    for paragraph in document.element.body.iter(W + "p"):
        text = _paragraph_text(paragraph)
        if not text.strip():
            continue
        marker = numbering.marker(paragraph)
        lines.append(marker + text)
    return "\n".join(lines)


# --- .doc / .wps through LibreOffice -------------------------------------------------------------


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def legacy_word_text(data: bytes, suffix: str) -> str:
    """A .doc or .wps file converted to .docx by LibreOffice headless, then read as .docx."""
    soffice = soffice_path()
    if soffice is None:
        raise ReportImportError(
            f"服务器未安装 LibreOffice，无法读取 {suffix} 文件；请另存为 .docx 或 .pdf 后上传。"
        )
    with tempfile.TemporaryDirectory(prefix="luoshi-import-") as tmp:
        source = Path(tmp) / f"report{suffix}"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation=file://{tmp}/profile",  # its own profile: runs in parallel
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            tmp,
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ReportImportError(f"{suffix} 文件转换超时，请另存为 .docx 后上传。") from exc
        converted = Path(tmp) / "report.docx"
        if not converted.is_file():
            raise ReportImportError(f"无法读取 {suffix} 文件：文件已损坏或格式无法识别。")
        return docx_text(converted.read_bytes(), label=suffix)


# --- .pdf ------------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    # cycle: .pdf imports this module (ReportImportError); it also loads pdfminer (≈0.1 s)
    from .pdf import pdf_lines

    lines = pdf_lines(data)
    if not any(line.strip() for line in lines):
        raise ReportImportError(
            "PDF 中没有可提取的文字（可能是扫描件或图片）。请先用文字识别（OCR）转换，"
            "或上传 Word/文本版本。"
        )
    return "\n".join(lines)


def file_text(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        return docx_text(data)
    if suffix == ".pdf":
        return pdf_text(data)
    if suffix in (".doc", ".wps"):
        return legacy_word_text(data, suffix)
    if suffix in (".txt", ".text", ""):
        return decode(data)
    raise ReportImportError(
        f"不支持的文件类型“{suffix}”：请上传 .txt、.docx、.doc、.wps 或 .pdf 文件。"
    )
