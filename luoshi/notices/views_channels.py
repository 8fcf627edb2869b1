"""A unit's notification channels (its own settings page, with 「发送测试消息」) and the
通知发送记录 (deliveries, failures visible, 「重新发送」)."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import generic

from luoshi.core.concurrency import OptimisticEditMixin
from luoshi.core.filters import ScopedFilterSet
from luoshi.core.views import ScopedListView
from luoshi.notices import delivery, selectors
from luoshi.notices.forms import UnitNoticeSettingForm
from luoshi.notices.models import Delivery, UnitNoticeSetting
from luoshi.units.models import Unit


class UnitChannelsMixin(PermissionRequiredMixin):
    """A unit the user may write to (404 outside the write scope)."""

    permission_required = "notices.change_unitnoticesetting"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():  # 403 before 404, as in every scoped view
            return self.handle_no_permission()
        writable = Unit.objects.writable_by(request.user)
        self.unit = get_object_or_404(writable, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def setting(self) -> UnitNoticeSetting:
        found = UnitNoticeSetting.objects.filter(unit=self.unit).first()
        return found or UnitNoticeSetting(unit=self.unit)


class UnitChannelsView(UnitChannelsMixin, OptimisticEditMixin, generic.UpdateView):
    model = UnitNoticeSetting
    form_class = UnitNoticeSettingForm
    template_name = "notices/unit_channels.html"

    def get_object(self, queryset=None):
        return self.setting()

    def versioned_object(self):
        return self.object if self.object.pk else None

    def form_valid(self, form):
        messages.success(self.request, _("通知渠道已保存。"))
        return super().form_valid(form)

    def get_success_url(self):
        return self.request.path

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unit"] = self.unit
        context["tests"] = Delivery.objects.filter(
            unit=self.unit, event__startswith="test:"
        ).order_by("-created_at", "-id")[:6]
        return context


class UnitChannelsTestView(UnitChannelsMixin, generic.View):
    """「发送测试消息」: queued for the background worker, like every notice."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        setting = self.setting()
        if setting.pk is None or not setting.enabled_channels():
            messages.error(request, _("请先启用并保存至少一个通知渠道。"))
        else:
            with transaction.atomic():
                count = delivery.send_test(setting, request.user)
            if count:
                messages.success(
                    request,
                    _("已提交 %(n)d 条测试消息，由后台发送；稍后刷新本页查看结果。") % {"n": count},
                )
            else:
                messages.error(request, _("没有可发送的接收方：请填写单位接收邮箱。"))
        return redirect("notices:unit_channels", pk=self.unit.pk)


class DeliveryFilter(ScopedFilterSet):
    class Meta:
        model = Delivery
        fields = ["status", "channel"]


class DeliveryListView(ScopedListView):
    model = Delivery
    template_name = "notices/delivery_list.html"
    filterset_class = DeliveryFilter
    list_url_name = "notices:deliveries"

    readable = staticmethod(selectors.deliveries_for)


class DeliveryRetryView(PermissionRequiredMixin, generic.View):
    """Send the failed deliveries in scope again (one, or all failed ones)."""

    permission_required = "notices.change_delivery"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        failed = selectors.deliveries_for(request.user).filter(status=Delivery.Status.FAILED)
        if request.POST.get("delivery"):
            failed = failed.filter(pk__in=request.POST.getlist("delivery")[:500])
        with transaction.atomic():
            count = delivery.retry(failed)
        messages.success(request, _("已重新提交 %(n)d 条，由后台发送。") % {"n": count})
        return redirect("notices:deliveries")
