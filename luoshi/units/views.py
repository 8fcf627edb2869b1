from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from luoshi.core.authority import Guidance
from luoshi.core.excel import model_columns
from luoshi.core.views import (
    ScopedCreateView,
    ScopedDeleteView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ScopedUpdateView,
    form_errors_to_messages,
)
from luoshi.units import services
from luoshi.units.filters import UnitFilter
from luoshi.units.forms import GuidanceForm, UnitForm, UnitMoveForm, UnitYearStatForm
from luoshi.units.models import Unit


class UnitPageMixin:
    model = Unit
    form_class = UnitForm
    list_url_name = "units:list"

    def scoped_queryset(self):
        return Unit.objects.for_user(self.request.user).select_related("unit_type")


class UnitListView(UnitPageMixin, ScopedListView):
    template_name = "units/unit_list.html"
    filterset_class = UnitFilter
    paginate_by = 100
    export_title = gettext_lazy("单位")
    export_columns = model_columns(
        Unit, "code name short_name unit_type depth order is_active", depth=gettext_lazy("层级")
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = context["object_list"]
        context["min_depth"] = min((u.depth for u in visible), default=1)
        return context


class UnitDetailView(UnitPageMixin, ScopedDetailView):
    template_name = "units/unit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        user = self.request.user
        context.update(
            ancestors=Unit.objects.get_ancestors(unit),
            children=Unit.objects.for_user(user).filter(
                path__startswith=unit.path, depth=unit.depth + 1
            ),
            stats=unit.year_stats.all(),
            stat_form=UnitYearStatForm(),
            deactivate_confirm=services.deactivation_notice(unit),
            users=unit.users.filter(is_active=True),
        )
        return context


class UnitCreateView(UnitPageMixin, ScopedCreateView):
    success_message = gettext_lazy("单位已创建。")

    def save(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "parent"}
        return services.create_unit(parent=form.cleaned_data.get("parent"), **data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class UnitUpdateView(UnitPageMixin, ScopedUpdateView):
    success_message = gettext_lazy("单位信息已保存。")

    def save(self, form):
        return services.update_unit(unit=form.instance, order_changed="order" in form.changed_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class UnitMoveView(UnitPageMixin, ScopedMixin, FormView):
    action = "change"
    form_class = UnitMoveForm
    template_name = "includes/form_page.html"

    def get_unit(self):
        if not hasattr(self, "unit"):
            self.unit = get_object_or_404(self.scoped_queryset(), pk=self.kwargs["pk"])
        return self.unit

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "unit": self.get_unit(), "user": self.request.user}

    def form_valid(self, form):
        unit = self.get_unit()
        try:
            services.move_unit(unit=unit, new_parent=form.cleaned_data["new_parent"])
        except ValidationError as error:
            form.add_error("new_parent", error)
            return self.form_invalid(form)
        messages.success(self.request, _("单位已移动，其下级单位与全部记录随之移动。"))
        return redirect(unit.get_absolute_url())

    def get_context_data(self, **kwargs):
        unit = self.get_unit()
        return super().get_context_data(
            page_title=_("移动单位「%(name)s」") % {"name": unit.name},
            cancel_url=unit.get_absolute_url(),
            **kwargs,
        )


class UnitToggleActiveView(UnitPageMixin, ScopedMixin, FormView):
    action = "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        unit = get_object_or_404(self.scoped_queryset(), pk=pk)
        if unit.is_active:
            count = services.set_active(unit=unit, active=False)
            messages.success(request, _("已停用 %(n)d 个单位（含下级）。") % {"n": count})
        else:
            services.set_active(unit=unit, active=True)
            messages.success(request, _("单位已启用。"))
        return redirect(unit.get_absolute_url())


class UnitStatView(UnitPageMixin, ScopedMixin, FormView):
    action = "change"
    form_class = UnitYearStatForm
    http_method_names = ["post"]

    def post(self, request, pk):
        unit = get_object_or_404(self.scoped_queryset(), pk=pk)
        form = UnitYearStatForm(request.POST)
        if form.is_valid():
            services.set_year_stat(unit=unit, **form.cleaned_data)
            messages.success(request, _("年度党员人数已保存。"))
        else:
            form_errors_to_messages(request, form)
        return redirect(unit.get_absolute_url())


class UnitDeleteView(UnitPageMixin, ScopedDeleteView):
    template_name = "includes/confirm_delete.html"
    success_url = reverse_lazy("units:list")

    def form_valid(self, form):
        self.object = self.get_object()
        try:
            services.delete_unit(unit=self.object)
        except ValidationError as error:
            messages.error(self.request, error.messages[0])
            return redirect(self.object.get_absolute_url())
        messages.success(self.request, _("已删除单位「%(name)s」。") % {"name": self.object.name})
        return redirect(self.success_url)


# ---------------------------------------------------------------------------------------------
# 业务指导范围 (luoshi.core.authority): system configuration, for administrators. Every change
# is in the operation log (the model's history).


class GuidancePageMixin:
    model = Guidance
    form_class = GuidanceForm
    list_url_name = "units:guidance"
    success_url = reverse_lazy("units:guidance")

    def scoped_queryset(self):
        # configuration of the whole tree, guarded by the core.*_guidance permissions
        return Guidance.objects.select_related("unit", "role").prefetch_related("lines", "units")


class GuidanceListView(GuidancePageMixin, ScopedListView):
    template_name = "units/guidance_list.html"
    paginate_by = None


class GuidanceCreateView(GuidancePageMixin, ScopedCreateView):
    success_message = gettext_lazy("业务指导范围已保存，即时生效。")


class GuidanceUpdateView(GuidancePageMixin, ScopedUpdateView):
    success_message = gettext_lazy("业务指导范围已保存，即时生效。")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("cancel_url", reverse("units:guidance"))
        return super().get_context_data(**kwargs)


class GuidanceDeleteView(GuidancePageMixin, ScopedDeleteView):
    template_name = "includes/confirm_delete.html"
