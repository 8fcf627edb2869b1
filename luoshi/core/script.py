"""Chinese script conversion (Simplified ⇄ Traditional), through OpenCC; the one place for it.

Used for Traditional output of generated documents and for normalizing imported reports
to Simplified. Converters are built once per process (building one reads its dictionaries).
"""

from functools import cache

import opencc


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


# Quotation marks: “” ‘’ in Simplified (GB/T 15834), 「」 『』 in Traditional usage.
_TRADITIONAL_QUOTES = str.maketrans({"“": "「", "”": "」", "‘": "『", "’": "』"})


def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text).translate(_TRADITIONAL_QUOTES)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def convert(text: str, script: str) -> str:
    """``script`` is ``"simplified"`` or ``"traditional"``: the script wanted in the output."""
    if script == "traditional":
        return to_traditional(text)
    if script == "simplified":
        return to_simplified(text)
    raise ValueError(f"unknown script: {script!r}")
