"""The left menu: modules and their pages, shown only with the permission they need."""

import functools
from dataclasses import dataclass, field
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    permission: str | None = None
    icon: str = "circle"


@dataclass(frozen=True)
class MenuGroup:
    label: str | Promise
    icon: str
    items: list[MenuItem] = field(default_factory=list)


def _menu(*rows: MenuGroup | MenuItem) -> list[MenuGroup]:
    """The menu from one flat declaration: a ``MenuGroup`` row opens a module, the
    ``MenuItem`` rows under it, up to the next ``MenuGroup``, are its pages."""
    groups: list[MenuGroup] = []
    for row in rows:
        if isinstance(row, MenuGroup):
            groups.append(row)
        else:
            groups[-1].items.append(row)
    return groups


MENU = _menu(
    MenuGroup(_("工作台"), "speedometer2"),
    MenuItem(_("首页"), "home", None, "house"),
    MenuItem(_("驾驶舱"), "dashboard:index", "dashboard.view_dashboard", "bar-chart-line"),
    MenuGroup(_("责任清单"), "list-task"),
    MenuItem(_("责任清单"), "duty:list", "duty.view_dutylist", "card-checklist"),
    MenuItem(_("落实进度总览"), "duty:overview", "duty.view_dutylist", "grid-3x3"),
    MenuItem(_("责任包"), "duty:packs", "duty.view_pack", "box-seam"),
    MenuGroup(_("工作台账"), "journal-text"),
    MenuItem(_("台账记录"), "ledger:list", "ledger.view_ledgerrecord", "list-check"),
    MenuItem(_("Excel 导入"), "ledger:import", "ledger.add_ledgerrecord", "upload"),
    MenuItem(_("活动类型"), "ledger:types", "ledger.change_activitytype", "tags"),
    MenuGroup(_("任务交办"), "send-check"),
    MenuItem(_("收件箱"), "tasks:inbox", "tasks.view_taskassignment", "inbox"),
    MenuItem(_("我发出的任务"), "tasks:task_list", "tasks.view_task", "send"),
    MenuItem(_("报送计划"), "tasks:schedules", "tasks.view_reportingschedule", "calendar-check"),
    MenuItem(_("统计报表"), "statforms:forms", "statforms.view_statform", "table"),
    MenuGroup(_("阵地与舆情"), "broadcast"),
    MenuItem(_("阵地管理"), "channels:list", "luoshi_channels.view_channel", "broadcast-pin"),
    MenuItem(_("舆情事件处置"), "incidents:list", "incidents.view_incident", "megaphone"),
    MenuGroup(_("备案与三审"), "clipboard-check"),
    MenuItem(_("讲座论坛备案"), "events:list", "events.view_eventfiling", "mic"),
    MenuItem(_("活动日历"), "events:calendar", "events.view_eventfiling", "calendar3"),
    MenuItem(_("备案流程与规则"), "events:chains", "events.view_reviewchain", "diagram-2"),
    MenuItem(
        _("信息发布三审"),
        "publications:list",
        "publications.view_publication",
        "file-earmark-check",
    ),
    MenuItem(_("三审配置"), "publications:configs", "publications.view_reviewconfig", "sliders"),
    MenuGroup(_("督查整改"), "clipboard-data"),
    MenuItem(_("督查计划"), "inspections:plans", "inspections.view_inspectionplan", "binoculars"),
    MenuItem(
        _("整改事项"),
        "inspections:items",
        "inspections.view_rectificationitem",
        "wrench-adjustable",
    ),
    MenuItem(
        _("整改统计"), "inspections:summary", "inspections.view_rectificationitem", "bar-chart"
    ),
    MenuGroup(_("风险防控"), "shield-exclamation"),
    MenuItem(_("风险点台账"), "risks:list", "risks.view_riskpoint", "exclamation-triangle"),
    MenuItem(_("风险热力图"), "risks:heatmap", "risks.view_riskpoint", "grid-3x3-gap"),
    MenuItem(_("排查活动"), "risks:campaigns", "risks.view_campaign", "search"),
    MenuItem(_("本单位排查"), "risks:screenings", "risks.view_screening", "clipboard-check"),
    MenuItem(_("分析研判"), "risks:meetings", "risks.view_analysismeeting", "people"),
    MenuGroup(_("报告"), "file-earmark-text"),
    MenuItem(_("报告"), "reports:report_list", "reports.view_report", "file-earmark-richtext"),
    MenuItem(_("往年报告导入"), "reports:baseline_list", "reports.view_baseline", "clock-history"),
    MenuGroup(_("考核评价"), "award"),
    MenuItem(_("考核"), "assessment:list", "assessment.view_assessment", "trophy"),
    MenuGroup(_("组织机构"), "diagram-3"),
    MenuItem(_("单位管理"), "units:list", "units.view_unit", "building"),
    MenuItem(_("业务指导范围"), "units:guidance", "core.view_guidance", "signpost-split"),
    MenuItem(_("人员管理"), "accounts:users", "accounts.view_user", "people"),
    MenuItem(_("角色权限"), "accounts:roles", "accounts.view_role", "shield-lock"),
    MenuItem(_("在线会话"), "accounts:sessions", "accounts.view_usersession", "laptop"),
    MenuItem(_("Excel 导入"), "accounts:import_users", "accounts.add_user", "upload"),
    MenuItem(
        _("责任岗位"), "accounts:positions", "accounts.view_responsibilityposition", "person-badge"
    ),
    MenuGroup(_("数据包上报"), "box-arrow-up"),
    MenuItem(_("导出数据包"), "exchange:export", "exchange.export_package", "download"),
    MenuItem(_("导入数据包"), "exchange:import", "exchange.import_package", "upload"),
    MenuGroup(_("系统管理"), "gear"),
    MenuItem(_("参数设置"), "parameters", "core.view_systemparameter", "sliders2"),
    MenuItem(_("通知公告"), "notices:announcements", None, "megaphone"),
    MenuItem(_("通知发送记录"), "notices:deliveries", "notices.view_delivery", "send-check"),
    MenuItem(_("字典管理"), "dictionaries", "units.change_unittype", "journal-bookmark"),
    MenuGroup(_("系统日志"), "clock-history"),
    MenuItem(_("操作日志"), "audit:operations", "audit.view_operationlog", "pencil-square"),
    MenuItem(_("登录日志"), "audit:logins", "audit.view_loginlog", "box-arrow-in-right"),
    MenuGroup(_("接口"), "plug"),
    MenuItem(_("接口令牌"), "api:tokens", None, "key"),
    MenuItem(_("接口文档"), "api:docs", None, "book"),
)


