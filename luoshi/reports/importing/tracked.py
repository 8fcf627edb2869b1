"""A string that remembers, for every character, where it came from in the raw input.

Cleaning deletes pinyin, joins broken lines and swaps punctuation; a metric found in the
cleaned text must still be quoted exactly as it stands in the file. Every edit here keeps a
position list parallel to the text, so ``raw[span]`` is always recoverable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Tracked:
    text: str
    pos: tuple[int, ...]

    @classmethod
    def of(cls, raw: str, start: int = 0) -> Tracked:
        return cls(raw, tuple(range(start, start + len(raw))))

    def __len__(self) -> int:
        return len(self.text)

    def __bool__(self) -> bool:
        return bool(self.text)

    def __getitem__(self, item: slice) -> Tracked:
        return Tracked(self.text[item], self.pos[item])

    def __add__(self, other: Tracked) -> Tracked:
        return Tracked(self.text + other.text, self.pos + other.pos)

    def strip(self, chars: str | None = None) -> Tracked:
        stripped = self.text.lstrip(chars)
        start = len(self.text) - len(stripped)
        end = start + len(stripped.rstrip(chars))
        return self[start:end]

    def sub(self, pattern: str | re.Pattern, repl: str | Callable[[re.Match], str]) -> Tracked:
        """``re.sub`` keeping positions: same-length replacements map 1:1, others to the
        start of the match."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        out_text: list[str] = []
        out_pos: list[int] = []
        last = 0
        for m in regex.finditer(self.text):
            out_text.append(self.text[last : m.start()])
            out_pos.extend(self.pos[last : m.start()])
            new = repl(m) if callable(repl) else m.expand(repl)
            if len(new) == m.end() - m.start():
                out_pos.extend(self.pos[m.start() : m.end()])
            elif new:
                anchor = self.pos[m.start()] if m.end() > m.start() else self._anchor(m.start())
                out_pos.extend([anchor] * len(new))
            out_text.append(new)
            last = m.end()
        out_text.append(self.text[last:])
        out_pos.extend(self.pos[last:])
        return Tracked("".join(out_text), tuple(out_pos))

    def _anchor(self, index: int) -> int:
        if index < len(self.pos):
            return self.pos[index]
        return self.pos[-1] if self.pos else 0

    def map_chars(self, func: Callable[[str], str]) -> Tracked:
        """Apply a conversion that keeps length (script conversion); falls back per char."""
        converted = func(self.text)
        if len(converted) == len(self.text):
            return Tracked(converted, self.pos)
        return Tracked("".join(func(ch)[:1] or ch for ch in self.text), self.pos)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``[start, end)`` covering cleaned characters ``[start, end)``."""
        if end <= start or not self.pos:
            return (0, 0)
        chunk = self.pos[start:end]
        return (min(chunk), max(chunk) + 1)
