"""Default dictionaries and roles, created (idempotently) after every migrate/flush."""

from django.contrib.auth.models import Permission
from django.db import transaction

from luoshi.core.scope import DataScope

UNIT_TYPES = [
    ("district_committee", "区委"),
    ("publicity_dept", "宣传部"),
    ("bureau", "局"),
    ("township", "乡镇"),
    ("street", "街道"),
    ("village", "村社区"),
    ("party_branch", "党支部"),
    ("school", "学校"),
    ("hospital", "医院"),
    ("enterprise", "企业"),
    ("other", "其他"),
]

# code, name, needs_outlet, description
ACTIVITY_TYPES = [
    ("special_meeting", "专题会议", False, "党委会/党组会专题研究意识形态工作"),
    ("study_group", "中心组学习", False, "党委(党组)理论学习中心组学习"),
    ("outreach_talk", "理论宣讲", False, "宣讲团、百姓宣讲、专题党课"),
    ("civic_practice", "文明实践", False, "新时代文明实践活动"),
    ("volunteer", "志愿服务", False, ""),
    ("warning_education", "警示教育", False, ""),
    ("training", "培训", False, "意识形态、网络安全、新闻发言人等培训"),
    ("publicity", "上稿/外宣", True, "在各级媒体刊发的稿件，须填媒体名称与级别"),
    ("analysis", "分析研判", False, "意识形态领域形势分析研判会议"),
    ("briefing", "通报", False, "意识形态工作情况通报"),
    ("report_up", "专题汇报", False, "向上级党委专题汇报意识形态工作"),
    ("duty_report", "述职", False, "班子成员述职述廉中涉及意识形态工作"),
]

ALL_APPS = ["units", "accounts", "ledger", "tasks", "evidence", "audit"]
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

# 阵地管理 (luoshi.channels) and 舆情事件处置 (luoshi.incidents): dictionaries and role grants.
CHANNEL_TYPES = [
    ("portal", "门户网站"),
    ("wechat", "微信公众号"),
    ("weibo", "微博"),
    ("video", "抖音/视频号"),
    ("board", "宣传栏/电子屏"),
    ("hall", "讲堂/场馆"),
    ("other", "其他"),
]
INCIDENT_PLATFORMS = [
    ("own_site", "本单位网站/公众号"),
    ("wechat", "微信"),
    ("weibo", "微博"),
    ("short_video", "抖音/快手/视频号"),
    ("news_app", "新闻客户端"),
    ("forum", "本地论坛/贴吧"),
    ("message_board", "领导留言板"),
    ("hotline", "12345 热线"),
    ("offline", "线下反映"),
    ("other", "其他"),
]
ALL_APPS += ["channels", "incidents"]
CHANNEL_INCIDENT_GRANTS = {
    "unit_admin": {
        "channels.channel": EDIT,
        "channels.channelcheck": EDIT,
        "incidents.incident": EDIT,
    },
    "leader": {"channels.channel": VIEW, "channels.channelcheck": VIEW, "incidents.incident": VIEW},
    "clerk": {
        "channels.channel": ["view", "add", "change"],
        "channels.channelcheck": ["view", "add"],
        "incidents.incident": ["view", "add", "change"],
    },
    "reviewer": {
        "channels.channel": VIEW,
        "channels.channelcheck": VIEW,
        "incidents.incident": VIEW,
    },
    "inspector": {
        "channels.channel": VIEW,
        "channels.channelcheck": ["view", "add"],
        "incidents.incident": VIEW,
    },
}
for _code, _name, _scope, _description, _spec in ROLES:
    if _spec != "*":
        _spec.update(CHANNEL_INCIDENT_GRANTS.get(_code, {}))


def _ensure_channel_incident_defaults() -> None:
    """Seed the two dictionaries; give built-in roles these modules' permissions once
    (a role that already holds any of them is left as its administrators set it)."""
    from django.apps import apps as django_apps
    from django.contrib.auth.management import create_permissions

    from luoshi.accounts.models import Role
    from luoshi.channels.models import ChannelType
    from luoshi.incidents.models import Platform

    apps = ["channels", "incidents"]
    for label in apps:  # idempotent; post_migrate may not have reached these apps yet
        create_permissions(django_apps.get_app_config(label), verbosity=0)
    for model, entries in ((ChannelType, CHANNEL_TYPES), (Platform, INCIDENT_PLATFORMS)):
        for order, (code, name) in enumerate(entries, start=1):
            model.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for code, _name, _scope, _description, spec in ROLES:
        role = Role.objects.filter(code=code, is_builtin=True).first()
        if role is None or role.permissions.filter(content_type__app_label__in=apps).exists():
            continue
        role.permissions.add(*[p for p in _permissions(spec) if p.content_type.app_label in apps])


