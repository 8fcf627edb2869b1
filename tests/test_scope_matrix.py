"""A generated permission matrix: role × target unit × action.

Each case puts one ledger record (with one evidence file, created by someone else) in a
target unit, acts as a user of the role placed in ``tree.own`` and compares the answer
with ``expected_outcome``, a small function of (in scope?, has permission?) that is
computed independently of ``luoshi.core.scope``: the scope is read from the Role row
and evaluated with plain tree navigation, the permission from the role's permissions.
"""

from contextlib import contextmanager
from io import BytesIO
from types import SimpleNamespace

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.accounts.models import Role
from luoshi.core.scope import DataScope
from luoshi.evidence import services as evidence_services
from luoshi.evidence.models import Evidence
from luoshi.ledger.models import LedgerRecord
from luoshi.units.models import Unit
from tests.factories import PNG_BYTES, LedgerRecordFactory, make_unit, make_user, png_upload

DEFAULT_ROLES = ["admin", "unit_admin", "leader", "clerk", "reviewer", "inspector"]
# Ad-hoc roles: 仅本人, 自定义单位 and one without any ledger permission.
ADHOC_ROLES = {
    "self_only": {"scope": DataScope.SELF, "like": "clerk", "custom": []},
    "custom": {"scope": DataScope.CUSTOM, "like": "inspector", "custom": ["child", "sibling"]},
    "no_view": {"scope": DataScope.SUBTREE, "like": None, "custom": []},
}
ROLES = DEFAULT_ROLES + list(ADHOC_ROLES)
TARGETS = ["own", "child", "sibling", "parent"]
ACTIONS = ["list", "detail", "edit", "delete", "download"]
PERMISSION_OF = {
    "list": "ledger.view_ledgerrecord",
    "detail": "ledger.view_ledgerrecord",
    "download": "ledger.view_ledgerrecord",  # evidence is read with the owner's view perm
    "edit": "ledger.change_ledgerrecord",
    "delete": "ledger.delete_ledgerrecord",
}


# --- the oracle -------------------------------------------------------------------


def unit_in_scope(role: Role, user, target: Unit, *, owner=None) -> bool:
    """Whether ``target`` (holding a record owned by ``owner``) is visible under ``role``.

    Deliberately not built on ``scope_q``: walks the tree with treebeard's API.
    """
    scope = role.data_scope
    if scope == DataScope.ALL:
        return True
    if scope == DataScope.SUBTREE:
        node = target
        while node is not None and node != user.unit:
            node = Unit.objects.get_parent(node)
        return node is not None
    if scope == DataScope.UNIT:
        return target == user.unit
    if scope == DataScope.SELF:
        # rows with an owner: only the user's own; rows without one (units): own unit
        return owner == user if owner is not None else target == user.unit
    if scope == DataScope.CUSTOM:
        return role.custom_units.filter(pk=target.pk).exists()
    raise AssertionError(f"unknown data scope {scope!r}")


def expected_outcome(action: str, in_scope: bool, has_perm: bool) -> str:
    """What a page answers. Generic views check the permission first (403), then scope (404).

    The evidence download finds the evidence row in scope first (the permission it needs
    depends on the owner's model), so out of scope it is a 404 even without permission.
    """
    if action == "download" and not in_scope:
        return "hidden"
    if not has_perm:
        return "forbidden"
    if action == "list":
        return "listed" if in_scope else "not_listed"
    return "ok" if in_scope else "hidden"


# --- setup: one world per module (rolled back at the end), cheap cases ----------------


def make_role(code, tree) -> Role:
    if code in DEFAULT_ROLES:
        return Role.objects.get(code=code)
    spec = ADHOC_ROLES[code]
    role = Role.objects.create(name=f"测试角色-{code}", code=f"t-{code}", data_scope=spec["scope"])
    if spec["like"]:
        role.permissions.set(Role.objects.get(code=spec["like"]).permissions.all())
    role.custom_units.set([getattr(tree, name) for name in spec["custom"]])
    return role


@pytest.fixture(scope="module")
def evidence_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-evidence")


@contextmanager
def evidence_files_in(folder):
    field = Evidence._meta.get_field("file")
    original = field.storage
    field.storage = FileSystemStorage(location=str(folder))
    try:
        yield
    finally:
        field.storage = original


