"""责任清单 pages. Thin: reads through ``selectors``, writes through ``services``."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from luoshi.core import metrics
from luoshi.core.excel import model_columns, xlsx_response
from luoshi.core.history import recent_changes
from luoshi.core.views import (
    RecordFormView,
    ScopedActionView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ScopedUpdateView,
    workflow_feedback,
)
from luoshi.core.workflow import refusal
from luoshi.duty import selectors, services
from luoshi.duty.filters import DutyItemFilter, DutyListFilter, OverviewForm
from luoshi.duty.forms import (
    AssignForm,
    CustomItemForm,
    DropForm,
    GenerateForm,
    ReopenForm,
    TargetForm,
)
from luoshi.duty.models import DutyItem, DutyList, Pack
from luoshi.duty.selectors import target_text
from luoshi.duty.workflow import SIGNING


class DutyListPageMixin:
    model = DutyList
    list_url_name = "duty:list"

    readable = staticmethod(selectors.duty_lists_for)


class DutyListListView(DutyListPageMixin, ScopedListView):
    template_name = "duty/list_list.html"
    filterset_class = DutyListFilter
    export_columns = model_columns(DutyList, "unit year pack status signed_by signed_at")


class DutyListCreateView(DutyListPageMixin, ScopedCreateView):
    form_class = GenerateForm
    page_title = gettext_lazy("生成责任清单")

    def save(self, form):
        duty_list = services.generate_duty_list(
            unit=form.cleaned_data["unit"],
            year=form.cleaned_data["year"],
            pack=form.cleaned_data["pack"],
            user=self.request.user,
        )
        messages.success(self.request, _("责任清单已生成：%(list)s。") % {"list": duty_list})
        return duty_list

    def get_success_url(self):
        return self.object.get_absolute_url()


class DutyListDetailView(DutyListPageMixin, ScopedDetailView):
    template_name = "duty/list_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        subtree = self.request.GET.get("scope") == "subtree"
        user = self.request.user
        rows = selectors.list_progress(self.object, user=user, subtree=subtree)
        states = selectors.state_values(self.object, rows, user=user, subtree=subtree)
        context.update(
            subtree=subtree,
            groups=selectors.group_by_area(rows),
            states=states,  # the badges: {state: Value}, each linking to its items
            tally={state: value.count for state, value in states.items()},  # their numbers
            steps=SIGNING.available(self.object, user),
            history=SIGNING.history(self.object),
            can_adjust=self.object.is_draft and user.has_perm("duty.change_dutylist"),
        )
        return context


class DutyActionView(ScopedActionView):
    """A POST on one duty list in scope; a refused step shows its Chinese message."""

    model = DutyList
    readable = staticmethod(selectors.duty_lists_for)


class DutySignView(DutyActionView):
    success_message = gettext_lazy("责任书已签署。")

    def perform(self, obj):
        services.sign(duty_list=obj, user=self.request.user)


class DutyReopenView(DutyActionView):
    success_message = gettext_lazy("已撤回签署，清单可再调整。")

    def perform(self, obj):
        form = ReopenForm(self.request.POST)
        comment = form.data.get("comment", "")
        services.reopen(duty_list=obj, user=self.request.user, comment=comment)


class CustomItemCreateView(DutyListPageMixin, RecordFormView):
    """A 责任项 of the unit's own, added to a list still in draft."""

    action = "change"
    form_class = CustomItemForm

    def refusal(self) -> str:
        return refusal(services.require_draft, self.record)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        areas = self.record.items.exclude(area_name="").values_list("area_name", flat=True)
        kwargs["areas"] = list(dict.fromkeys(areas))
        return kwargs

    def get_page_title(self) -> str:
        return _("增加责任项")

    def perform(self, form) -> None:
        self.item = services.add_custom_item(
            duty_list=self.record, user=self.request.user, **form.cleaned_data
        )

    def get_success_message(self) -> str:
        return _("已增加责任项「%(name)s」。") % {"name": self.item.name}


