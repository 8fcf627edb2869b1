"""Cleaning a pasted/downloaded report: boilerplate, pinyin, PDF breaks, punctuation, script.

Every step works on :class:`Tracked` lines so that positions in the raw input survive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from luoshi.core.script import to_simplified

from .tracked import Tracked

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】…—·「」『』〔〕"
HAN_RE = re.compile(f"[{HAN}]")
CJKISH = f"{HAN}{CJK_PUNCT}"

# Heading markers (on cleaned text). Levels: 1 一、 2 （一） 3 1. 4 （1） / ①.
CN_NUM = "一二三四五六七八九十"
MARKERS = [
    (1, re.compile(rf"^([{CN_NUM}]{{1,3}})\s*[、.．]")),
    (2, re.compile(rf"^[（(]\s*([{CN_NUM}]{{1,3}})\s*[）)]\s*[、.．]?")),
    (3, re.compile(r"^(\d{1,2})\s*[、.．](?!\d)")),
    (4, re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*[、.．]?|^([①-⑳])")),
]
ENUM_RE = re.compile(rf"^([{CN_NUM}]{{1,2}})(是|要)")

TERMINAL = "。！？；：…!?;:"
TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙǕǗǙǛ"
PINYIN_RE = re.compile(
    rf"(?<=[{HAN}])[(（]\s*([a-zA-Züv{TONE}\u0300-\u036f]{{1,7}}(?:\s?[a-z{TONE}]{{1,3}})?)\s*[)）]"
)
TONE_RE = re.compile(f"[{TONE}\u0300-\u036f]")
SYLLABLE_RE = re.compile(
    r"^(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:a|o|e|i|u|v|ai|ei|ui|ao|ou|iu|ie|ve|er|an|en|in|un|vn|ang|eng|ing|ong|"
    r"ia|iao|ian|iang|iong|ua|uo|uai|uan|uang|ue|ueng)$"
)

_STRONG = [
    r"打印本页|打印此文|关闭窗口|返回顶部|加入收藏|设为首页|分享到|扫一扫|二维码|\[打印",
    r"当前位置\s*[:：]|首页\s*[>›»]|您的位置",
    r"^\s*(上一篇|下一篇|上一页|下一页|相关(文章|阅读|推荐|热词|搜索|链接|范文)|最新(文章|推荐|范文)"
    r"|热门(文章|推荐)|推荐(阅读|文章|范文)|猜你喜欢|延伸阅读|精彩推荐|返回列表)",
    r"版权(声明|所有)|copyright|©|ICP\s*备|powered\s+by|all rights reserved|欢迎光临|免责声明"
    r"|本站(仅|不拥有|不承担|将|所有)|公网安备|工业和信息化部\s*$",
    r"^\s*第?\s*[-—－]?\s*\d{1,4}\s*[-—－]?\s*页?\s*$|^\s*第\s*\d+\s*页|共\s*\d+\s*页\s*$",
    r"^\s*([^\s|｜>›»]{1,8}\s*[|｜>›»]\s*){2,}[^\s|｜>›»]{1,8}\s*$",  # 首页 | 工作动态 | 通知公告
    r"字体\s*[:：]?\s*[【\[]?\s*大\s*中\s*小|(浏览|阅读|点击)次数\s*[:：]",
]
STRONG_RE = re.compile("|".join(_STRONG), re.IGNORECASE)
# Short lines only (a long paragraph may well mention a date or a website).
_SHORT = [
    r"^\s*(作者|来源|出处|发布(时间|日期|人)?|更新时间|时间|日期|编辑|责任编辑|浏览(次数)?|阅读(量|次数)?"
    r"|点击(数|量)?|字号|字体|文章来源|录入|审核)\s*[:：]",
    r"https?://|www\.\S+|[\w.]+@[\w-]+\.\w+",
    r"(下载|收藏|举报|评论|点赞|分享|复制)(本文|此文|文档|全文|链接)?\s*$",
    r"^\s*(上传|下载)(时间|次数|文档)",
]
SHORT_RE = re.compile("|".join(_SHORT), re.IGNORECASE)
SITE_RE = re.compile(r"(网|文库|范文|站|社区|论坛|在线)\s*([_|｜\-—]|$)|[_|｜]")
TITLE_LABEL_RE = re.compile(r"^\s*(标题|题目|文章标题)\s*[:：]\s*")
TITLE_NOISE_RE = re.compile(
    r"\s*[\[【](打印本页|打印|收藏|下载)[\]】]\s*|\s*(范文|例文|模板|范本)(\d+篇)?\s*$"
)
REPORT_WORD_RE = re.compile(r"(报告|总结|汇报|通报|情况|调研|述职|范文|例文)$")
REPORT_HINT_RE = re.compile(r"报告|总结|汇报|通报|调研|述职|排查|情况|工作|要点|计划")


def is_cjkish(ch: str) -> bool:
    return bool(ch) and (bool(HAN_RE.match(ch)) or ch in CJK_PUNCT)


def marker_level(text: str) -> tuple[int, re.Match] | None:
    for level, regex in MARKERS:
        m = regex.match(text)
        if m:
            return level, m
    return None


@dataclass
class Cleaned:
    raw: str
    title: Tracked | None = None
    paragraphs: list[Tracked] = field(default_factory=list)  # simplified, title excluded
    removed: list[str] = field(default_factory=list)
    script: str = "simplified"


def _lines(raw: str) -> list[Tracked]:
    """Non-empty lines (``\n``, ``\r\n`` or a lone ``\r`` ends a line), with positions."""
    return [Tracked.of(m.group(0), m.start()) for m in re.finditer(r"[^\r\n]+", raw)]


_FULLWIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "\u3000": " ",
        "\xa0": " ",
        "\t": " ",
        "\r": " ",
    }
)


def _normalize_chars(line: Tracked) -> Tracked:
    return Tracked(line.text.translate(_FULLWIDTH), line.pos)


def _count_pinyin(raw: str) -> int:
    return sum(1 for m in PINYIN_RE.finditer(raw) if TONE_RE.search(m.group(1)))


def _drop_pinyin(line: Tracked, loose: bool) -> Tracked:
    def repl(m: re.Match) -> str:
        body = m.group(1)
        if TONE_RE.search(body):
            return ""
        if loose and body.islower() and SYLLABLE_RE.match(body.replace(" ", "")):
            return ""
        return m.group(0)

    return line.sub(PINYIN_RE, repl)


def _is_boilerplate(text: str) -> bool:
    s = text.strip()
    if not s:
        return False
    if STRONG_RE.search(s):
        return True
    return bool(len(s) <= 60 and SHORT_RE.search(s))


def _looks_like_site(text: str) -> bool:
    s = text.strip()
    return len(s) <= 30 and not re.search("[。，；！？]", s) and bool(SITE_RE.search(s))


def _title_key(text: str) -> str:
    text = TITLE_LABEL_RE.sub("", text)
    text = TITLE_NOISE_RE.sub("", text)
    return re.sub(r"\s+", "", text)


def _join_spaces(line: Tracked) -> Tracked:
    """Drop whitespace next to Chinese text (PDF extraction and typesetting spaces)."""

    def repl(m: re.Match) -> str:
        s = line.text
        before = s[m.start() - 1] if m.start() > 0 else ""
        after = s[m.end()] if m.end() < len(s) else ""
        if not before or not after or is_cjkish(before) or is_cjkish(after):
            return ""
        return " "

    return line.sub(r"\s+", repl)


def _punctuation(line: Tracked) -> Tracked:
    text = line.text
    if not HAN_RE.search(text):
        return line

    def around(m: re.Match) -> tuple[str, str]:
        s = m.string
        return (s[m.start() - 1] if m.start() else "", s[m.end()] if m.end() < len(s) else "")

    def simple(full: str):
        def repl(m: re.Match) -> str:
            b, a = around(m)
            if b.isdigit() and a.isdigit():
                return m.group(0)
            if is_cjkish(b) or is_cjkish(a) or not a:
                return full
            return m.group(0)

        return repl

    line = line.sub(",", simple("，"))
    line = line.sub(":", simple("："))
    line = line.sub(";", simple("；"))
    line = line.sub(r"\?", simple("？"))
    line = line.sub("!", simple("！"))

    def parens(m: re.Match) -> str:
        b, a = around(m)
        inner = m.group(1)
        if HAN_RE.search(inner) or is_cjkish(b) or is_cjkish(a) or not b:
            return f"（{inner}）"
        return m.group(0)

    line = line.sub(r"\(([^()\n]{0,80})\)", parens)

    def period(m: re.Match) -> str:
        b, a = around(m)
        if re.fullmatch(rf"\s*[{CN_NUM}]{{1,3}}", m.string[: m.start()]):
            return "."  # 「一.主要做法」 is a heading marker
        if HAN_RE.match(b or " ") and (not a or is_cjkish(a)):
            return "。"
        return "."

    line = line.sub(r"\.", period)
    if line.text.count('"') % 2 == 0 and '"' in line.text:
        state = {"open": True}

        def quote(_m: re.Match) -> str:
            ch = "“" if state["open"] else "”"
            state["open"] = not state["open"]
            return ch

        line = line.sub('"', quote)
    return line


def _split_heading(line: Tracked) -> list[Tracked]:
    """``一、总体情况 1.区委将…`` (PDF text) → heading and body on their own lines."""
    found = marker_level(line.text)
    if not found:
        return [line]
    _level, m = found
    spaces = [ws for ws in re.finditer(r"\s+", line.text) if ws.start() > m.end()]
    # Prefer a break followed by an item marker (``二、 存在 问题 一是…``), then one
    # followed by Chinese body text.
    for ws in spaces:
        head, rest = line[: ws.start()], line[ws.end() :]
        if re.search("[。！？；]", head.text) or len(head.text) > 40:
            break
        if marker_level(rest.text) or ENUM_RE.match(rest.text):
            return [head, *_split_heading(rest)]
    for ws in spaces[:1]:
        head, rest = line[: ws.start()], line[ws.end() :]
        if re.search("[。！？；]", head.text) or len(head.text) > 40:
            return [line]
        first_clause = re.split("[，。；：！？,.;:]", rest.text, maxsplit=1)[0]
        if HAN_RE.match(rest.text[:1]) and len(rest.text) >= 10 and len(first_clause) >= 4:
            return [head, rest]
    return [line]


def _glued_title(para: Tracked, title_key: str) -> int:
    """End of a title-like prefix (before a space) similar to the title, or 0."""
    for ws in re.finditer(r"\s+", para.text[:120]):
        head = para.text[: ws.start()]
        if re.search("[，。；：,;:]", head):
            return 0
        key = re.sub(r"\s+", "", head)
        similar = SequenceMatcher(None, _title_key(key), title_key).ratio() >= 0.6
        if len(key) >= 8 and REPORT_WORD_RE.search(key) and similar:
            return ws.end()
    return 0


def _is_heading_only(text: str) -> bool:
    return bool(marker_level(text)) and "。" not in text


def _ends_sentence(text: str) -> bool:
    t = text.rstrip()
    if not t:
        return True
    if t[-1] in TERMINAL:
        return True
    return t[-1] in "”’」』）)" and len(t) > 1 and t[-2] in TERMINAL


def clean(raw: str) -> Cleaned:
    result = Cleaned(raw=raw)
    loose_pinyin = _count_pinyin(raw) >= 2
    lines: list[Tracked] = []
    title_candidate: Tracked | None = None
    for line in _lines(raw):
        line = _normalize_chars(line).strip()
        if not line:
            continue
        label = TITLE_LABEL_RE.match(to_simplified(line.text))
        if label:
            result.removed.append(line.text)
            if title_candidate is None:
                cand = line[label.end() :].sub(TITLE_NOISE_RE, "").strip()
                title_candidate = _drop_pinyin(cand, loose_pinyin)
            continue
        unpinyined = _drop_pinyin(line, loose_pinyin)
        if _is_boilerplate(to_simplified(unpinyined.text)):
            result.removed.append(line.text)
            continue
        lines.append(unpinyined)

    # Title: the explicit 标题: label, else the first short line without a full stop;
    # short site-name lines before it are page chrome.
    start = 0
    if title_candidate is None:
        for i, line in enumerate(lines):
            t = line.text
            if _looks_like_site(t) and not REPORT_HINT_RE.search(t):
                continue
            if len(t) <= 80 and "。" not in t and not marker_level(t) and HAN_RE.search(t):
                title_candidate = line.sub(TITLE_NOISE_RE, "").strip()
                start = i + 1
            break
        for line in lines[: max(start - 1, 0)]:
            result.removed.append(line.text)
        lines = lines[start:]
    title_key = _title_key(title_candidate.text) if title_candidate else None

    body: list[Tracked] = []
    for line in lines:
        if title_key and _title_key(line.text) == title_key:
            result.removed.append(line.text)
            continue
        if _looks_like_site(line.text) and not body and not REPORT_HINT_RE.search(line.text):
            result.removed.append(line.text)
            continue
        body.extend(_split_heading(line))

    # A duplicated title glued to the first paragraph (``…排查报告范文 根据…``).
    if title_key:
        for i, para in enumerate(body[:3]):
            cut = _glued_title(para, title_key)
            if cut:
                result.removed.append(para.text[:cut].strip())
                body[i] = para[cut:]
                break

    body = [_punctuation(_join_spaces(p)) for p in body]
    body = [p for p in body if p.text.strip()]

    # PDF line breaks: a long line that stops mid-sentence continues on the next one.
    joined: list[Tracked] = []
    for para in body:
        if joined:
            prev = joined[-1]
            nxt = para.text
            if (
                len(prev.text) >= 20
                and not _ends_sentence(prev.text)
                and not _is_heading_only(prev.text)
                and not marker_level(nxt)
                and not ENUM_RE.match(nxt)
            ):
                joined[-1] = prev + para
                continue
        joined.append(para)

    title = _punctuation(_join_spaces(title_candidate)) if title_candidate else None
    han_text = "".join(p.text for p in joined)
    result.script = detect_script(han_text)
    result.paragraphs = [p.map_chars(to_simplified) for p in joined]
    result.title = title.map_chars(to_simplified) if title else None
    return result


def detect_script(text: str) -> str:
    han = HAN_RE.findall(text)
    if not han:
        return "simplified"
    sample = "".join(han)
    simplified = to_simplified(sample)
    if len(simplified) != len(sample):
        changed = abs(len(simplified) - len(sample))
    else:
        changed = sum(1 for a, b in zip(sample, simplified, strict=True) if a != b)
    return "traditional" if changed >= max(3, 0.03 * len(han)) else "simplified"
