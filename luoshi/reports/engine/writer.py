"""The writer every report kind writes with: sections, paragraphs, the facts behind each
number, and the voice of the unit.

Rules it keeps for every kind (docs/reports.md):
- a number is written only through ``Writer.n`` (it records the fact on the section); a fact
  without a value (a rate with no denominator) cannot be written, and a zero is never written
  as an achievement: blocks test ``has`` first and leave the clause out, or report the miss
  among the problems;
- the words for the unit's bodies (党委/党组/党工委…, its 中心组 or none) and the voice of a
  subtree report (「全区各级党组织」) come from the unit type (``Voice``);
- text inside quotation marks that itself holds “” gets ‘’ (『』 once converted to 繁體).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from luoshi.reports.engine.facts import FactBook, compare

NUMERALS = "一二三四五六七八九十"
# Activities whose record title is an article's headline: quoted as 《…》一文, not run into
# the sentence (「如示范区：新时代文明实践站…，阅读量…」 reads as if 示范区 were the actor).
HEADLINES = {"publicity"}
# Blocks write ASCII , ; : ( ) for readability of the code; documents use full-width marks.
FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）"})


def full_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


def quote(text: str) -> str:
    """「“…”」 around ``text``; its own “” become ‘’ (GB/T 15834 nested quotation marks);
    a title already in 《》 stays as it is."""
    inner = " ".join((text or "").split())
    if re.fullmatch(r"《[^《》]*》", inner):  # a title already in 《》 is not wrapped again
        return inner
    inner = inner.replace("“", "‘").replace("”", "’")
    return f"“{inner}”"


DOCUMENT_GENRES = ("通知", "方案", "意见", "办法", "要点", "决定", "规定", "通报", "细则")
# a parenthetical after a document's name (「…的通知（年度）」)
_TRAILER = re.compile(r"[（(][^（）()]*[）)]$")


def document_name(title: str) -> str:
    """A document's name in 《》 (「印发《关于…的通知》」); any other title in “”."""
    title = " ".join((title or "").split()).strip("《》")
    if _TRAILER.sub("", title).endswith(DOCUMENT_GENRES):
        return f"《{title}》"
    return quote(title)


def ordinal(i: int) -> str:
    return NUMERALS[i] if i < len(NUMERALS) else str(i + 1)


@dataclass(frozen=True)
class Voice:
    """How a report names its unit and the unit's bodies (data of the unit type)."""

    who: str  # the unit's full name
    body: str  # its leading party body: 区委/党组/街道党工委/党支部…
    meeting: str  # the meeting that studies ideological work: 党工委会议…
    study_group: str  # its theory study group, "" when it has none
    collective: str  # a subtree report speaks for 「全区各级党组织」/「所属各单位」
    subtree: bool

    @classmethod
    def of(cls, unit, *, subtree: bool) -> Voice:
        kind = unit.unit_type
        return cls(
            who=unit.name,
            body=kind.party_body,
            meeting=kind.meeting_name,
            study_group=kind.study_group,
            collective=kind.subtree_voice,
            subtree=subtree,
        )

    @property
    def actor(self) -> str:
        """Who did the work the report counts: the unit, or its whole subtree."""
        return self.collective if self.subtree else self.who

    @property
    def study(self) -> str:
        """The study the unit's own leaders do: its 中心组, or the members' 集中学习."""
        return f"{self.study_group}集中学习" if self.study_group else "党员集中学习"


@dataclass
class Out:
    key: str
    heading: str
    level: int
    paragraphs: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)