# 讲座论坛备案 (luoshi.events) and 信息发布三审 (luoshi.publications): role grants.
ALL_APPS += ["events", "publications"]
EVENT_PUBLICATION_GRANTS = {
    # unit_admin holds every grant it hands out; who reviews is decided by role in the flow
    "unit_admin": {
        "events.eventfiling": [*EDIT, "review"],
        "events.reviewchain": EDIT,
        "events.eventrule": EDIT,
        "publications.publication": [*EDIT, "review", "final_review"],
        "publications.reviewconfig": EDIT,
    },
    "leader": {
        "events.eventfiling": ["view", "review"],
        "events.reviewchain": VIEW,
        "events.eventrule": VIEW,
        "publications.publication": ["view", "review", "final_review"],
        "publications.reviewconfig": VIEW,
    },
    "clerk": {
        "events.eventfiling": EDIT,
        "publications.publication": EDIT,
    },
    "reviewer": {
        "events.eventfiling": ["view", "review"],
        "events.reviewchain": VIEW,
        "events.eventrule": VIEW,
        "publications.publication": ["view", "review"],
        "publications.reviewconfig": VIEW,
    },
    "inspector": {"events.eventfiling": VIEW, "publications.publication": VIEW},
}
for _code, _name, _scope, _description, _spec in ROLES:
    if _spec != "*":
        _spec.update(EVENT_PUBLICATION_GRANTS.get(_code, {}))


def _ensure_event_publication_grants() -> None:
    """Give built-in roles these modules' permissions once (a role that already holds any
    of them is left as its administrators set it)."""
    from luoshi.accounts.models import Role

    apps = ["events", "publications"]
    for code, _name, _scope, _description, spec in ROLES:
        role = Role.objects.filter(code=code, is_builtin=True).first()
        if role is None or role.permissions.filter(content_type__app_label__in=apps).exists():
            continue
        role.permissions.add(*[p for p in _permissions(spec) if p.content_type.app_label in apps])


# 责任清单 (luoshi.duty): role grants and the default responsibility pack.
ALL_APPS += ["duty"]
DUTY_GRANTS = {
    # unit_admin holds every grant it hands out; who signs is decided by position in the flow
    "unit_admin": {
        "duty.dutylist": [*EDIT, "sign"],
        "duty.dutyitem": ["view", "change"],
        "duty.pack": VIEW,
    },
    "leader": {"duty.dutylist": [*VIEW, "sign"], "duty.dutyitem": VIEW, "duty.pack": VIEW},
    "clerk": {"duty.dutylist": VIEW, "duty.dutyitem": ["view", "change"]},
    "reviewer": {"duty.dutylist": VIEW, "duty.dutyitem": VIEW, "duty.pack": VIEW},
    "inspector": {"duty.dutylist": VIEW, "duty.dutyitem": VIEW, "duty.pack": VIEW},
}
for _code, _name, _scope, _description, _spec in ROLES:
    if _spec != "*":
        _spec.update(DUTY_GRANTS.get(_code, {}))


def _ensure_duty_defaults() -> None:
    """Give built-in roles the duty permissions once (a role already holding any is left as
    its administrators set it) and load the bundled 意识形态工作责任制 pack."""
    from luoshi.accounts.models import Role
    from luoshi.duty.services import ensure_default_pack

    for code, _name, _scope, _description, spec in ROLES:
        role = Role.objects.filter(code=code, is_builtin=True).first()
        if role is None or role.permissions.filter(content_type__app_label="duty").exists():
            continue
        role.permissions.add(*[p for p in _permissions(spec) if p.content_type.app_label == "duty"])
    ensure_default_pack()