class ItemPageMixin:
    model = DutyItem
    list_url_name = "duty:list"

    readable = staticmethod(selectors.items_for)


class DutyItemListView(ItemPageMixin, ScopedListView):
    """Items of duty lists: the list a figure over items opens (e.g. a list's 「滞后 n」:
    its items in that state, ``duty_items``)."""

    template_name = "duty/item_list.html"
    filterset_class = DutyItemFilter
    export_title = gettext_lazy("责任项")
    export_columns = model_columns(
        DutyItem,
        "unit year pack code name area_name owner target",
        year=(gettext_lazy("年度"), lambda item: item.duty_list.year),
        pack=(gettext_lazy("责任包"), lambda item: item.duty_list.pack.name),
        target=(gettext_lazy("目标"), lambda item: item.target_label),
    )

    def with_figures(self, rows):
        """The rows with their target as the list page states it (「≥12 次」, with the sum
        of the targets below when measured with the subtree; a target, no figure: nothing is
        counted)."""
        rows = list(rows)
        # a unit's own progress states its own target: measured only with the subtree
        progress = self.filterset.progress if self.filterset.subtree else {}
        for item in rows:
            row = progress.get(item.pk)
            item.target_label = row.target if row is not None else target_text(item)
        return rows

    def get_context_data(self, **kwargs):
        """The list and state the items are filtered by (the heading) and how the state was
        measured."""
        context = super().get_context_data(**kwargs)
        data = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        state = data.get("state")
        context["state_label"] = selectors.status_label(state) if state else ""
        context["subtree"] = self.filterset.subtree
        context["duty_list"] = self.filterset.chosen_list
        return context


class DutyItemDetailView(ItemPageMixin, ScopedDetailView):
    template_name = "duty/item_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        subtree = self.request.GET.get("scope") == "subtree"
        item = self.object
        context.update(
            subtree=subtree,
            progress=selectors.item_progress(item, user=self.request.user, subtree=subtree),
            target=target_text(item),
            can_record=self.request.user.has_perm("duty.change_dutyitem"),
            can_adjust=item.duty_list.is_draft
            and self.request.user.has_perm("duty.change_dutylist"),
            history=recent_changes(item),
            assignees=list(item.assignees.all()),
        )
        return context


class DutyItemRecordView(
    ItemPageMixin, ScopedMixin, generic.detail.SingleObjectMixin, generic.View
):
    """Tick the manual sub-items / periods of an item (who and when are kept)."""

    action = "change"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        item = self.get_object()
        progress = selectors.item_progress(item, user=request.user)
        if not progress.manual:
            messages.error(request, _("该责任项按记录自动统计，无需手工填报。"))
            return redirect(item.get_absolute_url())
        keys = [s["code"] for s in progress.checklist] or [p.key for p in progress.periods]
        done = set(request.POST.getlist("done")) & set(keys)
        changed = services.record_checks(
            item=item, keys=keys, done=done, note=request.POST.get("note", ""), user=request.user
        )
        messages.success(request, _("已保存填报（%(n)d 处变更）。") % {"n": changed})
        return redirect(item.get_absolute_url())


class ItemAdjustMixin(ItemPageMixin):
    """Adjusting an item is a change of its list (单位管理员), allowed while unsigned."""

    permission_required = "duty.change_dutylist"
    template_name = "includes/form_page.html"

    def get_success_url(self):
        return self.object.duty_list.get_absolute_url()

    def get_context_data(self, **kwargs):
        kwargs.setdefault("page_title", f"{self.page_title}：{self.object.name}")
        kwargs.setdefault("cancel_url", self.object.get_absolute_url())
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        """A refusal (a signed list) is said on the list's page."""
        with workflow_feedback(self.request):
            return super().form_valid(form)
        return redirect(self.get_success_url())

    def save(self, form):
        """``perform``, after the check of the item's version (``OptimisticEditMixin``: a
        stale page is refused), in its transaction."""
        self.perform(form)
        return self.object


