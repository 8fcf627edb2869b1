"""/healthz and /readyz: anonymous JSON, 200 when healthy, 503 with the failing check named
(no details), and the worker's heartbeat written by `luoshi run_worker`."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from luoshi.health.models import WorkerHeartbeat
from tests.storage_support import disk_storage_config, evidence_storages

pytestmark = pytest.mark.django_db


def _beat(age_seconds=0):
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="w1",
        hostname="h",
        pid=1,
        started_at=now,
        seen_at=now - timedelta(seconds=age_seconds),
    )


def test_healthz_is_ok_with_a_live_worker_and_needs_no_login(client):
    _beat(age_seconds=5)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok", "worker": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_a_stale_or_missing_worker_heartbeat_is_503(client):
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["worker"] == "missing"
    _beat(age_seconds=600)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["worker"] == "stale"


def test_without_a_worker_backend_the_worker_is_not_watched(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["checks"]["worker"] == "not used"


def test_unreachable_cache_is_503_without_details(client, settings):
    _beat()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "error"
    assert "127.0.0.1" not in response.content.decode()  # no hosts, no exception text


def test_unwritable_evidence_storage_is_503(client, settings, tmp_path):
    _beat()
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with evidence_storages(disk_storage_config(blocker / "evidence")):
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["storage"] == "error"


@pytest.mark.django_db(transaction=True)  # the worker closes a connection found in a transaction
def test_run_worker_writes_the_heartbeat(client):
    call_command("run_worker", "--batch", "--no-startup-delay", worker_id="test-worker")
    beat = WorkerHeartbeat.objects.get(worker_id="test-worker")
    assert timezone.now() - beat.seen_at < timedelta(minutes=1)
    assert client.get("/healthz").json()["checks"]["worker"] == "ok"


def test_readyz_reports_migrations_and_static(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"migrations": "ok", "static": "ok"}}


def test_readyz_is_503_before_collectstatic(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"  # empty: collectstatic never ran
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "luoshi.staticfiles.ManifestStorage"},
    }
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["static"] == "missing"


def test_health_endpoints_are_not_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # a new handler: SecurityMiddleware reads the setting when built
    assert client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 301
