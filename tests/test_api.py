"""REST API: scope (the permission matrix extended to /api/), tokens, writes, queries.

Acting users sit in 宣传部 (own) with a 本单位及以下 scope: they see own and child rows,
never the sibling's (404 on detail). The oracle for "in scope" is the row's unit in the
tree (chosen when the world is built), not ``luoshi.core.scope``.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luoshi.api.models import ApiToken, hash_key
from luoshi.audit.models import OperationLog
from luoshi.evidence.models import Evidence
from luoshi.ledger.models import ActivityType, LedgerRecord
from luoshi.tasks.models import AssignmentStatus
from tests.api_support import ENDPOINTS, api_fixtures, auth
from tests.factories import PNG_BYTES, png_upload

evidence_dir, world, _module_evidence_storage = api_fixtures()


def list_url(endpoint):
    return f"/api/{endpoint}/"


def detail_url(endpoint, pk):
    return f"/api/{endpoint}/{pk}/"


def all_ids(client, url, key, **params):
    """Every id of a list, following the cursor pages (small pages on purpose)."""
    ids, page = [], client.get(url, {"page_size": 2, **params}, **auth(key))
    while True:
        assert page.status_code == 200, page.content
        body = page.json()
        ids += [row["id"] for row in body["results"]]
        if not body["next"]:
            return ids
        page = client.get(body["next"], **auth(key))


# --- scope and permissions, every endpoint ------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_has_own_and_child_rows_never_the_siblings(db, world, client, endpoint):
    ids = all_ids(client, list_url(endpoint), world.keys["reader"])
    rows = world.rows
    assert rows["own"][endpoint].pk in ids
    assert rows["child"][endpoint].pk in ids
    assert rows["sibling"][endpoint].pk not in ids
    assert len(ids) == len(set(ids))  # the cursor neither repeats nor skips


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_detail_in_scope_200_out_of_scope_404(db, world, client, endpoint):
    key = world.keys["reader"]
    own = client.get(detail_url(endpoint, world.rows["own"][endpoint].pk), **auth(key))
    assert own.status_code == 200
    assert own.json()["id"] == world.rows["own"][endpoint].pk
    sibling = world.rows["sibling"][endpoint].pk
    assert client.get(detail_url(endpoint, sibling), **auth(key)).status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_without_view_permission_403(db, world, client, endpoint):
    key = world.keys["blind"]
    assert client.get(list_url(endpoint), **auth(key)).status_code == 403
    own = world.rows["own"][endpoint].pk
    assert client.get(detail_url(endpoint, own), **auth(key)).status_code == 403


@pytest.mark.parametrize("endpoint", [*ENDPOINTS, "activity-types"])
def test_anonymous_401(db, world, client, endpoint):
    response = client.get(list_url(endpoint))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("endpoint", [*ENDPOINTS, "activity-types"])
def test_queries_per_page_do_not_grow_with_page_size(
    db, world, client, endpoint, django_assert_max_num_queries
):
    key = world.keys["reader"]
    client.get(list_url(endpoint), **auth(key))  # the token's last_used_at is written once
    with CaptureQueriesContext(connection) as one:
        assert client.get(list_url(endpoint), {"page_size": 1}, **auth(key)).status_code == 200
    with django_assert_max_num_queries(10):
        page = client.get(list_url(endpoint), {"page_size": 200}, **auth(key))
    assert len(page.json()["results"] if "results" in page.json() else page.json()) >= 2
    assert len(one.captured_queries) >= 1
    # the same queries whether the page holds one row or all of them (no N+1)
    with CaptureQueriesContext(connection) as many:
        client.get(list_url(endpoint), {"page_size": 200}, **auth(key))
    assert len(many.captured_queries) == len(one.captured_queries)


def test_ledger_list_of_many_records_stays_within_ten_queries(
    db, world, client, django_assert_max_num_queries
):
    from tests.factories import LedgerRecordFactory

    LedgerRecordFactory.create_batch(60, unit=world.tree.child, created_by=world.author)
    with django_assert_max_num_queries(10):
        page = client.get("/api/ledger-records/", {"page_size": 60}, **auth(world.keys["reader"]))
    assert len(page.json()["results"]) == 60


# --- tokens -------------------------------------------------------------------------


def test_expired_and_revoked_tokens_are_refused(db, world, client):
    token = ApiToken.objects.get(key_hash=hash_key(world.keys["reader"]))
    assert client.get("/api/units/", **auth(world.keys["reader"])).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    expired = client.get("/api/units/", **auth(world.keys["reader"]))
    assert expired.status_code == 401
    assert "令牌无效、已过期或已撤销" in expired.json()["detail"]
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=1), revoked_at=timezone.now()
    )
    assert client.get("/api/units/", **auth(world.keys["reader"])).status_code == 401
    assert client.get("/api/units/", **auth("ls_not-a-real-key")).status_code == 401
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {world.keys['clerk']}"}
    assert client.get("/api/units/", **bearer).status_code == 200


def test_a_user_creates_sees_once_and_revokes_their_token(db, world, client):
    client.force_login(world.clerk)
    until = timezone.localdate() + datetime.timedelta(days=30)
    page = client.post(reverse("api:tokens"), {"name": "报表脚本", "expires_on": until})
    assert page.status_code == 200
    key = page.context["new_key"]
    assert key and key in page.content.decode()
    token = ApiToken.objects.get(user=world.clerk, name="报表脚本")
    assert token.key_hash == hash_key(key) and key not in token.key_hash
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert OperationLog.objects.filter(
        model_label="api.apitoken", object_id=str(token.pk), action="+", user=world.clerk
    ).exists()
    # shown once: the list page afterwards has no key in it
    assert key not in client.get(reverse("api:tokens")).content.decode()

    client.logout()
    assert client.get("/api/units/", **auth(key)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    client.force_login(world.clerk)
    client.post(reverse("api:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert OperationLog.objects.filter(
        model_label="api.apitoken", object_id=str(token.pk), action="~"
    ).exists()
    client.logout()
    assert client.get("/api/units/", **auth(key)).status_code == 401


def test_token_expiry_is_required_and_at_most_a_year(db, world, client):
    client.force_login(world.clerk)
    too_far = timezone.localdate() + datetime.timedelta(days=400)
    page = client.post(reverse("api:tokens"), {"name": "长期", "expires_on": too_far})
    assert "有效期最长一年。" in page.content.decode()
    page = client.post(reverse("api:tokens"), {"name": "无期"})
    assert "该字段是必填项。" in page.content.decode()
    assert not ApiToken.objects.filter(name__in=["长期", "无期"]).exists()


def test_nobody_revokes_another_users_token(db, world, client):
    token = ApiToken.objects.get(key_hash=hash_key(world.keys["reader"]))
    client.force_login(world.clerk)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --- ledger records: create with evidence ---------------------------------------------


def ledger_form(unit, **extra):
    return {
        "unit": unit.pk,
        "activity_type": ActivityType.objects.get(code="study_group").pk,
        "date": "2026-03-05",
        "title": "接口录入的中心组学习",
        "expected_participants": 12,
        "actual_participants": 11,
        **extra,
    }


def test_create_ledger_record_with_evidence(db, world, client):
    data = ledger_form(world.tree.own, evidence_files=[png_upload("合影.png")])
    response = client.post("/api/ledger-records/", data, **auth(world.keys["clerk"]))
    assert response.status_code == 201, response.content
    body = response.json()
    record = LedgerRecord.objects.get(pk=body["id"])
    assert (record.unit, record.created_by, record.title) == (
        world.tree.own,
        world.clerk,
        "接口录入的中心组学习",
    )
    assert record.history.first().history_user == world.clerk
    evidence = Evidence.objects.get(object_id=record.pk, content_type__model="ledgerrecord")
    assert evidence.original_name == "合影.png"
    download = client.get(f"/api/evidence/{evidence.pk}/download/", **auth(world.keys["clerk"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG_BYTES


def counts():
    return LedgerRecord.objects.count(), Evidence.objects.count()


def test_create_into_a_sibling_unit_is_refused_and_writes_nothing(db, world, client):
    before = counts()
    data = ledger_form(world.tree.sibling, evidence_files=[png_upload()])
    response = client.post("/api/ledger-records/", data, **auth(world.keys["clerk"]))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "选择一个有效的选项" in response.json()["errors"]["unit"][0]
    assert counts() == before


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"title": ""}, "title", "该字段是必填项。"),
        ({"actual_participants": 20}, "non_field_errors", "实到人数不能多于应到人数。"),
        ({"date": "2026-02-30"}, "date", "输入一个有效的日期。"),
        (
            {"evidence_files": [png_upload("假图片.png").__class__("假图片.png", b"not an image")]},
            "evidence_files",
            "",
        ),
    ],
    ids=["missing-title", "actual-above-expected", "bad-date", "fake-file"],
)
def test_bad_ledger_input_400_in_chinese_nothing_written(db, world, client, extra, field, message):
    before = counts()
    data = ledger_form(world.tree.own, **extra)
    response = client.post("/api/ledger-records/", data, **auth(world.keys["clerk"]))
    assert response.status_code == 400, response.content
    errors = response.json()["errors"][field]
    assert errors and (message in errors[0])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors[0])  # a Chinese message
    assert counts() == before


def test_create_needs_add_permission(db, world, client):
    before = counts()
    data = ledger_form(world.tree.own)
    refused = client.post("/api/ledger-records/", data, **auth(world.keys["reader"]))
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert counts() == before


# --- filters ----------------------------------------------------------------------------


def test_filter_by_unit_subtree_and_period(db, world, client):
    key, rows = world.keys["reader"], world.rows
    own, child = rows["own"]["ledger-records"], rows["child"]["ledger-records"]
    only_own = all_ids(client, "/api/ledger-records/", key, unit=world.tree.own.pk)
    assert own.pk in only_own and child.pk not in only_own
    subtree = all_ids(client, "/api/ledger-records/", key, unit=world.tree.own.pk, subtree="true")
    assert {own.pk, child.pk} <= set(subtree)
    LedgerRecord.objects.filter(pk=own.pk).update(date=datetime.date(2025, 6, 1))
    assert all_ids(client, "/api/ledger-records/", key, year=2025) == [own.pk]
    in_june = all_ids(
        client, "/api/ledger-records/", key, date_from="2025-06-01", date_to="2025-06-30"
    )
    assert in_june == [own.pk]
    assert client.get("/api/ledger-records/", {"year": "abc"}, **auth(key)).status_code == 400
    sibling_filter = all_ids(client, "/api/ledger-records/", key, unit=world.tree.sibling.pk)
    assert sibling_filter == []


# --- tasks: submission through the workflow -------------------------------------------


def test_task_submission_goes_through_the_workflow(db, world, client):
    assignment = world.rows["child"]["task-assignments"]
    key = world.keys["child_clerk"]
    url = f"/api/task-assignments/{assignment.pk}/submit/"
    missing = client.post(url, {"response": ""}, **auth(key))
    assert missing.status_code == 400
    assert missing.json()["errors"]["response"] == ["该字段是必填项。"]
    done = client.post(url, {"response": "已组织专题学习", "files": [png_upload()]}, **auth(key))
    assert done.status_code == 200, done.content
    assert done.json()["status"] == AssignmentStatus.SUBMITTED
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    assert assignment.submitted_by == world.child_clerk
    again = client.post(url, {"response": "再交一次"}, **auth(key))
    assert again.status_code == 409
    assert "不能执行" in again.json()["detail"] and again.json()["code"] == "conflict"
    assignment.refresh_from_db()
    assert assignment.response == "已组织专题学习"


def test_task_submission_out_of_scope_404_without_permission_403(db, world, client):
    sibling = world.rows["sibling"]["task-assignments"]
    url = f"/api/task-assignments/{sibling.pk}/submit/"
    assert client.post(url, {"response": "x"}, **auth(world.keys["clerk"])).status_code == 404
    own = world.rows["own"]["task-assignments"]
    url = f"/api/task-assignments/{own.pk}/submit/"
    assert client.post(url, {"response": "x"}, **auth(world.keys["reader"])).status_code == 403
    own.refresh_from_db()
    assert own.status == AssignmentStatus.PENDING


# --- evidence and duty progress ---------------------------------------------------------


def test_evidence_download_only_where_the_owner_is_readable(db, world, client):
    key = world.keys["reader"]
    own = world.rows["own"]["evidence"]
    response = client.get(f"/api/evidence/{own.pk}/download/", **auth(key))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG_BYTES
    sibling = world.rows["sibling"]["evidence"]
    assert client.get(f"/api/evidence/{sibling.pk}/download/", **auth(key)).status_code == 404
    blind = client.get(f"/api/evidence/{own.pk}/download/", **auth(world.keys["blind"]))
    assert blind.status_code == 403


@pytest.mark.parametrize("scope", ["self", "unit", "subtree"])
def test_evidence_list_shows_exactly_what_can_be_downloaded(db, world, client, scope):
    """The list follows the owner record's visibility, like detail and download: a 仅本人
    role sees none of the evidence on records others created in its own unit."""
    from django.contrib.auth.models import Permission

    from luoshi.accounts.models import Role
    from luoshi.api import services as api_services
    from tests.factories import make_user

    role = Role.objects.create(name=f"佐证-{scope}", code=f"ev-{scope}", data_scope=scope)
    role.permissions.set(Permission.objects.filter(codename__startswith="view_"))
    user = make_user(f"ev_{scope}", world.tree.own)
    user.groups.add(role)
    expires = timezone.now() + datetime.timedelta(days=1)
    key = api_services.create_token(user=user, name="佐证", expires_at=expires)[1]
    listed = {row["id"] for row in client.get("/api/evidence/", **auth(key)).json()["results"]}
    expected = {
        "self": set(),
        "unit": {world.rows["own"]["evidence"].pk},
        "subtree": {world.rows["own"]["evidence"].pk, world.rows["child"]["evidence"].pk},
    }[scope]
    assert expected <= listed
    assert world.rows["sibling"]["evidence"].pk not in listed
    for pk in listed:
        assert client.get(f"/api/evidence/{pk}/download/", **auth(key)).status_code == 200
    if scope == "self":
        assert listed == set()


def test_duty_list_progress(db, world, client):
    key = world.keys["reader"]
    duty_list = world.rows["own"]["duty-lists"]
    response = client.get(f"/api/duty-lists/{duty_list.pk}/progress/", **auth(key))
    assert response.status_code == 200
    items = response.json()
    assert len(items) == duty_list.items.count() > 0
    assert {"code", "name", "status", "summary", "periods"} <= set(items[0])
    sibling = world.rows["sibling"]["duty-lists"]
    assert client.get(f"/api/duty-lists/{sibling.pk}/progress/", **auth(key)).status_code == 404


def test_people_carry_no_secrets(db, world, client):
    person = world.rows["own"]["people"]
    body = client.get(f"/api/people/{person.pk}/", **auth(world.keys["reader"])).json()
    assert body["username"] == person.username
    assert not {"password", "email", "phone", "last_login"} & set(body)