# 督查整改 (luoshi.inspections): role grants. 督查员 plans and inspects (the plan's team records
# results and verifies rectification); 单位管理员/录入员 of the inspected unit submit rectification.
ALL_APPS += ["inspections"]
INSPECTION_GRANTS = {
    "unit_admin": {
        "inspections.inspectionplan": EDIT,
        "inspections.inspectionresult": VIEW,
        "inspections.finding": VIEW,
        "inspections.rectificationitem": ["view", "change"],
    },
    "leader": {
        "inspections.inspectionplan": VIEW,
        "inspections.inspectionresult": VIEW,
        "inspections.finding": VIEW,
        "inspections.rectificationitem": VIEW,
    },
    "clerk": {
        "inspections.inspectionresult": VIEW,
        "inspections.finding": VIEW,
        "inspections.rectificationitem": ["view", "change"],
    },
    "reviewer": {
        "inspections.inspectionplan": VIEW,
        "inspections.inspectionresult": VIEW,
        "inspections.finding": VIEW,
        "inspections.rectificationitem": VIEW,
    },
    "inspector": {
        "inspections.inspectionplan": EDIT,
        "inspections.inspectionresult": ["view", "change"],
        "inspections.finding": ["view", "add"],
        "inspections.rectificationitem": ["view", "verify"],
    },
}
for _code, _name, _scope, _description, _spec in ROLES:
    if _spec != "*":
        _spec.update(INSPECTION_GRANTS.get(_code, {}))


def _ensure_inspection_grants() -> None:
    """Give built-in roles the inspection permissions once (a role already holding any of
    them is left as its administrators set it)."""
    from django.apps import apps as django_apps
    from django.contrib.auth.management import create_permissions

    from luoshi.accounts.models import Role

    create_permissions(django_apps.get_app_config("inspections"), verbosity=0)
    for code, _name, _scope, _description, spec in ROLES:
        role = Role.objects.filter(code=code, is_builtin=True).first()
        if role is None or role.permissions.filter(content_type__app_label="inspections").exists():
            continue
        role.permissions.add(
            *[p for p in _permissions(spec) if p.content_type.app_label == "inspections"]
        )


# 风险点排查与研判 (luoshi.risks): dictionaries and role grants.
RISK_AREAS = [
    ("theory_study", "理论学习"),
    ("positions", "阵地管理"),
    ("online", "网络宣传"),
    ("press", "新闻出版"),
    ("culture", "文化活动"),
    ("education", "教育培训"),
    ("team", "队伍建设"),
    ("institutions", "制度机制"),
    ("other", "其他"),
]
# code, name, colour (order 1 = most severe)
RISK_LEVELS = [
    ("red", "红", "#dc3545"),
    ("orange", "橙", "#fd7e14"),
    ("yellow", "黄", "#ffc107"),
    ("blue", "蓝", "#0d6efd"),
]
ALL_APPS += ["risks"]
RISK_GRANTS = {
    "unit_admin": {
        "risks.riskpoint": EDIT,
        "risks.campaign": EDIT,
        "risks.screening": EDIT,
        "risks.analysismeeting": EDIT,
        "risks.riskarea": EDIT,
        "risks.risklevel": EDIT,
    },
    "leader": {
        "risks.riskpoint": VIEW,
        "risks.campaign": VIEW,
        "risks.screening": VIEW,
        "risks.analysismeeting": VIEW,
    },
    "clerk": {
        "risks.riskpoint": ["view", "add", "change"],
        "risks.campaign": VIEW,
        "risks.screening": ["view", "add", "change"],
        "risks.analysismeeting": ["view", "add", "change"],
    },
    "reviewer": {
        "risks.riskpoint": VIEW,
        "risks.campaign": VIEW,
        "risks.screening": VIEW,
        "risks.analysismeeting": VIEW,
    },
    "inspector": {
        "risks.riskpoint": VIEW,
        "risks.campaign": VIEW,
        "risks.screening": VIEW,
        "risks.analysismeeting": VIEW,
    },
}
for _code, _name, _scope, _description, _spec in ROLES:
    if _spec != "*":
        _spec.update(RISK_GRANTS.get(_code, {}))


def _ensure_risk_defaults() -> None:
    """Seed risk areas and levels; give built-in roles the risk permissions once (a role
    already holding any of them is left as its administrators set it)."""
    from django.apps import apps as django_apps
    from django.contrib.auth.management import create_permissions

    from luoshi.accounts.models import Role
    from luoshi.risks.models import RiskArea, RiskLevel

    create_permissions(django_apps.get_app_config("risks"), verbosity=0)
    for order, (code, name) in enumerate(RISK_AREAS, start=1):
        RiskArea.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for order, (code, name, color) in enumerate(RISK_LEVELS, start=1):
        RiskLevel.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "color": color}
        )
    for code, _name, _scope, _description, spec in ROLES:
        role = Role.objects.filter(code=code, is_builtin=True).first()
        if role is None or role.permissions.filter(content_type__app_label="risks").exists():
            continue
        role.permissions.add(
            *[p for p in _permissions(spec) if p.content_type.app_label == "risks"]
        )


