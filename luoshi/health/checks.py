"""What /healthz and /readyz report. Each check answers a short status word and never raises;
the reason of a failure goes to the log, never into the response (no hosts, paths or
exception text for an unauthenticated caller)."""

import logging
import os
import secrets
import socket
from datetime import timedelta

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.tasks import task_backends
from django.tasks.backends.immediate import ImmediateBackend
from django.utils import timezone

from luoshi.evidence.storage import active_store
from luoshi.health.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

OK = "ok"
ERROR = "error"
# Files every page loads: present in STATIC_ROOT (collectstatic ran) or, without the
# manifest (development), found by the finders.
STATIC_PROBES = ("luoshi/app.css", "vendor/bootstrap/css/bootstrap.min.css")


def _guarded(name, check) -> str:
    try:
        return check()
    except Exception:
        logger.exception("health check %s failed", name)
        return ERROR


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def _cache() -> str:
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, 10)
    stored = cache.get(key)
    cache.delete(key)
    return OK if stored == value else ERROR


def _storage() -> str:
    """The evidence store in use: its folder writable, or its bucket answering."""
    return OK if active_store().reachable() else ERROR


def _worker() -> str:
    if isinstance(task_backends["default"], ImmediateBackend):
        return "not used"  # jobs run inside the request: there is no worker to watch
    newest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
    seen_at = newest.first()
    if seen_at is None:
        return "missing"
    stale_after = timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
    return OK if timezone.now() - seen_at <= stale_after else "stale"


def health() -> dict[str, str]:
    checks = {"database": _database, "cache": _cache, "storage": _storage, "worker": _worker}
    return {name: _guarded(name, check) for name, check in checks.items()}


def _migrations() -> str:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return OK if not plan else "pending"


def _static() -> str:
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        try:
            names = [staticfiles_storage.stored_name(name) for name in STATIC_PROBES]
        except ValueError:  # not in the manifest: collectstatic did not run (or is stale)
            return "missing"
        return OK if all(staticfiles_storage.exists(name) for name in names) else "missing"
    return OK if all(finders.find(name) for name in STATIC_PROBES) else "missing"


def readiness() -> dict[str, str]:
    checks = {"migrations": _migrations, "static": _static}
    return {name: _guarded(name, check) for name, check in checks.items()}


def beat(worker_id: str, started_at) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": timezone.now(),
        },
    )
