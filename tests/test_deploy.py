"""Production configuration: Redis cache/sessions from REDIS_URL, evidence in S3 from
S3_BUCKET (checked without network), the shipped gunicorn config and units, the shipped nginx
config running for real (Host with its port, one Cache-Control), and — when a Redis
answers on 127.0.0.1:6379 — a real login whose session lives in Redis.
scripts/check_deploy.sh checks the same files with nginx -t, systemd-analyze and an installed
package."""

import http.client
import http.server
import importlib
import json
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
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
    import luoshi.gunicorn_conf as conf

    conf = importlib.reload(conf)  # what `gunicorn -c python:luoshi.gunicorn_conf` reads
    assert conf.bind == "127.0.0.1:9123" and conf.workers == 3
    assert conf.preload_app is True and callable(conf.post_fork)


def test_shipped_service_units_run_the_installed_package():
    units = ROOT / "deploy" / "systemd"
    web = (units / "luoshi-web.service").read_text()
    assert "venv/bin/gunicorn -c python:luoshi.gunicorn_conf luoshi.wsgi" in web
    # collectstatic and migrate happen at install/upgrade time, never at each start
    assert "collectstatic" not in web and "ExecStartPre" not in web
    assert "luoshi run_worker" in (units / "luoshi-worker.service").read_text()
    assert "luoshi run_schedules" in (units / "luoshi-schedules.service").read_text()
    assert "luoshi backup" in (units / "luoshi-backup.service").read_text()
    for timer in ("luoshi-schedules.timer", "luoshi-backup.timer"):
        assert "OnCalendar=" in (units / timer).read_text()
    hardening = (units / "luoshi-.service.d" / "hardening.conf").read_text()
    for line in ("ProtectSystem=strict", "CapabilityBoundingSet=\n", "@system-service"):
        assert line in hardening


def test_the_daily_unit_verifies_the_log_chain_after_the_daily_run():
    # 等保: the audit and login logs' hash chains are checked every day, a break fails the
    # unit; log retention is a daily job of run_schedules (tests/test_audit_chain.py).
    unit = (ROOT / "deploy" / "systemd" / "luoshi-schedules.service").read_text()
    commands = re.findall(r"^ExecStart=/opt/luoshi/venv/bin/luoshi (\w+)", unit, re.M)
    assert commands[0] == "run_schedules" and commands[-1] == "verify_log_chain"


def test_every_units_documentation_is_in_the_documented_checkout():
    # docs/deployment.md clones the project to /opt/luoshi/src
    for unit in sorted((ROOT / "deploy" / "systemd").glob("*.service")):
        for url in re.findall(r"^Documentation=file://(\S+)$", unit.read_text(), re.M):
            assert url.startswith("/opt/luoshi/src/"), (unit.name, url)
            assert (ROOT / url.removeprefix("/opt/luoshi/src/")).is_file(), (unit.name, url)


def _deployment_code_blocks() -> str:
    text = (ROOT / "docs" / "deployment.md").read_text()
    return "\n".join(re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S))


def test_every_luoshi_command_the_operator_is_told_to_run_exists():
    from django.core.management import get_commands

    shipped = "\n".join(f.read_text() for f in (ROOT / "deploy" / "systemd").glob("*.service"))
    text = _deployment_code_blocks() + "\n" + shipped
    named = set(re.findall(r"(?:bin/luoshi|luoshi-admin) ([a-z_]+)", text))
    assert {"migrate", "collectstatic", "backup", "restore", "move_evidence"} <= named
    assert {"run_worker", "run_schedules", "verify_log_chain"} <= named
    assert not named - set(get_commands())


def test_the_upgrade_builds_from_an_empty_build_folder():
    # setuptools builds a source folder in place (src/build/lib) and copies what is there into
    # the wheel: a file the new release removed would be installed again.
    upgrade = (ROOT / "docs" / "deployment.md").read_text().split("### Upgrade")[1]
    upgrade = upgrade.split("\n### ")[0]
    clean = upgrade.index("sudo rm -rf /opt/luoshi/src/build")
    assert clean < upgrade.index("pip install --upgrade /opt/luoshi/src")


def test_env_example_names_the_settings_module():
    example = (ROOT / "deploy" / "luoshi.env.example").read_text()
    assert re.search(r"^DJANGO_SETTINGS_MODULE=luoshi\.settings$", example, re.M)


def test_console_entry_point_runs_django_management(capsys):
    from luoshi.__main__ import main

    main(["help", "run_worker"])
    assert "--worker-id" in capsys.readouterr().out


# --- the shipped nginx.conf, running ------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _EchoHost(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"host": self.headers["Host"]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _site_config(tmp_path, *, https_port, app_port) -> str:
    """deploy/nginx.conf with loopback ports, a throw-away certificate and a temporary static
    folder; everything else as shipped."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = re.sub(r"^\s*listen \[::\]:.*$", "", site, flags=re.M)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{_free_port()};")
    site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
    site = site.replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
    site = site.replace("/etc/ssl/luoshi/", f"{tmp_path}/")
    return site.replace("/opt/luoshi/static/", f"{tmp_path}/static/")


@pytest.fixture
def nginx_in_front(tmp_path):
    if not shutil.which("nginx") or not shutil.which("openssl"):
        pytest.skip("nginx/openssl not installed (scripts/sysdeps.sh installs them)")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=luoshi.example.gov.cn", "-keyout", str(tmp_path / "privkey.pem")]
        + ["-out", str(tmp_path / "fullchain.pem")],
        check=True,
        capture_output=True,
    )
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "app.0123abcd.css").write_text("body{}")
    app = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EchoHost)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    https_port = _free_port()
    site = _site_config(tmp_path, https_port=https_port, app_port=app.server_address[1])
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"user root; daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{ include /etc/nginx/mime.types; access_log off;\n"
        f"include {tmp_path}/site.conf; }}\n"
    )
    nginx = subprocess.Popen(
        ["nginx", "-e", str(tmp_path / "error.log"), "-p", str(tmp_path)]
        + ["-c", str(tmp_path / "nginx.conf")]
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield https_port
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        app.shutdown()


def _get(port, path, host):
    context = ssl._create_unverified_context()  # the throw-away certificate
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=5)
    connection.request("GET", path, headers={"Host": host})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_nginx_passes_the_host_with_its_port(nginx_in_front):
    port = nginx_in_front
    context = ssl._create_unverified_context()
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=5)
    connection.request("GET", "/api/v1/", headers={"Host": f"luoshi.example.gov.cn:{port}"})
    seen = json.loads(connection.getresponse().read())
    assert seen["host"] == f"luoshi.example.gov.cn:{port}"  # API "next" links keep the port


def test_nginx_sends_one_cache_control_for_static_files(nginx_in_front):
    response = _get(nginx_in_front, "/static/app.0123abcd.css", "luoshi.example.gov.cn")
    assert response.status == 200
    values = response.msg.get_all("Cache-Control")
    assert values == ["public, max-age=31536000, immutable"]


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


def test_collectstatic_leaves_out_source_maps_and_unused_apps():
    from django.apps import apps
    from django.contrib.staticfiles import finders

    ignore = apps.get_app_config("staticfiles").ignore_patterns
    paths = {path for finder in finders.get_finders() for path, _ in finder.list(ignore)}
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in paths
    assert "luoshi/app.css" in paths and "admin/css/base.css" in paths
    assert not [path for path in paths if path.endswith(".map")]
    assert not [path for path in paths if path.startswith("rest_framework/")]
