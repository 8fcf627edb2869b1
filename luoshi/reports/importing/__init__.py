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
from .metrics import extract, link_subsets
from .structure import build_tree, section_roles

PARSER_VERSION = 2
MIN_HAN = 60
MAX_CHARS = 300_000  # a year's report is a few thousand characters; parsing is ~7 µs/char

# Kind from the title, first rule that matches. 「关于…情况的报告」 and a 情况报告 without a
# period (年/季度/上半年) report on one subject to a superior: 专题报告; a period's 情况报告 or
# 总结/述职 is the annual (or half-year) summary.
KIND_RULES = [
    ("inspection_bulletin", r"通报|督查|督导|巡察|巡查|检查情况"),
    ("risk_screening", r"风险|隐患|排查"),
    ("research_report", r"调研|调查|研究报告"),
    ("special_report", r"专题|关于.*的(?:报告|汇报)$|情况的(?:报告|汇报)"),
    ("annual_summary", r"总结|述职|要点"),
    ("annual_summary", r"(?:\d{4}|[上下]半)年.*(?:报告|汇报)"),
    ("special_report", r"报告|汇报"),
]
YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*年?")
# A year not filled in (「20xx年」「20__年」「202x年」「二〇XX年」): the user gives it.
PLACEHOLDER_YEAR_RE = re.compile(
    r"(?:19|20)[\dxX×＿_]{0,2}[xX×＿_]{1,2}\s*年|二〇[xX×＿_〇一二三四五六七八九]{0,1}[xX×＿_]"
)
CLOSING_DATE_RE = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
KEYS = [
    "text",
    "title",
    "year",
    "script",
    "kind",
    "metadata",
    "sections",
    "metrics",
    "problems",
    "plans",
]


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
    """From the title; a placeholder there gives None; else the body's most named year
    (the closing date line, written the year after, does not count)."""
    m = YEAR_RE.search(title or "")
    if m:
        return int(m.group(1))
    if PLACEHOLDER_YEAR_RE.search(title or ""):
        return None
    counts = Counter(
        int(m.group(1))
        for p in paragraphs
        if not CLOSING_DATE_RE.match(p)
        for m in YEAR_RE.finditer(p)
        if "年" in m.group(0)
    )
    if counts:
        return counts.most_common(1)[0][0]
    return None


def parse_text(raw: str) -> dict:
    """Never raises on any ``str``; use :func:`ensure_report` to refuse non-reports."""
    cleaned = clean(raw)
    paragraphs = [p.text for p in cleaned.paragraphs]
    title = cleaned.title.text if cleaned.title else ""
    tree = build_tree(paragraphs)
    roles = section_roles(tree, paragraphs)

    metrics: list[dict] = []
    section = ""
    tops = {n.para: n.heading for n in tree}
    for index, para in enumerate(cleaned.paragraphs):
        section = tops.get(index, section)
        found = extract(para, raw, section, plan=index in roles.plan_paras)
        link_subsets(found, offset=len(metrics))
        metrics.extend(found)

    text = "\n".join(([title] if title else []) + paragraphs)
    return {
        "text": text,
        "title": title,
        "year": infer_year(title, paragraphs),
        "script": cleaned.script,
        "kind": infer_kind(title, text),
        "metadata": cleaned.metadata,
        "sections": [n.as_dict() for n in tree],
        "metrics": metrics,
        "problems": roles.problems,
        "plans": roles.plans,
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
