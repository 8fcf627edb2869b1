"""Section tree, problems and plans, from cleaned Simplified paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .cleaning import CN_NUM, ENUM_RE, marker_level

CN_VALUES = {ch: i + 1 for i, ch in enumerate(CN_NUM)}
LEAD_MAX = 50
INLINE_ENUM_RE = re.compile(rf"(?:^|(?<=[。；：！？:;，]))\s*(?:其)?([{CN_NUM}]{{1,2}})(是|要)")
PROBLEM_RE = re.compile(r"问题|不足|短板|差距|薄弱|短处|困难|弱项")
# 风险/隐患 name a problem section (「发现的风险隐患」) but not a section about work on risks
# (「防范化解重大风险」「风险隐患排查开展情况」).
RISK_RE = re.compile(r"风险|隐患")
WORK_RE = re.compile(r"情况|开展|工作|范围|方式|防范|化解|防控|应对|处置|管控|加强|排查(?!发现|出)")
PLAN_RE = re.compile(
    r"下一步|下步|计划|打算|思路|措施|工作方向|努力方向|未来|展望|今后|努力|建议|对策|安排|设想"
    r"|要求|意见"
)
# The clause that introduces an enumeration inside another section.
PROBLEM_CUE_RE = re.compile(
    r"问题|不足|短板|差距|薄弱|隐患|风险|主要表现|发现[：:]|存在[^。]{0,6}[：:]"
)
PLAN_CUE_RE = re.compile(r"下一步|今后|接下来|将[从着重]|建议|措施|打算")
FUTURE_RE = re.compile(
    r"^(下一步|下步|今后|接下来|明年|新的一年|未来|\d{4}年[^。，]{0,20}?将|针对(以上|上述|这些)|为此)"
)


def cn_to_int(text: str) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if len(text) == 1:
        return CN_VALUES.get(text)
    if text[0] == "十":
        return 10 + (CN_VALUES.get(text[1]) or 0)
    if len(text) == 2 and text[1] == "十":
        return (CN_VALUES.get(text[0]) or 0) * 10
    if len(text) == 3 and text[1] == "十":
        return (CN_VALUES.get(text[0]) or 0) * 10 + (CN_VALUES.get(text[2]) or 0)
    return None


def lead_phrase(text: str, marker: str = "") -> str:
    """Up to the first full stop; a long one is cut at its first comma (after the marker)."""
    keep, rest = text[: len(marker)], text[len(marker) :]
    head = re.split(r"[。！？；：]", rest, maxsplit=1)[0]
    if len(head) > LEAD_MAX:
        parts = re.split(r"[，：、]", head)
        cut = parts[0]
        if len(cut) < 4 and len(parts) > 1:
            cut = parts[0] + "，" + parts[1]
        head = cut
    return (keep + head).rstrip("，：:、 ")


@dataclass
class Node:
    heading: str
    level: int
    marker: str
    para: int  # index of the paragraph where it starts
    children: list[Node] = field(default_factory=list)
    body: list[int] = field(default_factory=list)  # paragraphs directly inside
    cue: str = ""  # an enumeration item's role from the clause introducing it: problem/plan

    @property
    def rank(self) -> float:
        """Depth order of marker types: 第一章 above 第一节 above 一、 … above 一是."""
        if self.level == 0 and "节" in self.marker:
            return 0.5
        return self.level

    def as_dict(self) -> dict:
        return {
            "heading": self.heading,
            "level": self.level,
            "marker": self.marker,
            "children": [c.as_dict() for c in self.children],
        }

    @property
    def title(self) -> str:
        return self.heading[len(self.marker) :].strip()

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def build_tree(paragraphs: list[str]) -> list[Node]:
    root = Node("", -1, "", -1)
    stack = [root]
    enum_next: dict[int, int] = {}
    enum_cue: dict[int, str] = {}

    def attach(node: Node) -> None:
        while stack[-1].rank >= node.rank:
            stack.pop()
        stack[-1].children.append(node)
        stack.append(node)

    for index, text in enumerate(paragraphs):
        found = marker_level(text)
        if found:
            level, m = found
            attach(Node(lead_phrase(text, m.group(0)), level, m.group(0).strip(), index))
        else:
            if FUTURE_RE.match(text):
                # 「2020年我街道将……」 opens the plans part of a 问题和打算 section.
                for depth in range(len(stack) - 1, 0, -1):
                    if PLAN_RE.search(stack[depth].title) and stack[depth].level < 5:
                        del stack[depth + 1 :]
                        break
            stack[-1].body.append(index)
        # 一是/二是 … inside the paragraph (or opening it): level-5 lead phrases.
        matches = list(INLINE_ENUM_RE.finditer(text))
        for i, m in enumerate(matches):
            number = cn_to_int(m.group(1))
            top = len(stack) - 1
            while stack[top].level >= 5:
                top -= 1
            parent = stack[top]
            expected = enum_next.get(id(parent), 1)
            after_comma = m.start() > 0 and text[m.start() - 1] == "，"
            if number not in (expected, 1) or (after_comma and (number != expected or number == 1)):
                continue
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            segment = text[m.start() : end].strip()
            node = Node(lead_phrase(segment, m.group(0).strip()), 5, m.group(0).strip(), index)
            if number == 1:
                enum_cue[id(parent)] = _cue(text[: m.start()])
            node.cue = enum_cue.get(id(parent), "")
            del stack[top + 1 :]
            parent.children.append(node)
            stack.append(node)
            enum_next[id(parent)] = number + 1
    return root.children


def _cue(before: str) -> str:
    """The role an enumeration gets from the clause that introduces it (same sentence)."""
    lead = re.split("[。！？]", before)[-1]
    if PROBLEM_CUE_RE.search(lead):
        return "problem"
    if PLAN_CUE_RE.search(lead):
        return "plan"
    return ""


def role_of(title: str, level: int) -> str:
    """problem / plan / both / "" from a section heading."""
    major = level <= 1 or len(title) <= 16
    if not major:
        return ""
    problem = bool(PROBLEM_RE.search(title)) or (
        bool(RISK_RE.search(title)) and not WORK_RE.search(title)
    )
    plan = bool(PLAN_RE.search(title))
    if problem and plan:
        return "both"
    return "problem" if problem else "plan" if plan else ""


def _clauses(paragraph: str) -> list[str]:
    """Items written as clauses of a paragraph: after an introducing 「…：」, split at ；and 。"""
    head, colon, rest = paragraph.partition("：")
    text = rest if colon and not re.search("[。；]", head) and rest.strip() else paragraph
    parts = [p.strip() for p in re.split("[；。！？]", text)]
    return [lead_phrase(p) for p in parts if len(p) >= 4]


@dataclass
class Roles:
    problems: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    plan_paras: set[int] = field(default_factory=set)  # where a figure is a target


def section_roles(tree: list[Node], paragraphs: list[str]) -> Roles:
    """Which headings (or clauses) of a report are its problems and which its plans."""
    collector = _RoleCollector(paragraphs)
    for node in tree:
        collector.visit(node)
    return collector.roles


class _RoleCollector:
    def __init__(self, paragraphs: list[str]):
        self.paragraphs = paragraphs
        self.roles = Roles()

    def items(self, node: Node, start: int = -1, end: int | None = None) -> list[str]:
        """The child headings of ``node`` between two paragraphs, or the clauses of its
        body when it has no children."""
        chosen = [
            c.heading for c in node.children if c.para >= start and (end is None or c.para < end)
        ]
        if chosen or node.children:
            return chosen
        out: list[str] = []
        for i in node.body:
            if i >= start and (end is None or i < end):
                out.extend(_clauses(self.paragraphs[i]))
        return out

    def mark_plan_paras(self, node: Node, start: int = -1) -> None:
        self.roles.plan_paras.update(i for i in _subtree_paras(node) | {node.para} if i >= start)

    def visit(self, node: Node) -> None:
        role = role_of(node.title, node.level) if node.level < 5 else ""
        if role == "both":
            self.split_both(node)
        elif role == "problem":
            self.roles.problems.extend(self.items(node))
        elif role == "plan":
            self.roles.plans.extend(self.items(node))
            self.mark_plan_paras(node)
        else:
            self.visit_children(node)

    def split_both(self, node: Node) -> None:
        """A section of problems and plans together: plans start at the first paragraph
        that speaks of the future."""
        boundary = next(
            (i for i in sorted(_subtree_paras(node)) if FUTURE_RE.match(self.paragraphs[i])),
            None,
        )
        if boundary is None:
            self.roles.problems.extend(self.items(node))
            return
        self.roles.problems.extend(self.items(node, end=boundary))
        self.roles.plans.extend(self.items(node, start=boundary))
        self.mark_plan_paras(node, boundary)

    def visit_children(self, node: Node) -> None:
        for child in node.children:
            if child.level == 5 and child.cue == "problem":
                self.roles.problems.append(child.heading)
            elif child.level == 5 and child.cue == "plan":
                self.roles.plans.append(child.heading)
                self.roles.plan_paras.add(child.para)
            else:
                self.visit(child)


def problems_and_plans(tree: list[Node], paragraphs: list[str]) -> tuple[list[str], list[str]]:
    roles = section_roles(tree, paragraphs)
    return roles.problems, roles.plans


def _subtree_paras(node: Node) -> set[int]:
    out = set(node.body)
    for n in node.walk():
        out.add(n.para)
        out.update(n.body)
    out.discard(node.para)
    return out


__all__ = [
    "ENUM_RE",
    "Node",
    "Roles",
    "build_tree",
    "cn_to_int",
    "lead_phrase",
    "problems_and_plans",
    "section_roles",
]
