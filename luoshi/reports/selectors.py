"""Reads of the reports module: the editor's sections with their numbers linked to the
records they count.

Numbers are linked *by value*: a section stores the keys of the facts it states; in the
page every occurrence of a fact's written form (「15次」, 「67.57%」) in that section's text
becomes a link to the records of that fact. A person's edit that keeps the number keeps
the link; a number a person typed that is not a fact stays plain text.
"""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from luoshi.core.script import convert
from luoshi.reports.models import Report


def reports_for(user):
    return Report.objects.for_user(user).select_related("unit", "created_by")


def highlight(text: str, facts: dict, keys: list[str]) -> str:
    """``text`` as HTML paragraphs with the numbers of ``keys`` linked to their records."""
    by_text: dict[str, list[dict]] = {}
    for key in keys:
        fact = facts.get(key)
        if fact:
            by_text.setdefault(escape(fact["text"]), []).append(fact)
    paragraphs = []
    pattern = None
    if by_text:
        alternatives = "|".join(re.escape(t) for t in sorted(by_text, key=len, reverse=True))
        pattern = re.compile(rf"(?<![\d.])(?:{alternatives})")

    def link(match):
        found = by_text[match.group(0)]
        title = ";".join(f"{f['label']}:{f['text']}" for f in found)
        return format_html(
            '<a href="{}" class="ls-fact" target="_blank" title="{}" data-testid="fact"'
            ' data-fact="{}">{}</a>',
            found[0]["url"],
            title,
            found[0]["key"],
            match.group(0),
        )

    for line in text.splitlines():
        if not line.strip():
            continue
        html: str = escape(line)
        if pattern is not None:
            html = pattern.sub(link, html)
        paragraphs.append(f"<p>{html}</p>")
    return mark_safe("".join(paragraphs))


def editor_sections(version, *, script: str = "simplified") -> list[dict]:
    facts = version.facts
    rows = []
    for section in version.content.get("sections", []):
        variant = version.content.get("traditional_variant") or "s2tw"  # the unit's standard
        text = (
            section["text"] if script == "simplified" else convert(section["text"], script, variant)
        )
        rows.append(
            {
                **section,
                "html": highlight(text, facts, section.get("facts", [])),
                "fact_rows": [facts[k] for k in section.get("facts", []) if k in facts],
            }
        )
    return rows


def data_check(version) -> list[dict]:
    """「数据核对」: every number the draft states, once, in reading order, with what it counts
    (its label), the scope and period it was counted for and the list of its records.
    A number whose section a person rewrote is marked: the text may no longer state it."""
    facts = version.facts
    rows, seen = [], set()
    for section in version.content.get("sections", []):
        for key in section.get("facts", []):
            if key in seen or key not in facts:
                continue
            seen.add(key)
            fact = facts[key]
            rows.append(
                {
                    **fact,
                    "section": section.get("heading") or "开头",
                    "stated": fact.get("text", "") in section.get("text", ""),
                }
            )
    return rows
