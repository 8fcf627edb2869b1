from django.utils.translation import gettext_lazy as _

from luoshi.core.workflow import Workflow, taken_by
from luoshi.notices.models import Announcement

Status = Announcement.Status

editor = taken_by("notices.change_announcement")

ANNOUNCEMENT = Workflow(
    "notices.announcement",
    model=Announcement,
    frozen=[Status.PUBLISHED, Status.WITHDRAWN],
    transitions=[
        editor(
            "publish",
            _("发布"),
            Status.DRAFT,
            Status.PUBLISHED,
            confirm=_("发布后公告不能再修改（只能撤回），并立即通知所选单位的人员。确定发布吗？"),
        ),
        editor(
            "withdraw",
            _("撤回"),
            Status.PUBLISHED,
            Status.WITHDRAWN,
            confirm=_("撤回后各单位不再看到这条公告，也不能再次发布。确定撤回吗？"),
        ),
    ],
)
