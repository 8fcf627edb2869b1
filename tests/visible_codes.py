"""Internal codes a user must never read: dictionary codes, metric and indicator keys, file
types and checksums, found in the visible text of a page (not in attributes or scripts)."""

import re
from html.parser import HTMLParser

from django.apps import apps

from luoshi.core import indicators, metrics, registry

HIDDEN_TAGS = {"script", "style", "template", "head", "code-hidden"}
RAW_PATTERNS = [
    re.compile(r"\bapplication/[a-z.+-]+"),
    re.compile(r"\b[0-9a-f]{16,}\b"),  # a checksum (or part of one)
]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_TAGS:
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in HIDDEN_TAGS and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def known_codes() -> set[str]:
    """Every code of the dictionaries and every metric/indicator key (with an underscore or
    longer than a plain word, so that 「training」 in prose is not mistaken for one)."""
    codes = set()
    for dictionary in registry.DICTIONARIES:
        model = apps.get_model(dictionary.model)
        codes.update(model.objects.values_list("code", flat=True))
    codes.update(metrics.registry())
    codes.update(indicators.kinds())
    return {c for c in codes if "_" in c}


def codes_in(html: str, codes: set[str]) -> set[str]:
    text = visible_text(html)
    found = {
        c for c in codes if re.search(rf"(?<![A-Za-z0-9_]){re.escape(c)}(?![A-Za-z0-9_])", text)
    }
    for pattern in RAW_PATTERNS:
        found.update(pattern.findall(text))
    return found
