"""What 通知 plugs into core: the unread count on every page; a notice is done (read) once
the step it announced has been taken on its record; role grants (unit channels, 通知公告,
the delivery records); the retry limit of 参数设置; the daily sweep of deliveries; the
announcements on the home page."""

from django.utils.translation import gettext_lazy as _

from luoshi.core import registry
from luoshi.core.defaults import EDIT, VIEW
from luoshi.core.registry import ParameterSpec
from luoshi.core.workflow import step_taken
from luoshi.notices.delivery import deliver_due, mark_interrupted
from luoshi.notices.models import Notice
from luoshi.notices.selectors import unread_announcements
from luoshi.notices.services import mark_done


def _unread_notices(request) -> dict:
    return {"unread_notices": Notice.objects.for_user(request.user).unread().count()}


registry.page_context(_unread_notices)


def _step_done(sender, obj, step, **kwargs) -> None:
    get_url = getattr(obj, "get_absolute_url", None)
    if get_url is not None:
        mark_done(url=get_url(), before=step.at)


step_taken.connect(_step_done, dispatch_uid="notices.step_done")

NOTICE_GRANTS = registry.module_grants(
    "通知",
    {
        "unit_admin": {
            "notices.unitnoticesetting": ["view", "add", "change"],
            "notices.delivery": ["view", "change"],
            "notices.announcement": EDIT,
        },
        "leader": {"notices.announcement": VIEW},
    },
)

registry.parameter(
    ParameterSpec(
        key="notice_max_attempts",
        label=_("通知发送失败后最多尝试次数"),
        group=_("提醒"),
        kind="int",
        setting="NOTICE_MAX_ATTEMPTS",
        default=5,
        minimum=1,
        maximum=20,
        unit=_("次"),
        help=_(
            "邮件、企业微信、钉钉消息发送失败时自动重试（间隔 1、5、30 分钟……），"
            "达到此次数仍失败则标为「发送失败」，在「通知发送记录」中可见并可重新发送。"
        ),
    )
)


def _deliveries(today) -> int:
    mark_interrupted()
    return deliver_due()["sent"]


registry.daily_job("notice_deliveries", _deliveries)


def _home_announcements(request, year) -> dict:
    return {"home_announcements": unread_announcements(request.user)[:5]}


registry.home_context(_home_announcements)
registry.home_panel(20, "notices/_home_announcements.html")