@pytest.fixture(autouse=True)
def _module_evidence_storage(_private_evidence_root, evidence_dir):
    """Read evidence from the module's folder, where ``world`` stored the files."""
    with evidence_files_in(evidence_dir):
        yield


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, evidence_dir, _client_handler):
    """Tree, one acting user per role (in ``own``), one record + evidence per target unit.

    Built once inside a transaction that is rolled back after the module; each test runs
    in its own savepoint (pytest-django), so deleting a record does not leak.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        root = make_unit("示范区委", "M0", type_code="district_committee")
        own = make_unit("区委宣传部", "M1", parent=root, type_code="publicity_dept")
        child = make_unit("新闻科", "M11", parent=own)
        sibling = make_unit("区教育局", "M2", parent=root, type_code="bureau")
        fresh = {u.pk: u for u in Unit.objects.all()}  # treebeard updated the parents
        tree = SimpleNamespace(
            root=fresh[root.pk], own=fresh[own.pk], child=fresh[child.pk], sibling=fresh[sibling.pk]
        )
        author = make_user("m_author", tree.root, "admin")
        roles, actors = {}, {}
        for code in ROLES:
            roles[code] = make_role(code, tree)
            actors[code] = make_user(f"m_{code}", tree.own)
            actors[code].groups.add(roles[code])
        records, evidence = {}, {}
        with evidence_files_in(evidence_dir):
            for target in TARGETS:
                unit = target_unit(tree, target)
                records[target] = LedgerRecordFactory(
                    unit=unit, created_by=author, title=f"矩阵记录-{target}"
                )
                evidence[target] = evidence_services.attach_file(
                    owner=records[target], uploaded=png_upload(f"{target}.png"), user=author
                )
        clients = {}  # signed in once: a login writes a session, a login log and history
        for code, actor in actors.items():
            clients[code] = Client()
            clients[code].handler = _client_handler
            clients[code].force_login(actor)
        yield SimpleNamespace(
            tree=tree,
            author=author,
            roles=roles,
            actors=actors,
            clients=clients,
            records=records,
            evidence=evidence,
        )
        transaction.set_rollback(True)


def target_unit(tree, target):
    return tree.root if target == "parent" else getattr(tree, target)


@pytest.mark.parametrize(
    ("role_code", "target", "action"),
    [(r, t, a) for r in ROLES for t in TARGETS for a in ACTIONS],
    ids=[f"{r}-{t}-{a}" for r in ROLES for t in TARGETS for a in ACTIONS],
)
def test_ledger_record_matrix(db, world, role_code, target, action):
    unit = target_unit(world.tree, target)
    record, evidence = world.records[target], world.evidence[target]
    role, user = world.roles[role_code], world.actors[role_code]
    has_perm = role.permissions.filter(
        content_type__app_label="ledger", codename=PERMISSION_OF[action].split(".")[1]
    ).exists()
    in_scope = unit_in_scope(role, user, unit, owner=record.created_by)
    expected = expected_outcome(action, in_scope, has_perm)

    client = world.clients[role_code]
    if action == "list":
        check_list(client, record, expected)
    elif action == "detail":
        check_status(client.get(reverse("ledger:detail", args=[record.pk])), expected)
    elif action == "download":
        response = client.get(reverse("evidence:download", args=[evidence.pk]))
        check_status(response, expected)
        if expected == "ok":
            assert response["Content-Disposition"].startswith("attachment")
            assert b"".join(response.streaming_content) == PNG_BYTES
    elif action == "edit":
        check_status(client.get(reverse("ledger:update", args=[record.pk])), expected)
    elif action == "delete":
        response = client.post(reverse("ledger:delete", args=[record.pk]))
        if expected == "ok":
            assert response.status_code == 302
            assert not LedgerRecord.objects.filter(pk=record.pk).exists()
            assert not Evidence.objects.filter(pk=evidence.pk).exists()
        else:
            check_status(response, expected)
            assert LedgerRecord.objects.filter(pk=record.pk).exists()


def check_status(response, expected):
    assert response.status_code == {"ok": 200, "hidden": 404, "forbidden": 403}[expected]


def check_list(client, record, expected):
    page = client.get(reverse("ledger:list"))
    export = client.get(reverse("ledger:list"), {"export": "xlsx"})
    if expected == "forbidden":
        assert page.status_code == 403
        assert export.status_code == 403
        return
    assert page.status_code == 200
    assert export.status_code == 200
    titles_on_page = [r.title for r in page.context["object_list"]]
    sheet = load_workbook(BytesIO(export.content)).active
    header = [c.value for c in sheet[1]]
    title_col = header.index("标题")
    titles_in_export = [row[title_col] for row in sheet.iter_rows(min_row=2, values_only=True)]
    listed = expected == "listed"
    assert (record.title in titles_on_page) is listed
    assert (record.title in page.content.decode()) is listed
    assert (record.title in titles_in_export) is listed


# --- unit pages -------------------------------------------------------------------

UNIT_ROLES = DEFAULT_ROLES + ["self_only", "custom"]


@pytest.mark.parametrize(
    ("role_code", "target"),
    [(r, t) for r in UNIT_ROLES for t in TARGETS],
    ids=[f"{r}-{t}-unit_detail" for r in UNIT_ROLES for t in TARGETS],
)
def test_unit_detail_matrix(db, world, role_code, target):
    role, user = world.roles[role_code], world.actors[role_code]
    unit = target_unit(world.tree, target)
    assert role.permissions.filter(codename="view_unit").exists()
    expected = expected_outcome("detail", unit_in_scope(role, user, unit), has_perm=True)

    check_status(world.clients[role_code].get(reverse("units:detail", args=[unit.pk])), expected)


def test_unit_list_shows_only_units_in_scope(client, tree, users):
    client.force_login(users.clerk)
    shown = set(client.get(reverse("units:list")).context["object_list"])
    assert shown == {tree.own}


def test_self_scope_sees_own_records_only(db, world):
    user, client = world.actors["self_only"], world.clients["self_only"]
    mine = LedgerRecordFactory(unit=world.tree.sibling, created_by=user, title="我录入的记录")

    assert client.get(reverse("ledger:detail", args=[mine.pk])).status_code == 200
    assert list(client.get(reverse("ledger:list")).context["object_list"]) == [mine]
