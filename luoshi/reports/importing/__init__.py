"""Past reports (.txt / .docx / .pdf / .doc / .wps) → structured data. Pure: no models, no database.

``parse_text(raw)`` returns the dict documented in docs/report-import.md; ``read_report(path or
bytes)`` decodes a file first. ``ReportImportError`` carries a Chinese message for the user.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .cleaning import HAN_RE, clean
from .formats import SUFFIXES, ReportImportError, file_text
from .metrics import extract
from .structure import build_tree, problems_and_plans

PARSER_VERSION = 1
MIN_HAN = 60
MAX_CHARS = 300_000  # a year's report is a few thousand characters; parsing is ~7 µs/char

KIND_RULES = [
    ("inspection_bulletin", r"通报|督查|督导|巡察|巡查|检查情况"),
    ("risk_screening", r"风险|隐患|排查"),
    ("research_report", r"调研|调查|研究报告"),
    ("special_report", r"专题"),
    ("annual_summary", r"总结|述职|年度|全年|上半年|工作情况"),
    ("special_report", r"报告|汇报"),
]
YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*年?")
KEYS = ["text", "title", "year", "script", "kind", "sections", "metrics", "problems", "plans"]


def read_report(name: str, data: bytes) -> str:
    """The text of an uploaded/opened report (the ``raw`` every ``source`` quotes)."""
    text = file_text(name, data)
    if not text.strip():
        raise ReportImportError("文件没有文字内容。")
    if len(text) > MAX_CHARS:
        raise ReportImportError(
            f"正文超过 {MAX_CHARS // 10000} 万字，不像一份工作报告；请只导入报告本身。"
        )
    return text


def read_path(path: str | Path) -> str:
    path = Path(path)
    if not path.is_file():
        raise ReportImportError(f"找不到文件：{path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportImportError(f"无法读取文件：{path}（{exc.strerror}）") from exc
    return read_report(path.name, data)


def infer_kind(title: str, text: str) -> str:
    for kind, pattern in KIND_RULES:
        if re.search(pattern, title or ""):
            return kind
    head = text[:300]
    for kind, pattern in KIND_RULES[:3]:
        if re.search(pattern, head):
            return kind
    return "annual_summary"


def infer_year(title: str, paragraphs: list[str]) -> int | None:
    m = YEAR_RE.search(title or "")
    if m:
        return int(m.group(1))
    counts = Counter(
        int(m.group(1)) for p in paragraphs for m in YEAR_RE.finditer(p) if "年" in m.group(0)
    )
    if counts:
        year, count = counts.most_common(1)[0]
        if count >= 2:
            return year
    return None


def parse_text(raw: str) -> dict:
    """Never raises on any ``str``; use :func:`ensure_report` to refuse non-reports."""
    cleaned = clean(raw)
    paragraphs = [p.text for p in cleaned.paragraphs]
    title = cleaned.title.text if cleaned.title else ""
    tree = build_tree(paragraphs)
    problems, plans = problems_and_plans(tree, paragraphs)

    metrics: list[dict] = []
    section = ""
    tops = {n.para: n.heading for n in tree}
    for index, para in enumerate(cleaned.paragraphs):
        section = tops.get(index, section)
        metrics.extend(extract(para, raw, section))

    text = "\n".join(([title] if title else []) + paragraphs)
    return {
        "text": text,
        "title": title,
        "year": infer_year(title, paragraphs),
        "script": cleaned.script,
        "kind": infer_kind(title, text),
        "sections": [n.as_dict() for n in tree],
        "metrics": metrics,
        "problems": problems,
        "plans": plans,
        "removed": cleaned.removed,
        "parser_version": PARSER_VERSION,
    }


def ensure_report(parsed: dict) -> dict:
    han = len(HAN_RE.findall(parsed["text"]))
    if han < MIN_HAN:
        raise ReportImportError(f"内容过短（正文仅 {han} 个汉字），不像一份工作报告。")
    if not parsed["sections"] and not re.search(r"报告|总结|汇报|通报|情况", parsed["title"]):
        raise ReportImportError("未识别到标题或“一、”“（一）”等层次结构，不像一份工作报告。")
    return parsed


def parse_file(path: str | Path) -> tuple[str, dict]:
    raw = read_path(path)
    return raw, ensure_report(parse_text(raw))


__all__ = [
    "KEYS",
    "SUFFIXES",
    "ReportImportError",
    "ensure_report",
    "parse_file",
    "parse_text",
    "read_path",
    "read_report",
]