class DutyItemDropView(ItemAdjustMixin, ScopedUpdateView):
    form_class = DropForm
    page_title = gettext_lazy("删减责任项")
    success_message = gettext_lazy("责任项已删减。")

    def perform(self, form):
        services.drop_item(
            item=self.object, reason=form.cleaned_data["reason"], user=self.request.user
        )


class DutyItemRestoreView(
    ItemPageMixin, ScopedMixin, generic.detail.SingleObjectMixin, generic.View
):
    permission_required = "duty.change_dutylist"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        item = self.get_object()
        with workflow_feedback(request, _("责任项已恢复。")):
            services.restore_item(item=item, user=request.user)
        return redirect(item.duty_list.get_absolute_url())


class DutyItemTargetView(ItemAdjustMixin, ScopedUpdateView):
    form_class = TargetForm
    page_title = gettext_lazy("调整目标")
    success_message = gettext_lazy("目标已调整。")

    def perform(self, form):
        services.override_target(
            item=self.object,
            value=form.cleaned_data["target_override"],
            reason=form.cleaned_data["override_reason"],
            user=self.request.user,
        )


class DutyItemAssignView(ItemAdjustMixin, ScopedUpdateView):
    form_class = AssignForm
    template_name = "duty/item_assign.html"
    page_title = gettext_lazy("指定责任人")
    success_message = gettext_lazy("责任人已保存。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["people"] = selectors.assignable_people(self.object.duty_list, self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        """What to set up first: the unit's 责任岗位 of the year, and its people."""
        duty_list = self.object.duty_list
        kwargs.setdefault("duty_list", duty_list)
        kwargs.setdefault("positions_missing", not selectors.positions_set_up(duty_list))
        people = selectors.assignable_people(duty_list, self.request.user)
        kwargs.setdefault("people_missing", not people.exists())
        return super().get_context_data(**kwargs)

    def perform(self, form):
        services.assign(
            item=self.object, people=form.cleaned_data["assignees"], user=self.request.user
        )


class OverviewView(PermissionRequiredMixin, generic.TemplateView):
    """Units × items, coloured by progress; ``?export=xlsx`` downloads the same table."""

    permission_required = "duty.view_dutylist"
    template_name = "duty/overview.html"

    def get(self, request, *args, **kwargs):
        form = OverviewForm(request.GET or None, user=request.user)
        values = form.values(selectors.default_pack_code())
        columns, rows = selectors.overview(request.user, **values)
        if request.GET.get("export") == "xlsx":
            return self.export(values, columns, rows)
        query = request.GET.copy()
        query.pop("export", None)
        return self.render_to_response(
            self.get_context_data(
                form=form, columns=columns, rows=rows, query_string=query.urlencode(), **values
            )
        )

    def export(self, values, columns, rows):
        title = _("责任落实进度")
        headers = [_("单位"), _("清单状态")] + [name for _code, name in columns]

        def lines():
            for row in rows:
                status = row.duty_list.get_status_display() if row.duty_list else _("未生成")
                cells = []
                for code, _name in columns:
                    cell = row.cells.get(code)
                    cells.append(f"{cell.summary}（{cell.status_label}）" if cell else "")
                yield [row.unit.name, status, *cells]

        filename = f"{title}_{values['year']}_{timezone.localdate():%Y%m%d}.xlsx"
        return xlsx_response(filename, title, headers, lines())


class PackListView(ScopedListView):
    model = Pack
    template_name = "duty/pack_list.html"
    paginate_by = None

    def scoped_queryset(self):  # the framework, the same for every unit
        return Pack.objects.all()


class PackDetailView(ScopedDetailView):
    model = Pack
    template_name = "duty/pack_detail.html"
    list_url_name = "duty:packs"

    def scoped_queryset(self):
        return Pack.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tree"] = selectors.pack_tree(self.object)
        context["lists"] = metrics.of_object(
            "duty_lists", user=self.request.user, params={"pack": self.object.pk}
        )
        return context
