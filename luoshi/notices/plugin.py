"""What 通知 plugs into core: the unread count on every page; a notice is done (read) once
the step it announced has been taken on its record."""

from luoshi.core import registry
from luoshi.core.workflow import step_taken
from luoshi.notices.services import mark_done


def _unread_notices(request) -> dict:
    from luoshi.notices.models import Notice

    return {"unread_notices": Notice.objects.for_user(request.user).unread().count()}


registry.page_context(_unread_notices)


def _step_done(sender, obj, step, **kwargs) -> None:
    get_url = getattr(obj, "get_absolute_url", None)
    if get_url is not None:
        mark_done(url=get_url(), before=step.at)


step_taken.connect(_step_done, dispatch_uid="notices.step_done")
