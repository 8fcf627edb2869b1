"""Evidence storage in tests: a real S3-compatible server on loopback (moto's server mode,
started by the tests, on a free port) and a way to point evidence at a storage for a while."""

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import boto3
from django.conf import settings
from django.core.files.storage import storages
from django.test.utils import override_settings
from moto.server import ThreadedMotoServer

from luoshi.evidence.models import Evidence
from luoshi.settings import evidence_s3_config

ACCESS_KEY, SECRET_KEY, REGION = "luoshi-test", "luoshi-test-secret", "us-east-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def loopback_s3_server() -> Iterator[str]:
    """An S3 server on 127.0.0.1 (a fixture's body: ``yield from loopback_s3_server()``);
    yields its endpoint URL. Tests make a bucket each."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@lru_cache(maxsize=4)  # building a client costs ~0.5 s (botocore's service model)
def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


def new_bucket(endpoint: str) -> str:
    name = f"luoshi-{uuid.uuid4().hex[:12]}"
    s3_client(endpoint).create_bucket(Bucket=name)
    return name


def s3_storage_config(endpoint: str, bucket: str) -> dict:
    """The production configuration (settings.evidence_s3_config) for this server."""
    return evidence_s3_config(
        {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": endpoint,
            "S3_REGION": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "S3_ADDRESSING_STYLE": "path",
        }
    )


def disk_storage_config(folder) -> dict:
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(folder), "base_url": None},
    }


@contextmanager
def evidence_storages(active: dict, **named: dict):
    """Evidence in ``active`` (STORAGES["evidence"], and so ``Evidence.file``) and the named
    storages ``move_evidence`` uses (evidence_disk=…, evidence_s3=…) for a while."""
    configured = {**settings.STORAGES, "evidence": active, **named}
    if "evidence_s3" not in named:
        configured.pop("evidence_s3", None)
    field = Evidence._meta.get_field("file")
    original = field.storage
    with override_settings(STORAGES=configured):  # resets django's storages handler
        field.storage = storages["evidence"]
        try:
            yield
        finally:
            field.storage = original


def object_keys(endpoint: str, bucket: str) -> dict[str, bytes]:
    """{key: bytes} of every object in the bucket."""
    client = s3_client(endpoint)
    listing = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        for item in listing
    }


def put_object(endpoint: str, bucket: str, key: str, data: bytes) -> None:
    """Write bytes straight into the bucket, past the platform (damage, a partial upload)."""
    s3_client(endpoint).put_object(Bucket=bucket, Key=key, Body=data)
