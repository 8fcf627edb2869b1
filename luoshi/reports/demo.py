"""Demo data of the reports app: last year's 年度工作总结 of 区委宣传部 as a baseline.

The text (``demo_data/xcb_annual_summary.txt``) is written in the style of a downloaded report
(a print link, a 来源/发布时间 line, a repeated title) and goes through the real importer.
"""

from pathlib import Path

from .baselines import save_baseline
from .importing import ensure_report, parse_text
from .models import Baseline, ReportKind

DEMO_UNIT = "D02"  # 区委宣传部
DEMO_FILE = Path(__file__).parent / "demo_data" / "xcb_annual_summary.txt"


def demo_report_text(year: int) -> str:
    return DEMO_FILE.read_text(encoding="utf-8").format(year=year, next_year=year + 1)


def ensure_baselines(*, today, units, logins, added) -> None:
    """Import the previous year's summary of 区委宣传部 once (idempotent)."""
    added.setdefault("baselines", 0)
    unit = units.get(DEMO_UNIT)
    user = logins.get("xcb_admin") or logins.get("admin")
    if unit is None or user is None:
        return
    year = today.year - 1
    if Baseline.objects.filter(unit=unit, year=year, kind=ReportKind.ANNUAL_SUMMARY).exists():
        return
    parsed = ensure_report(parse_text(demo_report_text(year)))
    save_baseline(
        unit=unit,
        year=year,
        kind=ReportKind.ANNUAL_SUMMARY,
        parsed=parsed,
        user=user,
        source_name=f"区委宣传部{year}年意识形态工作总结.txt",
    )
    added["baselines"] += 1
