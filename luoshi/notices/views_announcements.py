"""通知公告: readers see what is addressed to their unit (read when opened); authors write
drafts to units in their scope, publish (no edit afterwards), withdraw, and see who has
read. Anything else is a 404."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core.views import (
    ScopedActionView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
)
from luoshi.notices import selectors, services
from luoshi.notices.forms import AnnouncementForm
from luoshi.notices.models import Announcement
from luoshi.notices.workflow import ANNOUNCEMENT


def announcement_inbox(request):
    """The announcements addressed to the user's unit, unread first marked."""
    page = Paginator(selectors.received(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/announcement_inbox.html",
        {"page_obj": page, "object_list": page},
    )


def announcement_detail(request, pk: int):
    """Visible as ``Announcement.objects.for_user`` says (404 otherwise). A reader opening
    it marks it read; an author (in scope, with the permission) sees its state, its steps,
    the buttons and who has read it."""
    announcement = get_object_or_404(
        Announcement.objects.for_user(request.user).select_related("unit"), pk=pk
    )
    if selectors.received(request.user).filter(pk=pk).exists():
        services.mark_announcement_read(announcement, request.user)
    managing = request.user.has_perm("notices.view_announcement") and (
        selectors.managed(request.user).filter(pk=pk).exists()
    )
    context = {"announcement": announcement, "managing": managing}
    if managing:
        context["steps"] = ANNOUNCEMENT.history(announcement)
        context["actions"] = ANNOUNCEMENT.available(announcement, request.user)
        context["can_edit"] = announcement.status == Announcement.Status.DRAFT and (
            request.user.has_perm("notices.change_announcement")
        )
    return render(request, "notices/announcement_detail.html", context)


class AnnouncementPageMixin:
    model = Announcement
    form_class = AnnouncementForm
    list_url_name = "notices:announcements_manage"
    list_label = gettext_lazy("公告管理")

    readable = staticmethod(selectors.managed)


class AnnouncementManageView(AnnouncementPageMixin, ScopedListView):
    template_name = "notices/announcement_manage.html"


class AnnouncementCreateView(AnnouncementPageMixin, ScopedCreateView):
    page_title = gettext_lazy("新建通知公告")
    success_message = gettext_lazy("公告草稿已保存，核对后可发布。")

    def save(self, form):
        announcement = form.save(commit=False)
        announcement.created_by = self.request.user
        announcement.save()
        form.save_m2m()
        return announcement


class AnnouncementUpdateView(AnnouncementPageMixin, ScopedUpdateView):
    """Drafts only: a published or withdrawn announcement is not found here."""

    page_title = gettext_lazy("修改公告草稿")
    success_message = gettext_lazy("公告草稿已保存。")

    def get_queryset(self):
        return super().get_queryset().filter(status=Announcement.Status.DRAFT)


class AnnouncementStepView(AnnouncementPageMixin, ScopedActionView):
    """发布 / 撤回 (the workflow decides who may; refused with its Chinese message)."""

    def perform(self, obj):
        step = self.kwargs["step"]
        if step not in ANNOUNCEMENT.transitions:
            raise Http404
        if step == "publish":
            services.publish(obj, user=self.request.user)
            messages.success(self.request, _("公告已发布，已通知所选单位。"))
        else:
            services.withdraw(obj, user=self.request.user)
            messages.success(self.request, _("公告已撤回。"))


class AnnouncementReadersView(AnnouncementPageMixin, ScopedDetailView):
    template_name = "notices/announcement_readers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = selectors.readers_by_unit(self.object)
        return context
