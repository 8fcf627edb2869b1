"""Report generation on the demo district, in a throw-away SQLite database.

    .venv/bin/python bench/bench_reports.py [--repeat N] [--date YYYY-MM-DD]

Builds the demo, then times (median and max of N runs) generating the district's (D00)
年度工作总结 with its subtree: the engine alone (records → sections and facts, with its
query count), and the whole ``generate_report`` path to .docx and to .pdf (engine +
rendering), in Simplified script. Prints the figures; rendering not yet available is
reported as such.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="luoshi-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["LUOSHI_VAR_DIR"] = str(TMP)
os.environ["EVIDENCE_ROOT"] = str(TMP / "evidence")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from luoshi.core.indicators import SYSTEM  # noqa: E402
from luoshi.demo import district as demo  # noqa: E402
from luoshi.reports import engine, services  # noqa: E402
from luoshi.reports.models import ReportKind  # noqa: E402
from luoshi.units.models import Unit  # noqa: E402


def measure(func, repeat):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--date", default="2026-11-24")
    args = parser.parse_args()
    today = datetime.date.fromisoformat(args.date)

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    demo.build_demo(today=today)
    print(f"demo build: {time.perf_counter() - start:.1f} s")
    root = Unit.objects.get(code="D00")

    def generate():
        return engine.generate(
            root, today.year, ReportKind.ANNUAL_SUMMARY, user=SYSTEM, subtree=True, today=today
        )

    with CaptureQueriesContext(connection) as ctx:
        draft = generate()
    median, worst, draft = measure(generate, args.repeat)
    print(
        f"engine, D00 annual summary with subtree: median {median:.0f} ms, max {worst:.0f} ms, "
        f"{len(ctx.captured_queries)} queries, {len(draft.facts)} facts, "
        f"{len(draft.content['sections'])} sections"
    )
    for fmt in ("docx", "pdf"):

        def full(fmt=fmt):
            return services.render(generate().content, fmt=fmt, script="simplified")

        try:
            median, worst, data = measure(full, args.repeat)
        except NotImplementedError:
            print(f"{fmt}: rendering not available yet (luoshi.reports.rendering stub)")
            continue
        print(
            f"generate + render {fmt}: median {median:.0f} ms, max {worst:.0f} ms, "
            f"{len(data) // 1024} KB (n={args.repeat})"
        )


if __name__ == "__main__":
    main()