@functools.cache
def _page_labels() -> dict[str, str | Promise]:
    return {item.url_name: item.label for group in MENU for item in group.items}


def page_label(url_name: str) -> str | Promise | None:
    """The menu's name of a page (None: a page the menu does not show): a page's breadcrumb,
    its "back to the list" and its Excel sheet call it so, as the menu does."""
    return _page_labels().get(url_name)


@functools.cache
def _address(url_name: str, script_prefix: str) -> str:
    return reverse(url_name)


def menu_for(user, current_path: str) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    prefix = get_script_prefix()
    granted = _granted(user)
    for group in MENU:
        items = []
        for item in group.items:
            if item.permission and not granted(item.permission):
                continue
            url = _address(item.url_name, prefix)
            matches = current_path == url or (url != "/" and current_path.startswith(url))
            items.append({"label": item.label, "url": url, "icon": item.icon, "active": matches})
        if items:
            groups.append({"label": group.label, "icon": group.icon, "items": items})
    # Only the most specific match is active: /tasks/issued/ is not also /tasks/.
    matched = [i for g in groups for i in g["items"] if i["active"]]
    best = max((len(i["url"]) for i in matched), default=0)
    for shown in groups:
        for item in shown["items"]:
            item["active"] = item["active"] and len(item["url"]) == best
        shown["active"] = any(i["active"] for i in shown["items"])
    return groups


def _granted(user):
    """``user.has_perm`` for the menu's model permissions, the user's permissions read once:
    an active superuser has them all; anyone else those their backends give."""
    if user.is_active and user.is_superuser:
        return lambda permission: True
    permissions = user.get_all_permissions() if user.is_active else set()
    return permissions.__contains__
