from django.utils.translation import gettext_lazy as _

from luoshi.core.workflow import Transition, Workflow
from luoshi.notices.models import Announcement

Status = Announcement.Status

ANNOUNCEMENT = Workflow(
    "notices.announcement",
    states=Status,
    model=Announcement,
    frozen=[Status.PUBLISHED, Status.WITHDRAWN],
    transitions=[
        Transition(
            "publish",
            _("发布"),
            source=Status.DRAFT,
            target=Status.PUBLISHED,
            permission="notices.change_announcement",
            confirm=_("发布后公告不能再修改（只能撤回），并立即通知所选单位的人员。确定发布吗？"),
        ),
        Transition(
            "withdraw",
            _("撤回"),
            source=Status.PUBLISHED,
            target=Status.WITHDRAWN,
            permission="notices.change_announcement",
            confirm=_("撤回后各单位不再看到这条公告，也不能再次发布。确定撤回吗？"),
        ),
    ],
)
