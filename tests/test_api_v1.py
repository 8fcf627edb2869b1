"""API for integrators: /api/v1/ (and the /api/ alias), the root listing, one Chinese error
format (404 included), counts in lists, JSON writes through the pages' forms and services,
throttling, and the documentation pages under the CSP."""

import re

import pytest

from luoshi.evidence.models import Evidence
from luoshi.ledger.models import ActivityType, LedgerRecord
from luoshi.tasks.models import AssignmentStatus
from tests.api_support import api_fixtures, auth

evidence_dir, world, _module_evidence_storage = api_fixtures()


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_root_lists_the_endpoints_and_docs(db, world, client):
    response = client.get("/api/v1/", **auth(world.keys["reader"]))
    assert response.status_code == 200
    root = response.json()
    assert root["ledger-records"] == "http://testserver/api/v1/ledger-records/"
    assert root["docs"] == "http://testserver/api/v1/docs/"
    assert {"units", "tasks", "evidence", "schema", "redoc"} <= set(root)
    # the unversioned alias answers too, with its own links
    legacy = client.get("/api/", **auth(world.keys["reader"])).json()
    assert legacy["ledger-records"] == "http://testserver/api/ledger-records/"


def test_v1_and_alias_serve_the_same_rows(db, world, client):
    key = world.keys["reader"]
    v1 = client.get("/api/v1/units/", **auth(key)).json()
    alias = client.get("/api/units/", **auth(key)).json()
    assert [r["id"] for r in v1["results"]] == [r["id"] for r in alias["results"]]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/units/999999/", "/api/v1/no-such-endpoint/", "/api/nothing/here", "/api/v1/units/x/"],
)
def test_404_is_chinese_json_in_the_one_format(db, world, client, path):
    response = client.get(path, **auth(world.keys["reader"]))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "未找到。", "code": "not_found"}


def test_out_of_scope_record_looks_missing(db, world, client):
    sibling = world.rows["sibling"]["units"]
    response = client.get(f"/api/v1/units/{sibling.pk}/", **auth(world.keys["reader"]))
    assert response.json() == {"detail": "未找到。", "code": "not_found"}


def test_other_errors_share_the_format(db, world, client):
    anonymous = client.get("/api/v1/units/")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    assert is_chinese(anonymous.json()["detail"])
    denied = client.get("/api/v1/units/", **auth(world.keys["blind"]))
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    assert is_chinese(denied.json()["detail"])


def test_lists_carry_the_total_count(db, world, client):
    key = world.keys["reader"]
    body = client.get("/api/v1/ledger-records/", {"page_size": 1}, **auth(key)).json()
    visible = LedgerRecord.objects.filter(unit__in=[world.tree.own, world.tree.child]).count()
    assert body["count"] == visible and len(body["results"]) == 1
    assert body["count_capped"] is False


def test_count_is_capped_like_the_list_pages(db, world, client, settings):
    settings.LIST_COUNT_CAP = 1
    body = client.get("/api/v1/ledger-records/", **auth(world.keys["reader"])).json()
    assert body["count"] == 1 and body["count_capped"] is True


def _ledger_json(unit, **extra):
    return {
        "unit": unit.pk,
        "activity_type": ActivityType.objects.get(code="study_group").pk,
        "date": "2026-03-05",
        "title": "JSON 录入的中心组学习",
        "expected_participants": 12,
        "actual_participants": 11,
        **extra,
    }


