"""Ledger figures on the demo district, in a throw-away SQLite database.

    .venv/bin/python bench/bench_ledger.py [--records N]

Prints: demo build time; for a 录入员 (本单位), a 单位管理员 (本单位及以下) and the
系统管理员 (全部): median/p95 time and query count of the ledger list page, of a keyword
search, and of the Excel export, plus the export's peak Python memory. ``--records``
first tops the ledger up with synthetic records (bulk, no evidence) to that total, to see
how the pages scale.
"""

import argparse
import datetime
import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="luoshi-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["LUOSHI_VAR_DIR"] = str(TMP)
os.environ["EVIDENCE_ROOT"] = str(TMP / "evidence")
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from luoshi.accounts.models import User  # noqa: E402
from luoshi.ledger.models import ActivityType, LedgerRecord  # noqa: E402


def timed(client, url, repeat):
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return statistics.median(times), p95, queries


def top_up(total):
    missing = total - LedgerRecord.objects.count()
    if missing <= 0:
        return
    units = list(User.objects.filter(unit__isnull=False).values_list("unit_id", flat=True))
    types = list(ActivityType.objects.all())
    start = datetime.date(datetime.date.today().year, 1, 1)
    LedgerRecord.objects.bulk_create(
        [
            LedgerRecord(
                unit_id=units[i % len(units)],
                activity_type=types[i % len(types)],
                date=start + datetime.timedelta(days=i % 320),
                title=f"合成记录 {i} 理论学习",
                summary="基准测试用合成记录",
                outlet_name="示范日报" if types[i % len(types)].needs_outlet else "",
                outlet_level="city" if types[i % len(types)].needs_outlet else "",
            )
            for i in range(missing)
        ],
        batch_size=2000,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("load_demo", stdout=io.StringIO())
    print(
        f"demo build: {time.perf_counter() - start:.1f} s, {LedgerRecord.objects.count()} records"
    )
    if args.records:
        top_up(args.records)
        print(f"topped up to {LedgerRecord.objects.count()} records")

    year = datetime.date.today().year
    print(f"\n{'user':<26}{'page':<10}{'rows':>6}{'median ms':>11}{'p95 ms':>9}{'queries':>9}")
    for role_code in ("clerk", "unit_admin", "admin"):
        user = User.objects.filter(groups__role__code=role_code).order_by("pk").first()
        client = Client()
        client.force_login(user)
        rows = LedgerRecord.objects.for_user(user).count()
        label = f"{user.username} ({role_code})"
        for name, url in (
            ("list", "/ledger/"),
            ("search", f"/ledger/?year={year}&q=学习"),
            ("export", "/ledger/?export=xlsx"),
        ):
            repeat = max(3, args.repeat // 4) if name == "export" else args.repeat
            median, p95, queries = timed(client, url, repeat)
            print(f"{label:<26}{name:<10}{rows:>6}{median:>11.1f}{p95:>9.1f}{queries:>9}")
        tracemalloc.start()
        client.get("/ledger/?export=xlsx")
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
        print(f"{label:<26}{'export':<10}{'':>6}  peak Python memory {peak:.1f} MiB")


if __name__ == "__main__":
    main()
