"""The metric layer on the demo district, in a throw-away SQLite database.

    .venv/bin/python bench/bench_metrics.py [--repeat N] [--date YYYY-MM-DD]

Builds the demo, then prints for the district (D00) as its leader sees it (median and max of
N runs, and the query count): duty progress of the district's 责任清单 (own and subtree),
``dashboard()`` for the year, and every metric's ``table`` (direct children × the year and
its quarters, one GROUP BY each).
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

from luoshi.accounts.models import User  # noqa: E402
from luoshi.core import metrics  # noqa: E402
from luoshi.dashboard import selectors as dashboard  # noqa: E402
from luoshi.demo import district as demo  # noqa: E402
from luoshi.duty.models import DutyList  # noqa: E402
from luoshi.duty.selectors import list_progress  # noqa: E402
from luoshi.units.models import Unit  # noqa: E402


def timed(label, func, repeat):
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            func()
            times.append((time.perf_counter() - start) * 1000)
    queries = len(captured.captured_queries)
    print(
        f"{label:<48} median {statistics.median(times):7.1f} ms  max {max(times):7.1f} ms"
        f"  {queries:3d} queries"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--date", default="2026-11-24")
    args = parser.parse_args()
    today = datetime.date.fromisoformat(args.date)
    call_command("migrate", verbosity=0)
    demo.build_demo(today=today)
    leader = User.objects.get(username="qw_leader")
    leader.has_perm("dashboard.view_dashboard")  # load permissions once
    district = Unit.objects.get(code="D00")
    duty_list = DutyList.objects.select_related("unit").get(unit=district, year=today.year)
    items = duty_list.items.count()
    units = Unit.objects.filter(path__startswith=district.path).count()
    print(f"demo district: {units} units, duty list of {items} items, as of {today}")
    for subtree in (False, True):
        timed(
            f"duty progress ({'subtree' if subtree else 'own'})",
            lambda s=subtree: list_progress(duty_list, user=leader, subtree=s, today=today),
            args.repeat,
        )
    period = dashboard.period_for(today.year)
    timed(
        "dashboard() year",
        lambda: dashboard.dashboard(leader, district, period, today=today),
        args.repeat,
    )
    children = list(Unit.objects.filter(path__startswith=district.path, depth=district.depth + 1))
    spans = [(period.start, period.end)] + [
        (p.start, p.end) for p in (dashboard.period_for(today.year, q) for q in (1, 2, 3, 4))
    ]
    for key in sorted(metrics.registry()):
        timed(
            f"table {key} (children x 5 periods)",
            lambda k=key: metrics.table(
                k, user=leader, unit=district, periods=spans, branches=children, today=today
            ),
            args.repeat,
        )


if __name__ == "__main__":
    main()
