"""gunicorn configuration for luoshi, shipped inside the package so that an installed luoshi
needs no checkout: ``gunicorn -c python:luoshi.gunicorn_conf luoshi.wsgi:application``.

Environment: GUNICORN_BIND (default 127.0.0.1:8000, behind the reverse proxy),
GUNICORN_WORKERS (default 2 × cores + 1), GUNICORN_THREADS (default 1),
GUNICORN_TIMEOUT (seconds, default 120: the annual report and big exports stream).
"""

import multiprocessing
import os

from django.db import connections

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (bounded memory growth), staggered so they do not all
# restart at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Load the app once in the master: faster fork, shared read-only memory.
preload_app = True
# Behind nginx on the same host: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "warning")
proc_name = "luoshi"


def post_fork(server, worker):
    # Never share a database connection opened in the master (preload_app) with a worker.
    connections.close_all()
