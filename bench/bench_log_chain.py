"""Cost of the audit-log hash chain, in a throw-away database.

    .venv/bin/python bench/bench_log_chain.py [--rows N] [--database-url URL]

Writes N login-log rows (bulk, unsealed), then times: sealing them all
(``luoshi.audit.chain.seal``), verifying the chain (``verify``), and the per-row cost of
the normal path (one row written and sealed after its commit, as a sign-in does). Without
``--database-url`` a temporary SQLite file is used; with a PostgreSQL URL, a test database
``test_<name>`` is created and dropped.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="luoshi-bench-"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--database-url", default=f"sqlite:///{TMP / 'bench.sqlite3'}")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["LUOSHI_VAR_DIR"] = str(TMP)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.db import connection, transaction

    from luoshi.audit import chain
    from luoshi.audit.models import LoginLog

    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        rows = [
            LoginLog(username=f"user{n % 500}", event="failure", ip=f"10.0.{n % 250}.{n % 200}")
            for n in range(args.rows)
        ]
        LoginLog.objects.bulk_create(rows, batch_size=2000)
        start = time.perf_counter()
        sealed = chain.seal(LoginLog)
        seal_s = time.perf_counter() - start
        start = time.perf_counter()
        checked, failure = chain.verify(LoginLog)
        verify_s = time.perf_counter() - start
        assert failure is None and checked == sealed == args.rows

        single = []
        for _n in range(200):
            start = time.perf_counter()
            with transaction.atomic():
                LoginLog.objects.create(username="single", event="success", ip="10.9.9.9")
            single.append(time.perf_counter() - start)
        plain = []
        for _n in range(200):
            start = time.perf_counter()
            with transaction.atomic():
                LoginLog.objects.bulk_create([LoginLog(username="plain", event="success")])
            plain.append(time.perf_counter() - start)
        single.sort()
        plain.sort()
        print(f"database: {connection.vendor}")
        print(f"seal {sealed} rows: {seal_s:.2f} s ({seal_s / sealed * 1e6:.0f} µs/row)")
        print(f"verify {checked} rows: {verify_s:.2f} s ({verify_s / checked * 1e6:.0f} µs/row)")
        print(
            f"one row written + sealed after commit: median {single[100] * 1000:.2f} ms, "
            f"p95 {single[190] * 1000:.2f} ms; "
            f"written unsealed (no signal): median {plain[100] * 1000:.2f} ms"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
