"""Every model of a luoshi app is read through the data-scope mechanism, or says why not."""

import pytest
from django.apps import apps

from luoshi.accounts.models import Role
from luoshi.core.scope import DataScope, is_scoped, scope_q
from luoshi.ledger.models import LedgerRecord
from luoshi.units.models import Unit
from tests.factories import LedgerRecordFactory, make_user

# model label -> why it has no data scope
ALLOWLIST = {
    "units.unittype": "dictionary: the same unit types for every unit",
    "ledger.activitytype": "dictionary: the same activity types for every unit",
    "luoshi_channels.channeltype": "dictionary: the same channel types for every unit",
    "incidents.platform": "dictionary: the same incident platforms for every unit",
    "risks.riskarea": "dictionary: the same risk areas for every unit",
    "risks.risklevel": "dictionary: the same risk levels for every unit",
    "duty.pack": "responsibility framework: the same pack for every unit",
    "duty.packitem": "responsibility framework: the items of a pack, the same for every unit",
    "accounts.role": "system configuration, guarded by accounts.*_role permissions",
    "audit.loginlog": "system-wide login trail, admin-only through audit.view_loginlog",
    "notices.notice": "a person's own inbox: Notice.objects.for_user filters by recipient",
    "exchange.deployment": "the deployment's own id, no unit data, never shown in a view",
    "exchange.importedobject": "import bookkeeping (package id -> row), never shown in a view",
    "api.apitoken": "a person's own tokens: every view filters by user=request.user",
    "core.businessline": "dictionary: the same business lines (modules) for every unit",
    "core.guidance": "system configuration (业务指导范围), guarded by core.*_guidance "
    "permissions; read by the scope mechanism itself",
    "core.importjob": "a person's own background import: the job page filters by user",
    "core.datageneration": "one number per cache (the figure cache's data generation): no "
    "unit data, never shown in a view",
    "core.rollup": "pre-aggregated counts: read only by the metric layer, for a user whose "
    "scope covers the whole subtree (metrics.covers); never shown in a view",
    "core.systemparameter": "参数设置: system configuration, no unit data, guarded by "
    "core.view/change_systemparameter (系统管理员 only)",
    "notices.announcementreceipt": "read receipts: shown only on an announcement's scoped "
    "阅读情况 page (Announcement.objects.writable_by) and to the reader",
    "dashboard.dashboard": "no table (managed=False): only carries dashboard.view_dashboard",
    "accounts.passwordhistory": "a person's own password hashes: read only by the password "
    "validator of that person, never shown in a view",
    "accounts.usersession": "sign-in sessions: the 在线会话 page scopes them like a password "
    "reset (the users an administrator may manage)",
    "audit.logchainhead": "the audit logs' hash-chain head: no unit data, never shown",
    "health.workerheartbeat": "the worker's last heartbeat for /healthz: no unit data",
}
HISTORY_REASON = "simple-history table: never exposed by a view, read via the scoped record"


def luoshi_models():
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("luoshi.")
        for model in config.get_models(include_auto_created=True)
    ]


def exemption(model, allowlist) -> str | None:
    """Why ``model`` may be unscoped, or None."""
    if model.__name__.startswith("Historical"):
        return HISTORY_REASON
    return allowlist.get(model._meta.label_lower)


def violations(models, allowlist=ALLOWLIST) -> list[str]:
    return [
        model._meta.label
        for model in models
        if not model._meta.auto_created
        and not is_scoped(model)
        and exemption(model, allowlist) is None
    ]


def test_every_luoshi_model_is_scoped_or_allowlisted():
    models = luoshi_models()
    assert len(models) > 10  # the walk really found the apps
    assert violations(models) == []


def test_allowlist_entries_exist_and_give_reasons():
    labels = {m._meta.label_lower for m in luoshi_models()}
    for label, reason in ALLOWLIST.items():
        assert label in labels, f"stale allowlist entry {label}"
        assert reason.strip()
        assert not is_scoped(apps.get_model(label)), f"{label} is scoped: drop it from the list"


@pytest.mark.parametrize(
    "label",
    [
        "units.unit",
        "units.unityearstat",
        "accounts.user",
        "accounts.responsibilityposition",
        "ledger.ledgerrecord",
        "evidence.evidence",
    ],
)
def test_unit_data_models_are_scoped(label):
    assert is_scoped(apps.get_model(label))


def test_a_model_that_forgets_scoping_is_reported():
    from luoshi.audit.models import LoginLog

    # As if LoginLog were a new model nobody allowlisted:
    allowlist = {k: v for k, v in ALLOWLIST.items() if k != "audit.loginlog"}
    assert violations([LoginLog, LedgerRecord], allowlist) == ["audit.LoginLog"]


# --- scope_q ----------------------------------------------------------------------


@pytest.fixture
def records(tree):
    return {name: LedgerRecordFactory(unit=getattr(tree, name)) for name in vars(tree)}


def visible(user):
    return set(LedgerRecord.objects.filter(scope_q(user, LedgerRecord.scope_spec)))


def test_user_without_roles_sees_nothing(tree, records):
    user = make_user("nobody", tree.own)
    assert visible(user) == set()
    assert not Unit.objects.for_user(user).exists()


def test_superuser_sees_everything(tree, records):
    user = make_user("root", tree.own, is_superuser=True)
    assert visible(user) == set(records.values())


def test_inactive_user_sees_nothing(tree, records):
    user = make_user("gone", tree.own, "admin", is_active=False)
    assert visible(user) == set()


def test_anonymous_sees_nothing(records):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()


def test_union_of_unit_and_custom_roles(tree, records):
    custom = Role.objects.create(name="自定义-教育局", code="t-custom", data_scope=DataScope.CUSTOM)
    custom.custom_units.set([tree.sibling])
    user = make_user("both", tree.own, "clerk")
    user.groups.add(custom)
    assert visible(user) == {records["own"], records["sibling"]}
    assert set(Unit.objects.for_user(user)) == {tree.own, tree.sibling}


def test_custom_scope_without_units_sees_nothing(tree, records):
    empty = Role.objects.create(name="自定义-空", code="t-empty", data_scope=DataScope.CUSTOM)
    user = make_user("empty", tree.own)
    user.groups.add(empty)
    assert visible(user) == set()
