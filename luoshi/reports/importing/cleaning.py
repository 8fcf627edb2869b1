"""Cleaning a pasted/downloaded report: boilerplate, pinyin, PDF breaks, punctuation, script.

Every step works on :class:`Tracked` lines so that positions in the raw input survive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from luoshi.core.script import to_simplified

from .boilerplate import (
    CHROME_CUT,
    DATE_LABELS,
    EDGE_CUT,
    ENTITY_RE,
    ISSUER_LABELS,
    PIECE_RE,
    SEPARATOR_RE,
    TAG_RE,
    chrome_score,
    fields,
    is_prose,
    is_signature,
    repeated,
)
from .tracked import Tracked

ENTITY_TEXT = {"gt": ">", "lt": "<", "amp": "&", "copy": "©", "middot": "·", "quot": '"'}

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】…—·「」『』〔〕"
HAN_RE = re.compile(f"[{HAN}]")
CJKISH = f"{HAN}{CJK_PUNCT}"

# Heading markers (on cleaned text). Levels: 0 第一部分/第一章/第一节, 1 一、 2 （一）
# 3 1. 4 （1） / 1） / ①.
CN_NUM = "一二三四五六七八九十"
MARKERS = [
    (0, re.compile(rf"^第\s*([{CN_NUM}]{{1,3}}|\d{{1,2}})\s*(部分|章|节|篇)\s*[、.．:：]?")),
    (1, re.compile(rf"^([{CN_NUM}]{{1,3}})\s*[、.．]")),
    (2, re.compile(rf"^[（(]\s*([{CN_NUM}]{{1,3}})\s*[）)]\s*[、.．]?")),
    (3, re.compile(r"^(\d{1,2})\s*[、.．](?!\d)")),
    (4, re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*[、.．]?|^([①-⑳])\s*|^(\d{1,2})[)）](?!\d)")),
]
INLINE_MARKER_RE = re.compile(
    rf"第[{CN_NUM}]{{1,3}}(?:部分|章|节)|[{CN_NUM}]{{1,3}}、|[（(][{CN_NUM}]{{1,3}}[）)]"
    r"|(?<!\d)\d{1,2}[、．.](?!\d)|[（(]\d{1,2}[）)]|[①-⑳]"
)
FIRST_ENUM_RE = re.compile("一[是要]")
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

TITLE_LABEL_RE = re.compile(r"^\s*(标\s*题|题\s*目|文章标题)\s*[:：]\s*")
TITLE_NOISE_RE = re.compile(
    r"\s*[\[【](打印本页|打印|收藏|下载)[\]】]\s*|\s*(范文|例文|模板|范本)(\d+篇)?\s*$"
)
REPORT_WORD_RE = re.compile(r"(报告|总结|汇报|通报|情况|调研|述职|范文|例文|要点|计划)$")


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
    metadata: dict = field(default_factory=dict)  # issuer / date from a portal header


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


def _around(m: re.Match) -> tuple[str, str]:
    """The characters just before and just after a match ("" at either end)."""
    s = m.string
    return (s[m.start() - 1] if m.start() else "", s[m.end()] if m.end() < len(s) else "")


def _full_width(full: str):
    """A replacement making an ASCII mark full-width where Chinese stands beside it (never
    between two digits: 1,000 and 3:2 stay)."""

    def repl(m: re.Match) -> str:
        b, a = _around(m)
        if b.isdigit() and a.isdigit():
            return m.group(0)
        if is_cjkish(b) or is_cjkish(a) or not a:
            return full
        return m.group(0)

    return repl


def _parens(m: re.Match) -> str:
    b, a = _around(m)
    inner = m.group(1)
    if HAN_RE.search(inner) or is_cjkish(b) or is_cjkish(a) or not b:
        return f"（{inner}）"
    return m.group(0)


def _period(m: re.Match) -> str:
    b, a = _around(m)
    if re.fullmatch(rf"\s*[{CN_NUM}]{{1,3}}", m.string[: m.start()]):
        return "."  # 「一.主要做法」 is a heading marker
    if HAN_RE.match(b or " ") and (not a or is_cjkish(a)):
        return "。"
    return "."


def _quotes(line: Tracked) -> Tracked:
    """Straight double quotes in pairs become “…”."""
    if '"' not in line.text or line.text.count('"') % 2:
        return line
    state = {"open": True}

    def quote(_m: re.Match) -> str:
        ch = "“" if state["open"] else "”"
        state["open"] = not state["open"]
        return ch

    return line.sub('"', quote)


def _punctuation(line: Tracked) -> Tracked:
    if not HAN_RE.search(line.text):
        return line
    for ascii_mark, full in ((",", "，"), (":", "："), (";", "；"), (r"\?", "？"), ("!", "！")):
        line = line.sub(ascii_mark, _full_width(full))
    line = line.sub(r"\(([^()\n]{0,80})\)", _parens)
    line = line.sub(r"\.", _period)
    return _quotes(line)


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


def _simplified(lines: list[Tracked]) -> list[str]:
    """Every line in Simplified script, converted in one call (OpenCC per line is slow)."""
    converted = to_simplified("\n".join(line.text for line in lines)).split("\n")
    if len(converted) != len(lines):  # a conversion that touched a line break: one by one
        converted = [to_simplified(line.text) for line in lines]
    return converted


def _strip_markup(line: Tracked) -> Tracked:
    if "<" not in line.text and "&" not in line.text:
        return line
    line = line.sub(TAG_RE, " ")
    return line.sub(ENTITY_RE, lambda m: ENTITY_TEXT.get(m.group(1), " "))


def _inline_cuts(text: str) -> list[int]:
    """Where headings start inside a line whose line breaks were lost (``…成效。二、存在问题一是…``)."""
    cuts: list[int] = []
    last = 0
    for m in INLINE_MARKER_RE.finditer(text):
        p = m.start()
        if p == 0:
            continue
        prev = text[p - 1]
        stretch = text[last:p]
        opened = marker_level(stretch)
        in_heading = (
            opened is not None
            and not re.search("[，。；：！？、,;:!?]", stretch[opened[1].end() :])
            and len(stretch) - opened[1].end() >= 2
            and not m.group(0)[0].isdigit()
        )
        if prev in "。；！？!?;" or prev.isspace() or in_heading:
            cuts.append(p)
            last = p
    return cuts


def _split_inline(line: Tracked) -> list[Tracked]:
    text = line.text
    cuts = _inline_cuts(text)
    bounds = [0, *cuts, len(text)]
    parts = [line[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if a < b]
    out: list[Tracked] = []
    for part in parts:
        found = marker_level(part.text)
        if found:  # 「二、存在的问题一是…」: the enumeration starts right after the heading
            m = FIRST_ENUM_RE.search(part.text, found[1].end() + 2)
            if m and not re.search("[，。；：！？、,;:!?]", part.text[found[1].end() : m.start()]):
                out.extend([part[: m.start()], part[m.start() :]])
                continue
        out.append(part)
    return [p for p in out if p.text.strip()]


def _title_like(text: str, score: float) -> bool:
    s = re.sub(r"\s+", "", text)
    return (
        4 <= len(s) <= 80
        and score < 1.5
        and not re.search("[。；！？]", s)
        and not s.endswith(("：", ":"))
        and bool(HAN_RE.search(s))
        and not marker_level(s)
        and not PIECE_RE.match(s)
        and not fields(s).pairs  # 「标题：…」 is read as a field
        and not SEPARATOR_RE.search(s)  # a breadcrumb is never the title
        and not re.search("[:：]", s)
    )


def _find_title(
    simple: list[str], scores: list[float], markers: list[bool], base: list[float]
) -> tuple[int, int]:
    """(index of the title line or -1, index where the report's text starts). ``base``: the
    scores without the repetition penalty (a title is often printed twice)."""
    body_start = next(
        (
            i
            for i, s in enumerate(simple)
            if is_prose(s, scores[i]) or (markers[i] and scores[i] < CHROME_CUT)
        ),
        len(simple),
    )
    candidates = [
        i
        for i in range(body_start)
        if _title_like(simple[i], base[i]) and len(re.sub(r"\s+", "", simple[i])) >= 6
    ]
    strong = [i for i in candidates if REPORT_WORD_RE.search(_title_key(simple[i]))]
    if strong:
        return strong[-1], body_start
    return (candidates[-1] if candidates else -1), body_start


def _merge_title(lines: list[Tracked], simple: list[str], index: int, stop: int) -> int:
    """A title broken over two lines (PDF): ``关于…情况的`` + ``通报``; returns the last line."""
    key = _title_key(simple[index])
    if index + 1 >= stop:
        return index
    nxt = _title_key(simple[index + 1])
    if REPORT_WORD_RE.search(key) and not (len(nxt) <= 4 and REPORT_WORD_RE.search(nxt)):
        return index  # complete, unless the break fell before 「的报告」「通报」
    if (
        len(nxt) <= 16
        and REPORT_WORD_RE.search(key + nxt)
        and _title_like(key + nxt, 0)
        and not fields(simple[index + 1]).pairs
    ):
        return index + 1
    return index


def _value_below(found, simple: list[str], index: int) -> bool:
    """``发布机构：`` alone on its line, its value alone on the next one."""
    if len(found.pairs) != 1 or found.pairs[0][1] or index + 1 >= len(simple):
        return False
    below = simple[index + 1].strip()
    return (
        bool(below)
        and len(below) <= 60
        and "。" not in below
        and not marker_level(below)
        and not fields(below).pairs
    )


def _iso_date(text: str) -> str:
    m = re.search(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", text)
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else text.strip()


@dataclass
class _Page:
    """The input's lines with what is known of each: Simplified form, heading marker, chrome
    score (``base`` without the repetition penalty)."""

    lines: list[Tracked]
    simple: list[str]
    markers: list[bool]
    base: list[float]
    scores: list[float]

    def is_text(self, i: int) -> bool:
        """A line of the report itself: prose, or a heading that is not chrome."""
        score = self.scores[i]
        return is_prose(self.simple[i], score) or (self.markers[i] and score < CHROME_CUT)


def _page(raw: str) -> _Page:
    loose_pinyin = _count_pinyin(raw) >= 2
    raw_lines = [
        _drop_pinyin(_strip_markup(_normalize_chars(line)).strip(), loose_pinyin)
        for line in _lines(raw)
    ]
    lines: list[Tracked] = []
    for line, whole in zip(raw_lines, _simplified(raw_lines), strict=True):
        if chrome_score(whole, marker=bool(marker_level(whole))) >= CHROME_CUT:
            lines.append(line)  # a chrome line is not cut at its 「(3)」s
        else:
            lines.extend(p.strip() for p in _split_inline(line))
    lines = [line for line in lines if line.text]
    simple = _simplified(lines)
    markers = [bool(marker_level(s) or ENUM_RE.match(s)) for s in simple]
    keys = [re.sub(r"\s+", "", s) for s in simple]
    twice = repeated(keys)
    base = [chrome_score(s, marker=markers[i]) for i, s in enumerate(simple)]
    scores = [b + (3 if keys[i] in twice and not markers[i] else 0) for i, b in enumerate(base)]
    return _Page(lines, simple, markers, base, scores)


def _header_fields(page: _Page, metadata: dict) -> Tracked | None:
    """Portal / print-view fields: fills ``metadata`` (issuer, date), returns the 标题 field."""
    label_title: Tracked | None = None
    simple = page.simple
    for i, s in enumerate(simple):
        found = fields(s)
        if not found.pairs:
            continue
        if _value_below(found, simple, i):  # a table copied cell by cell
            found = type(found)([(found.pairs[0][0], simple[i + 1].strip())])
            page.scores[i + 1] = max(page.scores[i + 1], CHROME_CUT)
            if TITLE_LABEL_RE.match(s) and label_title is None:
                label_title = page.lines[i + 1].sub(TITLE_NOISE_RE, "").strip()
        if found.get(ISSUER_LABELS) and not metadata.get("issuer"):
            metadata["issuer"] = found.get(ISSUER_LABELS)
        if found.get(DATE_LABELS) and not metadata.get("date"):
            metadata["date"] = _iso_date(found.get(DATE_LABELS))
        label = TITLE_LABEL_RE.match(s)
        if label and label_title is None and s[label.end() :].strip():
            label_title = page.lines[i][label.end() :].sub(TITLE_NOISE_RE, "").strip()
    return label_title


def _document_end(page: _Page) -> int:
    """Another document after this one (「篇二：…」 on a 范文 page) is cut off; before any text
    of the report, a 「篇二」 only introduces it."""
    seen_text = False
    for i, s in enumerate(page.simple):
        if PIECE_RE.match(s) and seen_text:
            return i
        seen_text = seen_text or page.is_text(i)
    return len(page.lines)


@dataclass
class _Title:
    line: Tracked | None  # the title (a line, two joined lines, or the 标题 field's value)
    index: int  # its first line, -1 for none or the field
    first: int  # the first line after it
    body_start: int  # the first line of the report's text


def _choose_title(page: _Page, end: int, label_title: Tracked | None) -> _Title:
    index, body_start = _find_title(
        page.simple[:end], page.scores[:end], page.markers[:end], page.base
    )
    found = _Title(None, index, 0, body_start)
    if index >= 0:
        last = _merge_title(page.lines, page.simple, index, body_start)
        line = page.lines[index]
        for extra in page.lines[index + 1 : last + 1]:
            line = line + extra
        found.line, found.first = line.sub(TITLE_NOISE_RE, "").strip(), last + 1
    strong = found.line is not None and REPORT_WORD_RE.search(_title_key(found.line.text))
    if label_title is not None and not strong:
        found.line, found.first = label_title, 0
    return found


def _keep_lines(page: _Page, title: _Title, end: int, removed: list[str]) -> list[Tracked]:
    """The report's lines; the rest goes to ``removed``. Before the title: chrome; between
    the title and the text: what scores ≥ 0.5; in the text: ≥ 2; after the last line of text:
    all but a signature and low-scoring sentences."""
    simple, scores = page.simple, page.scores
    last_text = max((i for i in range(title.body_start, end) if page.is_text(i)), default=end - 1)
    title_key = _title_key(title.line.text) if title.line else None
    body: list[Tracked] = []
    for i, line in enumerate(page.lines):
        s, score = simple[i], scores[i]
        if title.index <= i < title.first:
            continue
        if i < title.first or i >= end:
            drop = True
        elif i < title.body_start:
            drop = score >= EDGE_CUT
        elif i > last_text:
            drop = not (is_signature(simple, i) or (score < EDGE_CUT and re.search("[。！]", s)))
        else:
            drop = score >= CHROME_CUT
        if drop or (title_key and _title_key(s) == title_key):
            removed.append(line.text)
        else:
            body.extend(_split_heading(line))
    return body


def _cut_glued_title(body: list[Tracked], title_key: str, removed: list[str]) -> None:
    """A duplicated title glued to the first paragraph (``…排查报告范文 根据…``)."""
    for i, para in enumerate(body[:3]):
        cut = _glued_title(para, title_key)
        if cut:
            removed.append(para.text[:cut].strip())
            body[i] = para[cut:]
            return


def _join_broken_lines(body: list[Tracked]) -> list[Tracked]:
    """PDF line breaks: a long line that stops mid-sentence continues on the next one."""
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
    return joined


def clean(raw: str) -> Cleaned:
    result = Cleaned(raw=raw)
    # The line caches serve one document (a line is looked at several times), not the next.
    chrome_score.cache_clear()
    fields.cache_clear()
    page = _page(raw)
    label_title = _header_fields(page, result.metadata)
    end = _document_end(page)
    title = _choose_title(page, end, label_title)
    body = _keep_lines(page, title, end, result.removed)
    if title.line:
        _cut_glued_title(body, _title_key(title.line.text), result.removed)
    body = [_punctuation(_join_spaces(p)) for p in body]
    joined = _join_broken_lines([p for p in body if p.text.strip()])

    title_text = _punctuation(_join_spaces(title.line)) if title.line else None
    result.script = detect_script("".join(p.text for p in joined))
    result.paragraphs = [p.map_chars(to_simplified) for p in joined]
    result.title = title_text.map_chars(to_simplified) if title_text else None
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
