"""Default dictionaries and roles, created (idempotently) after every migrate/flush."""

from dataclasses import dataclass

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


# Modules added after the first release register what the built-in roles get through
# ``module_grants``: a new database gets the grants with its roles; an existing one gets them
# once, when the module first appears (``_ensure_module_grants``). A role that already holds
# any permission of a module's models is left as its administrators set it.
@dataclass(frozen=True)
class ModuleGrants:
    name: str
    roles: dict  # role code -> {"app_label.model": [action or full codename, ...]}

    @property
    def models(self) -> set[str]:
        return {label for spec in self.roles.values() for label in spec}


MODULE_GRANTS: list[ModuleGrants] = []


def module_grants(name: str, roles: dict) -> ModuleGrants:
    grants = ModuleGrants(name, roles)
    MODULE_GRANTS.append(grants)
    for app_label in sorted({label.split(".")[0] for label in grants.models}):
        if app_label not in ALL_APPS:
            ALL_APPS.append(app_label)
    for code, _name, _scope, _description, spec in ROLES:
        if spec != "*":
            spec.update(roles.get(code, {}))
    return grants


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
CHANNEL_INCIDENT_GRANTS = module_grants(
    "阵地与舆情",
    {
        "unit_admin": {
            "channels.channel": EDIT,
            "channels.channelcheck": EDIT,
            "incidents.incident": EDIT,
        },
        "leader": {
            "channels.channel": VIEW,
            "channels.channelcheck": VIEW,
            "incidents.incident": VIEW,
        },
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
    },
)


def _ensure_channel_incident_dictionaries() -> None:
    from luoshi.channels.models import ChannelType
    from luoshi.incidents.models import Platform

    for model, entries in ((ChannelType, CHANNEL_TYPES), (Platform, INCIDENT_PLATFORMS)):
        for order, (code, name) in enumerate(entries, start=1):
            model.objects.get_or_create(code=code, defaults={"name": name, "order": order})


# 讲座论坛备案 (luoshi.events) and 信息发布三审 (luoshi.publications): role grants.
EVENT_PUBLICATION_GRANTS = module_grants(
    "备案与三审",
    {
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
    },
)


# 责任清单 (luoshi.duty): role grants and the default responsibility pack.
DUTY_GRANTS = module_grants(
    "责任清单",
    {
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
    },
)


# 督查整改 (luoshi.inspections): role grants. 督查员 plans and inspects (the plan's team records
# results and verifies rectification); 单位管理员/录入员 of the inspected unit submit rectification.
INSPECTION_GRANTS = module_grants(
    "督查整改",
    {
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
    },
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
RISK_GRANTS = module_grants(
    "风险排查",
    {
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
    },
)


def _ensure_risk_dictionaries() -> None:
    from luoshi.risks.models import RiskArea, RiskLevel

    for order, (code, name) in enumerate(RISK_AREAS, start=1):
        RiskArea.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for order, (code, name, color) in enumerate(RISK_LEVELS, start=1):
        RiskLevel.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "color": color}
        )


# 考核 (luoshi.assessment): role grants. 单位管理员 computes and publishes, 督查员 reviews and
# enters manual scores, 领导 views.
ASSESSMENT_GRANTS = module_grants(
    "考核",
    {
        "unit_admin": {
            "assessment.assessment": ["view", "add", "change", "compute", "publish", "score"],
            "assessment.assessmentscore": ["view", "change"],
        },
        "leader": {"assessment.assessment": VIEW, "assessment.assessmentscore": VIEW},
        "inspector": {
            "assessment.assessment": ["view", "score"],
            "assessment.assessmentscore": ["view", "change"],
        },
    },
)


# 往年报告基线 (luoshi.reports.Baseline): import past reports; leaders read them.
BASELINE_GRANTS = module_grants(
    "往年报告基线",
    {
        "unit_admin": {"reports.baseline": EDIT},
        "clerk": {"reports.baseline": ["view", "add", "change"]},
        "leader": {"reports.baseline": VIEW},
    },
)


# 数据包上报 (luoshi.exchange): export and import data packages; 系统管理员 and 单位管理员 (each
# within their own scope: export units they see, import under units they administer).
EXCHANGE_GRANTS = module_grants(
    "数据包上报",
    {"unit_admin": {"exchange.importedobject": ["export_package", "import_package"]}},
)


# 报告 (luoshi.reports.Report): 干事 and 单位管理员 generate and edit, 领导 (and 单位管理员)
# finalize.
REPORT_GRANTS = module_grants(
    "报告",
    {
        "unit_admin": {"reports.report": ["view", "add", "change", "delete", "finalize"]},
        "leader": {"reports.report": ["view", "finalize"]},
        "clerk": {"reports.report": ["view", "add", "change"]},
        "reviewer": {"reports.report": VIEW},
        "inspector": {"reports.report": VIEW},
    },
)


# 驾驶舱 (luoshi.dashboard): who may open the dashboard. What it shows is still limited by
# the data scope and by each module's view permission.
DASHBOARD_GRANTS = module_grants(
    "驾驶舱",
    {
        "unit_admin": {"dashboard.dashboard": VIEW},
        "leader": {"dashboard.dashboard": VIEW},
        "inspector": {"dashboard.dashboard": VIEW},
    },
)


def grantable_permissions():
    """The permissions a role can carry: luoshi's own models, not their history tables."""
    return (
        Permission.objects.filter(content_type__app_label__in=ALL_APPS)
        .exclude(content_type__model__startswith="historical")
        .select_related("content_type")
        .order_by("content_type__app_label", "content_type__model", "codename")
    )


def _permissions(spec, permissions=None):
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


def _ensure_module_grants() -> None:
    """Give built-in roles each module's permissions once (see ``module_grants``)."""
    from django.apps import apps as django_apps
    from django.contrib.auth.management import create_permissions

    from luoshi.accounts.models import Role

    for app_label in ALL_APPS:  # idempotent; post_migrate may not have reached these apps yet
        create_permissions(django_apps.get_app_config(app_label), verbosity=0)
    roles = {r.code: r for r in Role.objects.filter(is_builtin=True)}
    available = list(grantable_permissions())
    for grants in MODULE_GRANTS:
        module = [
            p
            for p in available
            if f"{p.content_type.app_label}.{p.content_type.model}" in grants.models
        ]
        for code, _name, _scope, _description, spec in ROLES:
            role = roles.get(code)
            if role is None or role.permissions.filter(pk__in=[p.pk for p in module]).exists():
                continue
            role.permissions.add(*[p for p in _permissions(spec, available) if p in module])


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
    _ensure_module_grants()
    _ensure_channel_incident_dictionaries()
    _ensure_risk_dictionaries()
    from luoshi.duty.services import ensure_default_pack

    ensure_default_pack()
