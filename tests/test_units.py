"""Unit tree pages: create, edit, move, deactivate, delete, yearly headcount, audit trail."""

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from luoshi.audit.models import OperationLog
from luoshi.ledger.models import LedgerRecord
from luoshi.units import services
from luoshi.units.models import Unit, UnitType, UnitYearStat
from tests.factories import LedgerRecordFactory, make_unit, make_user


def unit_data(**overrides):
    data = {
        "name": "理论宣讲科",
        "short_name": "宣讲科",
        "code": "T12",
        "unit_type": UnitType.objects.get(code="other").pk,
        "order": 2,
    }
    return {**data, **overrides}


def fresh(unit):
    return Unit.objects.get(pk=unit.pk)


def logs_for(unit, action=None):
    logs = OperationLog.objects.filter(model_label="units.unit", object_id=str(unit.pk))
    return logs.filter(action=action) if action else logs


def changed_fields(log):
    return {c["field"]: (c["old"], c["new"]) for c in log.changes}


# --- create ------------------------------------------------------------------------


def test_unit_admin_creates_a_unit_under_a_parent_in_scope(client, users, tree):
    client.force_login(users.unit_admin)
    response = client.post(reverse("units:create"), unit_data(parent=tree.own.pk))

    unit = Unit.objects.get(code="T12")
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=[unit.pk])
    assert Unit.objects.get_parent(unit) == tree.own
    assert unit.depth == tree.own.depth + 1
    log = logs_for(unit).get()
    assert (log.action, log.user) == ("+", users.unit_admin)
    assert log.object_repr == "理论宣讲科"


def test_creating_under_a_unit_out_of_scope_is_refused(client, users, tree):
    client.force_login(users.unit_admin)
    count = Unit.objects.count()
    response = client.post(reverse("units:create"), unit_data(parent=tree.sibling.pk))

    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert "选择一个有效的选项" in response.content.decode()
    assert Unit.objects.count() == count
    assert Unit.objects.get_children_count(fresh(tree.sibling)) == 0


def test_the_parent_choices_are_the_units_in_scope(client, users, tree):
    client.force_login(users.unit_admin)
    form = client.get(reverse("units:create")).context["form"]
    assert set(form.fields["parent"].queryset) == {tree.own, tree.child}
    assert form.fields["parent"].required


def test_read_only_roles_cannot_create_units(client, users, tree):
    client.force_login(users.clerk)
    assert client.get(reverse("units:create")).status_code == 403
    assert client.post(reverse("units:create"), unit_data(parent=tree.own.pk)).status_code == 403
    assert not Unit.objects.filter(code="T12").exists()


def test_duplicate_code_is_a_form_error(client, users, tree):
    client.force_login(users.unit_admin)
    response = client.post(reverse("units:create"), unit_data(parent=tree.own.pk, code="T11"))
    assert "code" in response.context["form"].errors
    assert Unit.objects.filter(code="T11").count() == 1


# --- edit ---------------------------------------------------------------------------


def test_edit_saves_and_logs_the_changed_fields(client, users, tree):
    client.force_login(users.unit_admin)
    data = unit_data(name="新闻宣传科", short_name="新闻科", code="T11", order=5)
    response = client.post(reverse("units:update", args=[tree.child.pk]), data)

    assert response.status_code == 302
    child = fresh(tree.child)
    assert (child.name, child.order) == ("新闻宣传科", 5)
    assert Unit.objects.get_parent(child) == tree.own
    log = logs_for(child, "~").latest("time")
    assert log.user == users.unit_admin
    fields = changed_fields(log)
    assert fields["单位名称"] == ("新闻科", "新闻宣传科")
    assert fields["排序"] == ("0", "5")


def test_edit_out_of_scope_is_404(client, users, tree):
    client.force_login(users.unit_admin)
    assert client.get(reverse("units:update", args=[tree.sibling.pk])).status_code == 404
    response = client.post(reverse("units:update", args=[tree.sibling.pk]), unit_data(code="T2"))
    assert response.status_code == 404
    assert fresh(tree.sibling).name == "区教育局"


# --- move ---------------------------------------------------------------------------


