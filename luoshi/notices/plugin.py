"""What 通知 plugs into core: the unread count on every page."""

from luoshi.core import registry


def _unread_notices(request) -> dict:
    from luoshi.notices.models import Notice

    return {"unread_notices": Notice.objects.for_user(request.user).unread().count()}


registry.page_context(_unread_notices)
