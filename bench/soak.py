"""Bounded load and soak on loopback: N signed-in users for T seconds against gunicorn.

    .venv/bin/python bench/soak.py                       # 10 users, 60 s (make soak)
    .venv/bin/python bench/soak.py --users 20 --seconds 600

Builds a throw-away SQLite demo district (migrate + load_demo) in a temporary folder,
starts gunicorn on 127.0.0.1 (2 workers), lets each user sign in and walk a fixed set of
pages (home, ledger list/detail/export, tasks, units, duty, risks, notices) in a loop, and
reports requests, errors (any status ≥ 400 or failed request) and the resident memory of
the gunicorn workers: after warm-up, at half time and at the end. Exit status 1 on any
error or if worker memory grew more than ``--max-growth`` (default 15 %) from half time
to the end (flat memory: growth after warm-up means a leak).
"""

import argparse
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "Luoshi@2026demo"
USERS = ["xcb_admin", "xcb_leader", "xcb_clerk", "jyj_clerk", "cgjd_clerk", "reviewer", "inspector"]
PAGES = [
    "/",
    "/ledger/",
    "/ledger/?export=xlsx",
    "/tasks/",
    "/units/",
    "/duty/",
    "/risks/",
    "/notices/",
    "/events/",
    "/publications/",
]


def rss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"VmRSS:\s+(\d+) kB", text)
    return int(match.group(1)) if match else 0


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def memory(master: int) -> int:
    return sum(rss_kib(pid) for pid in worker_pids(master))


class User(threading.Thread):
    def __init__(self, base, username, stop, stats, lock):
        super().__init__(daemon=True)
        self.base, self.username, self.stop, self.stats, self.lock = (
            base,
            username,
            stop,
            stats,
            lock,
        )
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def fetch(self, path, data=None):
        request = urllib.request.Request(self.base + path, data=data)
        if data is not None:
            request.add_header("Referer", self.base + path)
        with self.opener.open(request, timeout=60) as response:
            return response.status, response.read()

    def sign_in(self):
        _status, body = self.fetch("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD}
        ).encode()
        status, body = self.fetch("/accounts/login/", data)
        if b"csrfmiddlewaretoken" in body and b'name="password"' in body:
            raise RuntimeError(f"sign-in of {self.username} failed")

    def record(self, ok, path, detail=""):
        with self.lock:
            self.stats["requests"] += 1
            if not ok:
                self.stats["errors"] += 1
                if len(self.stats["error_samples"]) < 20:
                    self.stats["error_samples"].append(f"{self.username} {path}: {detail}")

    def run(self):
        try:
            self.sign_in()
        except Exception as error:
            self.record(False, "/accounts/login/", repr(error))
            return
        index = 0
        while not self.stop.is_set():
            path = PAGES[index % len(PAGES)]
            index += 1
            try:
                status, _body = self.fetch(path)
                self.record(status < 400, path, str(status))
            except urllib.error.HTTPError as error:
                self.record(False, path, str(error.code))
            except Exception as error:
                self.record(False, path, repr(error))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--max-growth", type=float, default=0.15)
    parser.add_argument("--json", help="also write the result here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="luoshi-soak-") as tmp:
        env = {
            **os.environ,
            "LUOSHI_VAR_DIR": tmp,
            "DATABASE_URL": f"sqlite:///{tmp}/soak.sqlite3",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "TASKS_BACKEND": "immediate",
            "DJANGO_SETTINGS_MODULE": "luoshi.settings",
        }
        env.pop("SECURE_COOKIES", None)
        print("== building the demo district ==", flush=True)
        for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
            subprocess.run(
                [PYTHON, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "luoshi.wsgi",
                "-b",
                f"127.0.0.1:{args.port}",
                "-w",
                str(args.workers),
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{args.port}"
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
                    break
                except Exception:
                    time.sleep(0.5)
            stats = {"requests": 0, "errors": 0, "error_samples": []}
            lock, stop = threading.Lock(), threading.Event()
            users = [
                User(base, USERS[i % len(USERS)], stop, stats, lock) for i in range(args.users)
            ]
            for user in users:
                user.start()
            time.sleep(min(10, args.seconds / 6))  # warm-up: every page imported and cached
            start_rss, started = memory(server.pid), time.monotonic()
            samples = [(0, start_rss)]
            half_rss = start_rss
            while (elapsed := time.monotonic() - started) < args.seconds:
                time.sleep(min(5, args.seconds - elapsed))
                now = time.monotonic() - started
                samples.append((round(now), memory(server.pid)))
                if now >= args.seconds / 2 and half_rss == start_rss:
                    half_rss = samples[-1][1]
            stop.set()
            for user in users:
                user.join(timeout=70)
            end_rss = memory(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)

    growth = (end_rss - half_rss) / half_rss if half_rss else 0.0
    result = {
        "users": args.users,
        "seconds": args.seconds,
        "workers": args.workers,
        "requests": stats["requests"],
        "errors": stats["errors"],
        "requests_per_second": round(stats["requests"] / args.seconds, 1),
        "rss_kib": {"after_warmup": start_rss, "half_time": half_rss, "end": end_rss},
        "growth_second_half": round(growth, 4),
        "samples": samples,
        "error_samples": stats["error_samples"],
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    ok = stats["errors"] == 0 and growth <= args.max_growth and stats["requests"] > 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
