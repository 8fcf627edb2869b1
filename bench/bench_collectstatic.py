"""The install/upgrade step `luoshi collectstatic` (STATIC_MANIFEST=1: hashed, compressed),
into an empty temporary folder, the way docs/deployment.md runs it.

    .venv/bin/python bench/bench_collectstatic.py

Prints wall and CPU seconds, the number of files and their size. Target: well inside
systemd's 90 s start timeout even on a busy 2-core server — though it no longer runs at
start at all (see docs/deployment.md for the before/after figures).
"""

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="luoshi-bench-static-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "luoshi.settings",
        "STATIC_MANIFEST": "1",
        "STATIC_ROOT": str(tmp / "static"),
        "LUOSHI_VAR_DIR": str(tmp / "var"),
    }
    command = [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        subprocess.run(command, env=env, check=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        files = [p for p in (tmp / "static").rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files) / 1024 / 1024
        maps = sum(1 for p in files if p.suffix == ".map")
        print(
            f"collectstatic: {wall:.1f} s wall, {cpu:.1f} s CPU, {len(files)} files, "
            f"{size:.1f} MiB, {maps} source maps"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
