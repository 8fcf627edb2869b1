"""Evidence storage figures: moving evidence disk → S3, the resumed run, and a backup of
evidence that lives in S3, against an S3 server on loopback (moto's server mode, started
here, in a process of its own) in a throw-away SQLite database.

    .venv/bin/python bench/bench_evidence_storage.py [--files N] [--kib K]

Prints, for N distinct files of K KiB each: files/s and MiB/s of ``move_evidence --to s3``
(copy, hash while copying, read back and compare), of the same command run again (every
file found intact in the bucket and skipped: this is what resuming costs), and of
``backup`` reading them from the bucket; plus the ratio resumed/fresh. moto is a Python
server answering a request in tens of milliseconds here, so the absolute rates say little
about a real MinIO; the ratios show where the time goes (a fresh copy is five requests per
file, a skipped one is one GET: every file is read back whole to check its SHA-256).
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="luoshi-bench-"))
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit("moto server did not start")


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--kib", type=int, default=256)
    args = parser.parse_args()

    port = free_port()  # moto's server in a process of its own (not sharing our GIL)
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(port)
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update(
        DATABASE_URL=f"sqlite:///{TMP / 'bench.sqlite3'}",
        LUOSHI_VAR_DIR=str(TMP),
        EVIDENCE_ROOT=str(TMP / "evidence"),
        S3_BUCKET="luoshi-bench",
        S3_ENDPOINT_URL=endpoint,
        S3_REGION="us-east-1",
        S3_ADDRESSING_STYLE="path",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench-secret",
        EVIDENCE_STORAGE="disk",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    sys.path.insert(0, str(ROOT))
    import boto3
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.storage import storages
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from luoshi.core.defaults import ensure_defaults
    from luoshi.evidence.models import Evidence
    from luoshi.evidence.services import store_blob
    from luoshi.evidence.validation import check_upload
    from luoshi.units.models import Unit, UnitType
    from luoshi.units.services import create_unit

    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="bench",
        aws_secret_access_key="bench-secret",
        region_name="us-east-1",
    ).create_bucket(Bucket="luoshi-bench")
    call_command("migrate", verbosity=0)
    ensure_defaults()
    unit = create_unit(parent=None, name="基准单位", code="B0", unit_type=UnitType.objects.first())
    padding = b"%" + b"x" * (args.kib * 1024) + b"\n"
    unit_type = ContentType.objects.get_for_model(Unit)
    for index in range(args.files):  # evidence rows with their files, stored on disk
        upload = SimpleUploadedFile(f"f{index}.pdf", PDF + padding + f"%{index}\n".encode())
        checked = check_upload(upload)
        Evidence.objects.create(
            unit=unit,
            content_type=unit_type,
            object_id=unit.pk,
            title=f"f{index}",
            file=store_blob(upload, checked),
            sha256=checked.sha256,
            size=checked.size,
        )
    mib = args.files * args.kib / 1024

    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    fresh = timed(lambda: call_command("move_evidence", "--to", "s3", **quiet))
    resumed = timed(lambda: call_command("move_evidence", "--to", "s3", **quiet))
    Evidence._meta.get_field("file").storage = storages["evidence_s3"]  # switched to S3
    backup = timed(lambda: call_command("backup", str(TMP / "backup"), **quiet))
    server.terminate()
    server.wait(timeout=10)

    print(f"{args.files} files × {args.kib} KiB = {mib:.1f} MiB, S3 server: moto on loopback")
    for label, seconds in (
        ("move disk→S3", fresh),
        ("same move again", resumed),
        ("backup from S3", backup),
    ):
        print(
            f"{label}: {seconds:.2f} s, {args.files / seconds:.0f} files/s, {mib / seconds:.1f} MiB/s"
        )
    print(f"resumed/fresh: {resumed / fresh:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