def test_moving_a_subtree_keeps_records_and_scope_follows(client, users, tree):
    grandchild = make_unit("编辑组", "T111", parent=tree.child)
    on_child = LedgerRecordFactory(unit=tree.child, title="新闻科的记录")
    on_grandchild = LedgerRecordFactory(unit=grandchild, title="编辑组的记录")
    sibling_admin = make_user("u_sibling_admin", tree.sibling, "unit_admin")
    moved = {on_child, on_grandchild}
    assert moved <= set(LedgerRecord.objects.for_user(users.unit_admin))
    assert not moved & set(LedgerRecord.objects.for_user(sibling_admin))

    client.force_login(users.admin)
    response = client.post(
        reverse("units:move", args=[tree.child.pk]), {"new_parent": tree.sibling.pk}
    )

    assert response.status_code == 302
    child = fresh(tree.child)
    assert Unit.objects.get_parent(child) == tree.sibling
    assert Unit.objects.get_parent(fresh(grandchild)) == child
    assert fresh(grandchild).path.startswith(fresh(tree.sibling).path)
    assert Unit.objects.get_children_count(fresh(tree.own)) == 0
    assert {r.unit for r in LedgerRecord.objects.filter(pk__in=[r.pk for r in moved])} == {
        child,
        grandchild,
    }
    own_admin = type(users.unit_admin).objects.get(pk=users.unit_admin.pk)  # no cached scope
    assert not moved & set(LedgerRecord.objects.for_user(own_admin))
    assert moved <= set(LedgerRecord.objects.for_user(sibling_admin))
    client.force_login(own_admin)
    assert client.get(reverse("ledger:detail", args=[on_child.pk])).status_code == 404
    client.force_login(sibling_admin)
    assert client.get(reverse("ledger:detail", args=[on_grandchild.pk])).status_code == 200

    log = logs_for(child).latest("time")
    assert log.user == users.admin
    assert changed_fields(log)["上级单位"] == ("区委宣传部", "区教育局")


def test_unit_admin_cannot_move_a_unit_out_of_their_scope(client, users, tree):
    client.force_login(users.unit_admin)
    response = client.post(
        reverse("units:move", args=[tree.child.pk]), {"new_parent": tree.sibling.pk}
    )
    assert response.status_code == 200
    assert "new_parent" in response.context["form"].errors
    assert Unit.objects.get_parent(fresh(tree.child)) == tree.own


def test_cannot_move_a_unit_under_its_own_descendant(client, users, tree):
    client.force_login(users.admin)
    for target in (tree.child, tree.own):
        response = client.post(reverse("units:move", args=[tree.own.pk]), {"new_parent": target.pk})
        assert response.status_code == 200
        assert "new_parent" in response.context["form"].errors
    assert Unit.objects.get_parent(fresh(tree.own)) == tree.root

    with pytest.raises(ValidationError, match="不能把单位移动到它自己或它的下级单位之下"):
        services.move_unit(unit=fresh(tree.own), new_parent=fresh(tree.child))


# --- deactivate / delete -------------------------------------------------------------


def test_deactivating_deactivates_the_subtree(client, users, tree):
    client.force_login(users.unit_admin)
    response = client.post(reverse("units:toggle", args=[tree.own.pk]), follow=True)

    assert "已停用 2 个单位（含下级）" in response.content.decode()
    assert not fresh(tree.own).is_active
    assert not fresh(tree.child).is_active
    assert fresh(tree.sibling).is_active and fresh(tree.root).is_active
    for unit in (tree.own, tree.child):
        log = logs_for(unit, "~").latest("time")
        assert log.user == users.unit_admin
        assert changed_fields(log)["启用"] == ("是", "否")

    client.post(reverse("units:toggle", args=[tree.own.pk]))
    assert fresh(tree.own).is_active
    assert not fresh(tree.child).is_active  # reactivation is one unit at a time


def test_deleting_a_unit_with_a_record_is_refused(client, users, tree):
    LedgerRecordFactory(unit=tree.child)
    UnitYearStat.objects.create(unit=tree.child, year=2026, party_members=9)
    client.force_login(users.unit_admin)
    response = client.post(reverse("units:delete", args=[tree.child.pk]), follow=True)

    assert "该单位已有业务记录或人员，不能删除，只能停用。" in response.content.decode()
    assert Unit.objects.filter(pk=tree.child.pk).exists()
    assert UnitYearStat.objects.filter(unit=tree.child).exists()  # rolled back too
    assert not logs_for(tree.child, "-").exists()


