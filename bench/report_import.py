"""Parse time of the past-report importer on the seeds and on a 1 MB report.

DJANGO_SETTINGS_MODULE=luoshi.settings .venv/bin/python bench/report_import.py
"""

import time
from pathlib import Path

import django

django.setup()

from luoshi.reports.importing import parse_text  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "report_seeds"


def timed(raw: str) -> tuple[float, dict]:
    start = time.perf_counter()
    parsed = parse_text(raw)
    return time.perf_counter() - start, parsed


for path in sorted(SEEDS.glob("*.txt")):
    raw = path.read_text(encoding="utf-8")
    seconds, parsed = timed(raw)
    print(
        f"{path.name}: {len(raw):>6} chars, {len(parsed['metrics']):>3} metrics, {seconds * 1000:.0f} ms"
    )

big = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
big = big * (1_000_000 // len(big.encode()) + 1)
seconds, parsed = timed(big)
print(f"1 MB report: {len(big)} chars, {len(parsed['metrics'])} metrics, {seconds:.2f} s")
