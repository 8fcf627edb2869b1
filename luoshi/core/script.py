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


# The Traditional standards a unit may choose (``Unit.traditional_variant``). All convert
# characters only (s2twp/s2hkp would also swap phrases such as 信息→資訊): a report stays the
# unit's own wording. s2tw is the default: 為/群眾/考核 as seed 002 and Taiwan readers write.
VARIANTS = ("s2tw", "s2hk", "s2t")
DEFAULT_VARIANT = "s2tw"
# Where OpenCC's character table keeps a form the standard's own usage does not: the MOE
# dictionary writes 發布/公布/宣布 (布 is the standard form; 佈 an older variant).
_AFTER = {"s2tw": [("發佈", "發布"), ("公佈", "公布"), ("宣佈", "宣布"), ("頒佈", "頒布")]}


def to_traditional(text: str, variant: str = DEFAULT_VARIANT) -> str:
    if variant not in VARIANTS:
        raise ValueError(f"unknown Traditional variant: {variant!r}")
    text = _converter(variant).convert(text)
    for old, new in _AFTER.get(variant, ()):
        text = text.replace(old, new)
    return text.translate(_TRADITIONAL_QUOTES)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def convert(text: str, script: str, variant: str = DEFAULT_VARIANT) -> str:
    """``script`` is ``"simplified"`` or ``"traditional"``: the script wanted in the output;
    ``variant`` the Traditional standard (one of ``VARIANTS``)."""
    if script == "traditional":
        return to_traditional(text, variant)
    if script == "simplified":
        return to_simplified(text)
    raise ValueError(f"unknown script: {script!r}")
