from luoshi.core.navigation import menu_for
from luoshi.notices.models import Notice


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "menu": menu_for(user, request.path),
        "current_unit": user.unit,
        "unread_notices": Notice.objects.for_user(user).unread().count(),
    }
