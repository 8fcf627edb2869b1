"""Default dictionaries and roles, created (idempotently) after every migrate/flush.

The built-in roles and their grants on the first release's apps are here; every other app
registers its dictionaries, role grants and further steps in ``luoshi.core.registry``.
"""

from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import transaction

from luoshi.core import registry
from luoshi.core.authority import BusinessLine
from luoshi.core.scope import DataScope

VIEW = ["view"]
EDIT = ["view", "add", "change", "delete"]

# code, name, scope, description, {app_label.model: actions}
ROLES = [
    (
        "admin",
        "系统管理员",
        DataScope.ALL,
        "全部数据与全部功能，含角色权限、字典与系统日志",
        "*",
    ),
    (
        "unit_admin",
        "单位管理员",
        DataScope.SUBTREE,
        "管理本单位及下级单位的单位信息、人员、责任岗位与台账",
        {
            "units.unit": EDIT,
            "units.unityearstat": EDIT,
            "accounts.user": ["view", "add", "change"],
            "accounts.role": VIEW,
            "accounts.responsibilityposition": EDIT,
            "ledger.ledgerrecord": EDIT,
            "evidence.evidence": EDIT,
            "tasks.task": EDIT,
            "tasks.taskassignment": ["view", "change", "review"],
            "tasks.reportingschedule": EDIT,
        },
    ),
    (
        "leader",
        "领导",
        DataScope.SUBTREE,
        "查阅本单位及下级单位的全部记录并签批",
        {
            "units.unit": VIEW,
            "units.unityearstat": VIEW,
            "accounts.user": VIEW,
            "accounts.responsibilityposition": VIEW,
            "ledger.ledgerrecord": VIEW,
            "evidence.evidence": VIEW,
            "tasks.task": VIEW,
            "tasks.taskassignment": VIEW,
            "tasks.reportingschedule": VIEW,
        },
    ),
    (
        "clerk",
        "录入员",
        DataScope.UNIT,
        "录入本单位的台账记录与佐证材料",
        {
            "units.unit": VIEW,
            "accounts.responsibilityposition": VIEW,
            "ledger.ledgerrecord": EDIT,
            "evidence.evidence": EDIT,
            "tasks.taskassignment": ["view", "change"],
        },
    ),
    (
        "reviewer",
        "审核员",
        DataScope.SUBTREE,
        "审核本单位及下级单位报送的材料",
        {
            "units.unit": VIEW,
            "accounts.responsibilityposition": VIEW,
            "ledger.ledgerrecord": VIEW,
            "evidence.evidence": VIEW,
            "tasks.task": VIEW,
            "tasks.taskassignment": ["view", "review"],
        },
    ),
    (
        "inspector",
        "督查员",
        DataScope.SUBTREE,
        "督查检查本单位及下级单位，查阅记录与佐证",
        {
            "units.unit": VIEW,
            "units.unityearstat": VIEW,
            "accounts.responsibilityposition": VIEW,
            "ledger.ledgerrecord": VIEW,
            "evidence.evidence": VIEW,
            "tasks.task": VIEW,
            "tasks.taskassignment": VIEW,
            "tasks.reportingschedule": VIEW,
        },
    ),
]


def role_specs() -> dict:
    """role code -> its grants: the base ones above and every module's (``module_grants``)."""
    specs: dict[str, Any] = {}
    for code, _name, _scope, _description, declared in ROLES:
        spec: Any = declared
        if spec != "*":
            spec = dict(spec)
            for grants in registry.GRANTS:
                spec.update(grants.roles.get(code, {}))
        specs[code] = spec
    return specs


def grantable_permissions():
    """The permissions a role can carry: luoshi's own models, not their history tables."""
    return (
        Permission.objects.filter(content_type__app_label__in=registry.grantable_apps())
        .exclude(content_type__model__startswith="historical")
        .select_related("content_type")
        .order_by("content_type__app_label", "content_type__model", "codename")
    )


def permissions_of(spec, permissions=None):
    permissions = grantable_permissions() if permissions is None else permissions
    if spec == "*":
        return list(permissions)
    wanted = []
    for label, actions in spec.items():
        app_label, model = label.split(".")
        wanted += [
            p
            for p in permissions
            if p.content_type.app_label == app_label
            and p.content_type.model == model
            and p.codename in {f"{a}_{model}" for a in actions} | set(actions)
        ]
    return wanted


def _ensure_dictionaries() -> None:
    for dictionary in registry.DICTIONARIES:
        model = apps.get_model(dictionary.model)
        key, *others = dictionary.fields
        for order, entry in enumerate(dictionary.entries, start=1):
            values = dict(zip(dictionary.fields, entry, strict=True))
            model.objects.get_or_create(
                **{key: values[key]}, defaults={"order": order, **{f: values[f] for f in others}}
            )


def _ensure_business_lines() -> None:
    for order, (code, name) in enumerate(registry.BUSINESS_LINES.items(), start=1):
        BusinessLine.objects.get_or_create(code=code, defaults={"name": name, "order": order})


@transaction.atomic
def ensure_defaults() -> None:
    _ensure_dictionaries()
    _ensure_business_lines()
    for step in registry.DEFAULTS_STEPS:
        step()