# 考核 (luoshi.assessment): role grants. 单位管理员 computes and publishes, 督查员 reviews and
# enters manual scores, 领导 views.
ALL_APPS += ["assessment"]
ASSESSMENT_GRANTS = {
    "unit_admin": {
        "assessment.assessment": ["view", "add", "change", "compute", "publish", "score"],
        "assessment.assessmentscore": ["view", "change"],
    },
    "leader": {"assessment.assessment": VIEW, "assessment.assessmentscore": VIEW},
    "inspector": {
        "assessment.assessment": ["view", "score"],
        "assessment.assessmentscore": ["view", "change"],
    },
}
for _code, _name, _scope, _description, _spec in ROLES:
    if _spec != "*":
        _spec.update(ASSESSMENT_GRANTS.get(_code, {}))


def _ensure_assessment_grants() -> None:
    """Give built-in roles the assessment permissions once (a role already holding any of
    them is left as its administrators set it)."""
    from django.apps import apps as django_apps
    from django.contrib.auth.management import create_permissions

    from luoshi.accounts.models import Role

    create_permissions(django_apps.get_app_config("assessment"), verbosity=0)
    for code, _name, _scope, _description, spec in ROLES:
        role = Role.objects.filter(code=code, is_builtin=True).first()
        if role is None or role.permissions.filter(content_type__app_label="assessment").exists():
            continue
        role.permissions.add(
            *[p for p in _permissions(spec) if p.content_type.app_label == "assessment"]
        )


# 驾驶舱 (luoshi.dashboard): who may open the dashboard. What it shows is still limited by
# the data scope and by each module's view permission.
ALL_APPS += ["dashboard"]
DASHBOARD_GRANTS = {
    "unit_admin": {"dashboard.dashboard": VIEW},
    "leader": {"dashboard.dashboard": VIEW},
    "inspector": {"dashboard.dashboard": VIEW},
}
for _code, _name, _scope, _description, _spec in ROLES:
    if _spec != "*":
        _spec.update(DASHBOARD_GRANTS.get(_code, {}))


def _ensure_dashboard_grants() -> None:
    """Give built-in roles the dashboard permission once (a role already holding it is
    left as its administrators set it)."""
    from django.apps import apps as django_apps
    from django.contrib.auth.management import create_permissions

    from luoshi.accounts.models import Role

    create_permissions(django_apps.get_app_config("dashboard"), verbosity=0)
    for code, _name, _scope, _description, spec in ROLES:
        role = Role.objects.filter(code=code, is_builtin=True).first()
        if role is None or role.permissions.filter(content_type__app_label="dashboard").exists():
            continue
        role.permissions.add(
            *[p for p in _permissions(spec) if p.content_type.app_label == "dashboard"]
        )


def grantable_permissions():
    """The permissions a role can carry: luoshi's own models, not their history tables."""
    return (
        Permission.objects.filter(content_type__app_label__in=ALL_APPS)
        .exclude(content_type__model__startswith="historical")
        .select_related("content_type")
        .order_by("content_type__app_label", "content_type__model", "codename")
    )


def _permissions(spec):
    permissions = grantable_permissions()
    if spec == "*":
        return list(permissions)
    wanted = []
    for label, actions in spec.items():
        app_label, model = label.split(".")
        wanted += [
            p
            for p in permissions
            if p.content_type.app_label == app_label
            and p.codename in {f"{a}_{model}" for a in actions}
        ]
    return wanted


@transaction.atomic
def ensure_defaults() -> None:
    from luoshi.accounts.models import Role
    from luoshi.ledger.models import ActivityType
    from luoshi.units.models import UnitType

    for order, (code, name) in enumerate(UNIT_TYPES, start=1):
        UnitType.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for order, (code, name, outlet, description) in enumerate(ACTIVITY_TYPES, start=1):
        ActivityType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "order": order,
                "needs_outlet": outlet,
                "description": description,
            },
        )
    for order, (code, name, scope, description, spec) in enumerate(ROLES, start=1):
        role, created = Role.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "data_scope": scope,
                "description": description,
                "is_builtin": True,
                "order": order,
            },
        )
        if created:
            role.permissions.set(_permissions(spec))
    _ensure_channel_incident_defaults()
    _ensure_event_publication_grants()
    _ensure_duty_defaults()
    _ensure_risk_defaults()
    _ensure_inspection_grants()
    _ensure_assessment_grants()
    _ensure_dashboard_grants()
