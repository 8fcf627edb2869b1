"""Scoring rules of a pack item (``scoring`` in the pack), applied to the item's duty progress.

The *achievement* of an item is read from ``luoshi.duty.selectors.item_progress`` (the same
live progress the duty list shows), never recomputed differently:

* a count or rate target over one period: the measured share of the target, capped at 100 %;
  over several periods (每半年/每季度/每月): the share of periods that met the target;
* a checklist: the share of sub-items ticked.

*Missing* (for ``deduction``) is what falls short of the target: for a count, the sum over the
periods of (target − count); for a rate, the records short of the target rate; for a
checklist, the sub-items not ticked. Scores are rounded to 0.01.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from luoshi.duty.models import TargetType
from luoshi.duty.selectors import ItemProgress, target_text

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass
class Achievement:
    achieved: Decimal  # % of the target, 0..100
    missing: Decimal  # units short of the target


def _q(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _n(value) -> str:
    value = _q(value)
    return (
        str(value.quantize(Decimal(1))) if value == value.to_integral() else str(value.normalize())
    )


def achievement(progress: ItemProgress) -> Achievement | None:
    """How far the item reached its target; None for a manual item (scored by hand)."""
    item = progress.item
    if item.target_type == TargetType.CHECKLIST:
        total = progress.total or 0
        done = progress.count or 0
        achieved = HUNDRED if not total else Decimal(done) * HUNDRED / total
        return Achievement(_q(achieved), Decimal(total - done))
    if progress.manual or not progress.periods:
        return None
    target = Decimal(item.target or 0)
    missing = Decimal(0)
    shares = []
    for period in progress.periods:
        count = Decimal(period.count or 0)
        if item.target_type == TargetType.RATE:
            total = period.total or 0
            need = math.ceil(Decimal(total) * target / HUNDRED) if total else 0
            missing += max(need - count, 0)
            if not total:
                shares.append(HUNDRED)
            else:
                rate = count * HUNDRED / total
                shares.append(min(rate * HUNDRED / target, HUNDRED) if target else HUNDRED)
        else:
            missing += max(target - count, 0)
            shares.append(min(count * HUNDRED / target, HUNDRED) if target else HUNDRED)
    if len(shares) == 1:
        achieved = shares[0]
    else:
        achieved = Decimal(sum(1 for p in progress.periods if p.met)) * HUNDRED / len(shares)
    return Achievement(_q(achieved), missing)


def score(scoring: dict, result: Achievement) -> Decimal:
    """Apply the item's rule (ratio / all_or_nothing / thresholds / deduction)."""
    points = Decimal(str(scoring.get("points") or 0))
    method = scoring.get("method", "ratio")
    if method == "all_or_nothing":
        return _q(points if result.achieved >= HUNDRED else 0)
    if method == "thresholds":
        for step in scoring.get("thresholds", []):
            if result.achieved >= Decimal(str(step["at_least"])):
                return _q(Decimal(str(step["points"])))
        return _q(0)
    if method == "deduction":
        deduct = scoring.get("deduct", {})
        lost = result.missing * Decimal(str(deduct.get("per_missing") or 0))
        most = Decimal(str(deduct.get("max") or points))
        return _q(max(points - min(lost, most), 0))
    return _q(points * result.achieved / HUNDRED)


def rule_text(item) -> str:
    """The rule in words: target, then how it scores."""
    scoring = item.scoring or {}
    points = _n(scoring.get("points") or 0)
    method = scoring.get("method", "ratio")
    if method == "all_or_nothing":
        how = _("达到目标得 %(p)s 分，未达到得 0 分") % {"p": points}
    elif method == "thresholds":
        steps = "；".join(
            _("达成率≥%(a)s%% 得 %(p)s 分") % {"a": _n(s["at_least"]), "p": _n(s["points"])}
            for s in scoring.get("thresholds", [])
        )
        how = _("按档计分：%(steps)s；其余 0 分") % {"steps": steps}
    elif method == "deduction":
        deduct = scoring.get("deduct", {})
        unit = _("项") if item.target_type != TargetType.COUNT else _("次")
        how = _("扣分制：满分 %(p)s 分，每缺 1 %(u)s扣 %(d)s 分，最多扣 %(m)s 分") % {
            "p": points,
            "u": unit,
            "d": _n(deduct.get("per_missing") or 0),
            "m": _n(deduct.get("max") or scoring.get("points") or 0),
        }
    else:
        how = _("按完成比例计分：%(p)s 分 × 达成率") % {"p": points}
    return _("目标：%(target)s。%(how)s。") % {"target": target_text(item), "how": how}


def value_text(progress: ItemProgress, result: Achievement | None) -> str:
    if result is None:
        return _("无自动统计（%(summary)s）") % {"summary": progress.summary}
    text = _("%(summary)s；达成率 %(a)s%%") % {
        "summary": progress.summary,
        "a": _n(result.achieved),
    }
    if (progress.item.scoring or {}).get("method") == "deduction":
        text += _("；缺 %(m)s") % {"m": _n(result.missing)}
    return text