class Writer:
    def __init__(self, book: FactBook, *, plans_input: str = ""):
        self.book = book
        self.plans_input = plans_input
        # a unit with nothing below it speaks for itself even when asked for its subtree
        self.voice = Voice.of(book.unit, subtree=book.subtree and book.unit.numchild > 0)
        self.who = self.voice.who
        self.sections: list[Out] = []
        self.current: Out | None = None

    def open(self, key: str, heading: str, level: int) -> Out:
        out = Out(key, full_width(heading), level)
        self.sections.append(out)
        self.current = out
        return out

    def drop_if_empty(self, out: Out) -> None:
        if not out.paragraphs and not out.charts:
            self.sections.remove(out)
            if self.current is out:
                self.current = self.sections[-1] if self.sections else None

    def n(self, key: str, *, yoy: bool = False) -> str:
        """The number of fact ``key`` as written (「15次」), recorded on the current section."""
        fact = self.book.get(key)
        if fact.value is None:
            raise ValueError(f"fact {key} has no value (a rate without denominator)")
        if key not in self.current.facts:
            self.current.facts.append(key)
        if yoy and fact.previous is not None:
            fact.extra["compared"] = True  # the text states the year-on-year change
        return fact.text + (compare(fact) if yoy else "")

    def own(self, key: str) -> str:
        """The unit's own figure of ``key`` in a subtree report (its 本级 acts)."""
        fact = self.book.own(key)
        return self.n(fact.key)

    def v(self, key: str):
        return self.book.value(key)

    def has(self, key: str) -> bool:
        """A figure worth stating: not zero, and not a rate without denominator."""
        value = self.book.value(key)
        return value is not None and value != 0

    def lead(self, key: str, at_least: float, strong: str, plain: str) -> str:
        """An item's lead phrase: the strong claim (「讲座论坛严格备案」) only when the figure
        ``key`` reaches ``at_least`` (a rate in %, or a count); else the plain one, so that
        the heading never praises what the figures after it refute."""
        value = self.book.value(key)
        return strong if value is not None and value >= at_least else plain

    def stated(self, *figures: tuple[str, str]) -> list[str]:
        """「words N」 for each ``(fact key, words)`` whose figure is worth stating."""
        return [f"{words}{self.n(key)}" for key, words in figures if self.has(key)]

    def with_figures(self, text: str, *figures: tuple[str, str]) -> str:
        """``text`` followed by 「,words N」 for each ``(fact key, words)`` worth stating."""
        return "".join([text, *(f",{clause}" for clause in self.stated(*figures))])

    @property
    def intentions(self) -> list[str]:
        """The plans the user typed for the coming year, one a line, without a closing 。."""
        return [raw.strip().rstrip("。") for raw in self.plans_input.splitlines() if raw.strip()]

    def has_own(self, key: str) -> bool:
        value = self.book.own(key).value
        return value is not None and value != 0

    def actor_for(self, keys: list[str]) -> str:
        """Who did what ``keys`` count: the unit when every one of them is its own act
        (even in a subtree report), else its subtree 「全区各级党组织」."""
        if not self.voice.subtree:
            return self.who
        mine = all(self.book.own(k).value == self.v(k) for k in keys if self.has(k))
        return self.who if mine else self.voice.collective

    def say(self, text: str) -> None:
        if text:
            self.current.paragraphs.append(full_width(text))

    def items(self, lines: list[str], *, style: str = "是") -> None:
        """「一是…。二是…。」 in one paragraph (``style`` 是), or 「1.…」 paragraphs (``.``).

        A single item is said as it is: 「一是」 with no 「二是」 after it is not a list."""
        lines = [line for line in lines if line]
        if len(lines) == 1:
            self.say(lines[0])
        elif style == "是":
            self.say("".join(f"{ordinal(i)}是{line}" for i, line in enumerate(lines)))
        else:
            for i, line in enumerate(lines, start=1):
                self.say(f"{i}{style}{line}")

    def outcome(self, code: str, *, nth: int = 0, lead: str = "") -> str:
        """One record's 成效 as a sentence (the ``nth`` latest with a real outcome), or ""."""
        rows = self.book.outcomes(code, limit=nth + 1)
        if len(rows) <= nth:
            return ""
        title, effect, by = rows[nth]
        if code in HEADLINES:
            title = f"《{title.strip('《》')}》一文"
        return f"{lead}{by}{title},{effect}。"

    def both(self, key: str, *, own: str, whole: str, yoy: bool = False) -> str:
        """「{who}{own}N次」, or in a subtree report 「{collective}{whole}N次,其中{who}本级M次」
        (the unit's own acts kept apart from its subordinates')."""
        if not self.has(key):
            return ""
        if not self.voice.subtree or self.book.own(key).value == self.v(key):
            # alone, or every one of them the unit's own act: said as the unit's
            return f"{self.who}{own}{self.n(key, yoy=yoy)}"
        text = f"{self.voice.collective}{whole}{self.n(key, yoy=yoy)}"
        if self.has_own(key):
            text += f",其中{self.who}{own}{self.own(key)}"
        return text


__all__ = [
    "Voice",
    "Writer",
    "Out",
    "full_width",
    "quote",
    "document_name",
    "ordinal",
    "NUMERALS",
]
