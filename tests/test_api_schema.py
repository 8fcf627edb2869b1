"""The OpenAPI schema at /api/schema/: valid OpenAPI 3, and every operation survives a
bounded schemathesis run (no 5xx) with a token of a user who may read everything in their
subtree and write ledger records."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from tests.api_support import api_fixtures, auth

evidence_dir, world, _module_evidence_storage = api_fixtures()


def test_schema_is_valid_openapi_3_and_needs_authentication(db, world, client):
    assert client.get("/api/schema/").status_code == 401
    response = client.get("/api/schema/", {"format": "json"}, **auth(world.keys["reader"]))
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 specification
    paths = set(schema["paths"])
    assert {"/api/v1/ledger-records/", "/api/v1/evidence/{id}/download/"} <= paths
    assert not any(p.startswith("/api/") and not p.startswith("/api/v1/") for p in paths)
    assert "post" in schema["paths"]["/api/v1/task-assignments/{id}/submit/"]
    content = schema["paths"]["/api/v1/ledger-records/"]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(content)


def test_docs_page_is_served_from_vendored_files(db, world, client):
    assert client.get("/api/docs/").status_code == 302  # to the login page, like any page
    client.force_login(world.reader)
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()


@pytest.fixture
def wsgi_app():
    """Calls go to the real WSGI app inside the test's transaction: like Django's test
    client, keep the request signals from closing the connection (and the transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _generated_schema():
    # schemathesis.pytest.from_fixture (lazy loading through /api/schema/) does not run
    # under pytest 9 (it sets Function._nodeid); the schema served at /api/schema/ is this
    # very document, generated the same way (test above), so load it directly.
    from drf_spectacular.generators import SchemaGenerator

    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    loaded.app = WSGIHandler()
    return loaded


schema = _generated_schema()


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    # generated cases only: the "explicit" phase would add schemathesis' coverage cases
    # (dozens per operation); this stays a bounded smoke run inside `make test`
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_fuzz(case, db, world, wsgi_app):
    case.call_and_validate(
        headers={"Authorization": f"Token {world.keys['fuzzer']}"},
        checks=[not_a_server_error],
    )