def test_ledger_record_created_from_json(db, world, client):
    response = client.post(
        "/api/v1/ledger-records/",
        _ledger_json(world.tree.own),
        content_type="application/json",
        **auth(world.keys["clerk"]),
    )
    assert response.status_code == 201, response.content
    record = LedgerRecord.objects.get(pk=response.json()["id"])
    assert record.title == "JSON 录入的中心组学习" and record.unit == world.tree.own


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"sibling": True}, "unit"),
        ({"actual_participants": 20}, "non_field_errors"),
        # JSON values a browser never sends: a number or an object where a date goes
        ({"date": 4.68392218554756e16}, "date"),
        ({"date": {"y": 2026}}, "date"),
        ({"date": ["2026-03-05", {"y": 2026}]}, "date"),
    ],
    ids=["out-of-scope-unit", "form-rule", "date-number", "date-object", "date-list"],
)
def test_bad_json_ledger_input_is_refused_in_chinese(db, world, client, extra, field):
    body = _ledger_json(world.tree.own, **extra)
    if body.pop("sibling", False):
        body["unit"] = world.tree.sibling.pk
    before = LedgerRecord.objects.count()
    response = client.post(
        "/api/v1/ledger-records/",
        body,
        content_type="application/json",
        **auth(world.keys["clerk"]),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and is_chinese(body["detail"])
    assert is_chinese(body["errors"][field][0])
    assert LedgerRecord.objects.count() == before


def test_malformed_json_is_400_in_the_format(db, world, client):
    response = client.post(
        "/api/v1/ledger-records/",
        "{not json",
        content_type="application/json",
        **auth(world.keys["clerk"]),
    )
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_task_submitted_from_json_and_not_twice(db, world, client):
    assignment = world.rows["child"]["task-assignments"]
    url = f"/api/v1/task-assignments/{assignment.pk}/submit/"
    key = world.keys["child_clerk"]
    done = client.post(url, {"response": "已学习"}, content_type="application/json", **auth(key))
    assert done.status_code == 200, done.content
    assert done.json()["status"] == AssignmentStatus.SUBMITTED
    again = client.post(url, {"response": "再交"}, content_type="application/json", **auth(key))
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def _link(owner, **extra):
    return {
        "owner_type": "ledgerrecord",
        "object_id": owner.pk,
        "title": "报道链接",
        "url": "https://news.example.gov.cn/a/1",
        **extra,
    }


def test_evidence_link_added_from_json(db, world, client):
    record = world.rows["own"]["ledger-records"]
    response = client.post(
        "/api/v1/evidence/",
        _link(record),
        content_type="application/json",
        **auth(world.keys["clerk"]),
    )
    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get(pk=response.json()["id"])
    assert evidence.owner == record and evidence.url == "https://news.example.gov.cn/a/1"


def test_evidence_link_checks_scope_permission_and_input(db, world, client):
    before = Evidence.objects.count()
    sibling = world.rows["sibling"]["ledger-records"]
    own = world.rows["own"]["ledger-records"]
    post = lambda body, key: client.post(  # noqa: E731
        "/api/v1/evidence/", body, content_type="application/json", **auth(world.keys[key])
    )
    assert post(_link(sibling), "clerk").status_code == 404  # out of scope
    assert post(_link(own), "reader").status_code == 403  # may read, not change
    bad = post(_link(own, url="not a url"), "clerk")
    assert bad.status_code == 400 and "url" in bad.json()["errors"]
    assert post(_link(own, owner_type="nothing"), "clerk").status_code == 400
    # found by the API fuzz on PostgreSQL: a NUL byte in the record type was a 500
    for junk in ({"owner_type": "ledger\x00record"}, {"object_id": 10**30}, {"object_id": "-1"}):
        refused = post(_link(own, **junk), "clerk")
        assert refused.status_code == 400 and "owner_type" in refused.json()["errors"], junk
    assert Evidence.objects.count() == before


def test_requests_are_throttled_per_user(db, world, client, settings):
    settings.API_THROTTLE_RATES = {"user": "2/minute", "anon": "1/minute"}
    from django.core.cache import cache

    cache.clear()
    key = world.keys["reader"]
    codes = [client.get("/api/v1/units/", **auth(key)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    throttled = client.get("/api/v1/units/", **auth(key))
    assert throttled.json()["code"] == "throttled" and is_chinese(throttled.json()["detail"])
    assert "Retry-After" in throttled
    # another user has their own allowance
    assert client.get("/api/v1/units/", **auth(world.keys["clerk"])).status_code == 200
    cache.clear()


def test_docs_pages_put_the_csp_nonce_on_every_script(db, world, client):
    client.force_login(world.reader)
    for path in ("/api/v1/docs/", "/api/v1/redoc/"):
        response = client.get(path)
        assert response.status_code == 200
        page = response.content.decode()
        csp = response["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
        scripts = re.findall(r"<script[^>]*>", page)
        assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
        # nothing loaded from elsewhere (a CDN's host, not the letters "cdn": a random
        # CSRF token may hold them)
        assert "googleapis" not in page
        assert not re.search(r"cdn[\w-]*\.[a-z]{2,}|jsdelivr|unpkg", page, re.IGNORECASE)
        assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", page)


@pytest.mark.parametrize("body", ["2.5e16", "[1, 2]", '"text"', "null"])
@pytest.mark.parametrize("path", ["/api/v1/evidence/", "/api/v1/ledger-records/"])
def test_a_json_body_that_is_not_an_object_is_400(db, world, client, body, path):
    """Found by the schema fuzz: a bare number as the body was a 500."""
    response = client.post(path, body, content_type="application/json", **auth(world.keys["clerk"]))
    assert response.status_code == 400
    assert is_chinese(response.json()["detail"])