def test_deleting_a_unit_with_children_is_refused(client, users, tree):
    client.force_login(users.unit_admin)
    response = client.post(reverse("units:delete", args=[tree.own.pk]), follow=True)
    assert "该单位有下级单位，不能删除；可以停用。" in response.content.decode()
    assert Unit.objects.filter(pk=tree.own.pk).exists()


def test_deleting_an_empty_leaf_works(client, users, tree):
    leaf = make_unit("临时小组", "T13", parent=tree.own)
    UnitYearStat.objects.create(unit=leaf, year=2026, party_members=3)
    client.force_login(users.unit_admin)
    assert client.get(reverse("units:delete", args=[leaf.pk])).status_code == 200
    response = client.post(reverse("units:delete", args=[leaf.pk]))

    assert response.status_code == 302
    assert not Unit.objects.filter(pk=leaf.pk).exists()
    assert Unit.objects.get_children_count(fresh(tree.own)) == 1
    log = logs_for(leaf, "-").get()
    assert (log.user, log.object_repr) == (users.unit_admin, "临时小组")


def test_deleting_out_of_scope_is_404(client, users, tree):
    leaf = make_unit("教育局科室", "T21", parent=tree.sibling)
    client.force_login(users.unit_admin)
    assert client.post(reverse("units:delete", args=[leaf.pk])).status_code == 404
    assert Unit.objects.filter(pk=leaf.pk).exists()


# --- yearly headcount ----------------------------------------------------------------


def test_year_headcount_is_saved_and_logged(client, users, tree):
    client.force_login(users.unit_admin)
    url = reverse("units:stats", args=[tree.own.pk])
    client.post(url, {"year": 2026, "party_members": 37})
    client.post(url, {"year": 2026, "party_members": 40})
    client.post(url, {"year": 2025, "party_members": 35})

    stats = dict(UnitYearStat.objects.filter(unit=tree.own).values_list("year", "party_members"))
    assert stats == {2026: 40, 2025: 35}
    logs = OperationLog.objects.filter(model_label="units.unityearstat").order_by("time", "id")
    assert [(log.action, log.user) for log in logs] == [
        ("+", users.unit_admin),
        ("~", users.unit_admin),
        ("+", users.unit_admin),
    ]
    assert changed_fields(logs[1])["党员人数"] == ("37", "40")


def test_invalid_headcount_shows_an_error(client, users, tree):
    client.force_login(users.unit_admin)
    response = client.post(
        reverse("units:stats", args=[tree.own.pk]), {"year": 2026, "party_members": -1}, follow=True
    )
    assert "alert-danger" in response.content.decode()
    assert not UnitYearStat.objects.exists()


def test_headcount_needs_change_permission_and_scope(client, users, tree):
    client.force_login(users.leader)
    url = reverse("units:stats", args=[tree.own.pk])
    assert client.post(url, {"year": 2026, "party_members": 37}).status_code == 403
    client.force_login(users.unit_admin)
    url = reverse("units:stats", args=[tree.sibling.pk])
    assert client.post(url, {"year": 2026, "party_members": 37}).status_code == 404
    assert not UnitYearStat.objects.exists()


def test_a_subtree_voice_names_the_unit_with_those_below(db):
    """「所属各单位」 left the unit itself out of what its subtree report counts (「所属各单位…
    其中区教育局…」): the built-in types on those words get words that include the unit, and
    words an administrator chose stay."""
    from django.apps import apps

    migration = importlib.import_module(
        "luoshi.units.migrations.0004_subtree_voice_includes_the_unit"
    )
    voices = UnitType.objects.values_list("subtree_voice", flat=True)
    assert not [v for v in voices if v.startswith("所属")]  # a new install
    UnitType.objects.filter(code="bureau").update(subtree_voice="所属各单位")
    UnitType.objects.filter(code="other").update(subtree_voice="本单位和下属单位")
    migration.include_the_unit(apps, None)
    voices = dict(UnitType.objects.values_list("code", "subtree_voice"))
    assert voices["bureau"] == "全系统各级党组织"
    assert voices["other"] == "本单位和下属单位"  # an administrator's words
    migration.back_to_the_old_words(apps, None)
    assert UnitType.objects.get(code="bureau").subtree_voice == "所属各单位"
