"""Production configuration: Redis cache/sessions from REDIS_URL, evidence in S3 from
S3_BUCKET (checked without network), the shipped gunicorn config, and — when a Redis
answers on 127.0.0.1:6379 — a real login whose session lives in Redis."""

import runpy
import socket
from pathlib import Path

import pytest
from django.core.cache import caches

from luoshi.settings import cache_config, evidence_storage_config

ROOT = Path(__file__).resolve().parent.parent


def test_without_redis_url_sessions_stay_in_the_database():
    caches_conf, engine = cache_config({})
    assert caches_conf["default"]["BACKEND"].endswith("LocMemCache")
    assert engine == "django.contrib.sessions.backends.db"


def test_redis_url_puts_cache_and_sessions_in_redis():
    caches_conf, engine = cache_config({"REDIS_URL": "redis://cache.internal:6379/2"})
    assert caches_conf["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert caches_conf["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    assert engine == "django.contrib.sessions.backends.cache"


def test_evidence_on_local_disk_by_default(settings):
    config = evidence_storage_config({})
    assert config["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert config["OPTIONS"]["base_url"] is None  # never served as media


def test_s3_bucket_puts_evidence_in_private_object_storage():
    env = {
        "S3_BUCKET": "luoshi-evidence",
        "S3_ENDPOINT_URL": "https://minio.example.gov.cn",
        "S3_REGION": "cn-north-1",
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "S3_ADDRESSING_STYLE": "path",
    }
    config = evidence_storage_config(env)
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    from storages.backends.s3 import S3Storage

    storage = S3Storage(**config["OPTIONS"])  # no network until a file is touched
    assert storage.bucket_name == "luoshi-evidence"
    assert storage.location == "evidence"
    assert storage.default_acl == "private" and storage.querystring_auth
    assert storage.endpoint_url == "https://minio.example.gov.cn"
    assert storage.region_name == "cn-north-1"
    assert storage.access_key == "AKIDEXAMPLE"
    assert storage.addressing_style == "path"
    assert storage.file_overwrite is False
    # AWS_STORAGE_BUCKET_NAME (django-storages' own name) works too
    assert (
        evidence_storage_config({"AWS_STORAGE_BUCKET_NAME": "b"})["OPTIONS"]["bucket_name"] == "b"
    )


def test_gunicorn_config_reads_its_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9123")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert conf["bind"] == "127.0.0.1:9123" and conf["workers"] == 3
    assert conf["preload_app"] is True and callable(conf["post_fork"])


def test_shipped_service_units_run_the_right_commands():
    units = ROOT / "deploy" / "systemd"
    assert "gunicorn -c deploy/gunicorn.conf.py" in (units / "luoshi-web.service").read_text()
    assert "manage.py db_worker" in (units / "luoshi-worker.service").read_text()
    assert "manage.py run_schedules" in (units / "luoshi-schedules.service").read_text()
    assert "OnCalendar=" in (units / "luoshi-schedules.timer").read_text()


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_session_lives_in_the_real_redis(settings, users):
    caches_conf, engine = cache_config({"REDIS_URL": "redis://127.0.0.1:6379/14"})
    caches_conf["default"]["KEY_PREFIX"] = "luoshi-test"
    settings.CACHES = caches_conf
    settings.SESSION_ENGINE = engine
    cache = caches["default"]
    cache.clear()
    try:
        cache.set("probe", {"units": 20000}, 30)
        assert cache.get("probe") == {"units": 20000}

        from django.contrib.sessions.backends.cache import KEY_PREFIX, SessionStore

        session = SessionStore()
        session["_auth_user_id"] = str(users.clerk.pk)
        session.save()
        stored = cache.get(KEY_PREFIX + session.session_key)
        assert stored and stored["_auth_user_id"] == str(users.clerk.pk)
        # it is really in Redis (not a local cache): another client sees the key
        import redis

        raw = redis.Redis.from_url("redis://127.0.0.1:6379/14")
        assert any(session.session_key in k.decode() for k in raw.keys("luoshi-test*"))
        assert SessionStore(session.session_key).load()["_auth_user_id"] == str(users.clerk.pk)
        session.delete()
        assert cache.get(KEY_PREFIX + session.session_key) is None
    finally:
        cache.clear()
