"""Issue 15 targets on a generated data set: dashboard (root, mid-level), duty progress,
annual report, ledger list — p50/p95, query counts, ratios to the raw SQL floor. The
dashboard twice: as served (repeat views read the per-scope figure cache) and ``*_cold``
(``refresh=1``: computed, as the first view after a write).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_rollups_scale \\
        .venv/bin/python bench/bench_scale.py [--repeat 15] [--year 2025]
    .venv/bin/python bench/bench_scale.py --scale small     # SQLite, var/bench/small.sqlite3

Needs ``manage.py generate_scale`` (any preset) in that database; ``--scale small`` reads the
SQLite file ``bench/run.py --scale small`` generates (``--preset small``) on first use. Requests go through the
whole Django stack in process (test client: middleware, templates), signed in as the
generated ``sN_root`` (本单位及以下 at the root) and ``sN_mid`` (a level-2 unit).

Two SQL references, measured in the same run:
- floor: the one statement that reads every rollup row the dashboard needs (all sources,
  the unit and its direct children by id, the 24 months of the year and the year before):
  what the database cannot do less than;
- live: the ledger panel's count by type for the subtree-year straight from the records
  (what every page paid before the rollups).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--only", help="comma-separated scenario names")
    parser.add_argument(
        "--scale",
        choices=["small"],
        help="small: the SQLite file var/bench/small.sqlite3 of bench/run.py --scale small",
    )
    return parser.parse_args()


ARGS = parse_args()
if ARGS.scale == "small":
    os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench' / 'small.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ["DEBUG"] = "0"

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from luoshi.accounts.models import User  # noqa: E402
from luoshi.core.indicators import SYSTEM  # noqa: E402
from luoshi.units.models import Unit  # noqa: E402


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(function, repeat):
    function()  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        function()
    return {
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "queries": len(captured.captured_queries),
    }


def time_sql(sql, params, repeat):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


FLOOR_SQL = """
SELECT r.source, r.unit_id, r.month, SUM(r.total), SUM(r.counted)
FROM core_rollup r
WHERE r.month BETWEEN %s AND %s AND r.unit_id IN ({ids})
GROUP BY r.source, r.unit_id, r.month
"""
LIVE_SQL = """
SELECT r.activity_type_id, COUNT(*) FROM ledger_ledgerrecord r
JOIN units_unit u ON u.id = r.unit_id
WHERE u.path LIKE %s AND r.date BETWEEN %s AND %s GROUP BY r.activity_type_id
"""


def floors(unit, year):
    first, last = datetime.date(year - 1, 1, 1), datetime.date(year, 12, 1)
    family = [unit.pk] + list(
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).values_list(
            "pk", flat=True
        )
    )
    sql = FLOOR_SQL.format(ids=", ".join(["%s"] * len(family)))
    floor = time_sql(sql, [first, last, *family], ARGS.repeat)
    live = time_sql(
        LIVE_SQL,
        [unit.path + "%", datetime.date(year, 1, 1), datetime.date(year, 12, 31)],
        max(3, ARGS.repeat // 3),
    )
    return floor, live


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def get(client, url):
    def run():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return run


def scenarios(root, mid, root_user, mid_user, year):
    from luoshi.duty.models import DutyList
    from luoshi.duty.services import ensure_default_pack, generate_duty_list
    from luoshi.reports import rendering
    from luoshi.reports.engine import generate, to_document

    dashboard = reverse("dashboard:index")
    duty_list = DutyList.objects.filter(unit=mid, year=year).first()
    if duty_list is None:
        duty_list = generate_duty_list(
            unit=mid, year=year, pack=ensure_default_pack(), user=mid_user
        )
    items = duty_list.items.count()

    def report(render):
        def run():
            draft = generate(mid, year, "annual_summary", user=SYSTEM, subtree=True)
            return render(to_document(draft.content))

        return run

    ledger = reverse("ledger:list") + (
        f"?unit={mid.pk}&unit_scope=subtree&date_from={year}-01-01&date_to={year}-12-31"
    )

    def dashboards():
        """Each dashboard as served, then uncached (刷新: computed, not read from the per-scope
        cache, as the view after any write)."""
        for name, user, unit, target in (
            ("root", root_user, root, "p95 ≤ 200 ms, ≤ 12 queries"),
            ("mid", mid_user, mid, "p95 ≤ 100 ms, ≤ 12 queries"),
        ):
            client = client_for(user)
            yield f"dashboard_{name}", get(client, f"{dashboard}?year={year}"), unit, target
            cold = get(client, f"{dashboard}?year={year}&refresh=1")
            yield f"dash_{name}_cold", cold, unit, f"{target} (uncached)"

    return [
        *dashboards(),
        (
            "duty_progress",
            get(
                client_for(mid_user), reverse("duty:detail", args=[duty_list.pk]) + "?scope=subtree"
            ),
            mid,
            f"≤ 1 query per item ({items} items), p95 ≤ 150 ms",
        ),
        ("ledger_list", get(client_for(mid_user), ledger), mid, "(count from the metric)"),
        ("home_root", get(client_for(root_user), reverse("home")), root, "(SQLite ≤ 500 ms)"),
        ("home_mid", get(client_for(mid_user), reverse("home")), mid, "(SQLite ≤ 500 ms)"),
        ("report_docx", report(rendering.render_docx), mid, "≤ 1.5 s"),
        ("report_pdf", report(rendering.render_pdf), mid, "≤ 3 s"),
    ]


def main():
    year = ARGS.year
    root = Unit.objects.filter(depth=1, code__regex=r"^S[0-9]+-0$").order_by("-pk").first()
    if root is None:
        sys.exit("no generated data: run manage.py generate_scale first")
    tag = root.code.split("-")[0].lower()
    mid = Unit.objects.filter(depth=2, path__startswith=root.path).order_by("path").first()
    root_user = User.objects.get(username=f"{tag}_root")
    mid_user = User.objects.get(username=f"{tag}_mid")
    sizes = {
        "root": Unit.objects.filter(path__startswith=root.path).count(),
        "mid": Unit.objects.filter(path__startswith=mid.path).count(),
    }
    floor = {unit.pk: floors(unit, year) for unit in (root, mid)}
    print(
        f"{connection.vendor}, units {sizes['root']} (mid {sizes['mid']}), year {year}, "
        f"repeat {ARGS.repeat}"
    )
    for unit, name in ((root, "root"), (mid, "mid")):
        print(
            f"SQL {name}: floor (rollup rows) {floor[unit.pk][0]:.1f} ms, "
            f"live ledger count by type {floor[unit.pk][1]:.1f} ms"
        )
    print(
        f"{'scenario':<16}{'p50 ms':>9}{'p95 ms':>9}{'queries':>8}{'×floor':>8}{'×live':>7}  target"
    )
    wanted = set(ARGS.only.split(",")) if ARGS.only else None
    for name, function, unit, target in scenarios(root, mid, root_user, mid_user, year):
        if wanted and name not in wanted:
            continue
        repeat = 3 if name.startswith("report") else ARGS.repeat
        result = timed(function, repeat)
        base, live = floor[unit.pk]
        print(
            f"{name:<16}{result['p50']:>9.1f}{result['p95']:>9.1f}{result['queries']:>8}"
            f"{result['p50'] / base:>8.1f}{result['p50'] / live:>7.2f}  {target}",
            flush=True,
        )


if __name__ == "__main__":
    main()
