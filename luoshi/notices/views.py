from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from luoshi.core.redirects import safe_url
from luoshi.notices.models import Notice
from luoshi.notices.services import mark_read


def notice_list(request):
    notices = Notice.objects.for_user(request.user)
    if request.GET.get("unread"):
        notices = notices.unread()
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(request, "notices/notice_list.html", {"page_obj": page, "object_list": page})


def open_notice(request, pk):
    notice = get_object_or_404(Notice.objects.for_user(request.user), pk=pk)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return redirect(safe_url(request, notice.url) or "notices:list")


@require_POST
def read_all(request):
    mark_read(request.user)
    return redirect("notices:list")
