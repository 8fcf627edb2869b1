"""Generic views every module builds on. They read through ``Model.objects.for_user``.

Order of checks: not signed in → login page; signed in without the permission for the
action → 403; record outside the data scope → 404 (its existence is not revealed).
"""

from collections.abc import Callable
from contextlib import contextmanager
from itertools import batched
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import ProtectedError, QuerySet, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import generic

from luoshi.core.concurrency import OptimisticEditMixin
from luoshi.core.excel import xlsx_response
from luoshi.core.navigation import page_label
from luoshi.core.scope import is_scoped
from luoshi.core.workflow import WorkflowError, frozen_label


def perm_name(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class ScopedMixin(PermissionRequiredMixin):
    """Reads only what the user's data scope allows; needs ``<app>.<action>_<model>``."""

    model: Any = None  # a scoped model (ScopedManager), set by each view
    action = "view"
    list_url_name: str | None = None  # the module's list page, for breadcrumbs and "cancel"
    # The list page's name where the menu does not show it (``get_list_label``).
    list_label: str | None = None
    # The selector of what the user may see, ``staticmethod(selectors.risks_for)``: called
    # with the user; None reads ``model.objects.for_user``.
    readable: Callable[[Any], Any] | None = None

    def get_permission_required(self):
        if self.permission_required:
            return super().get_permission_required()
        return (perm_name(self.model, self.action),)

    def get_queryset(self):
        return self.scoped_queryset()

    def scoped_queryset(self):
        """Everything the user may see (``readable``, else the model's ``for_user``)."""
        if self.readable is not None:
            return self.readable(self.request.user)
        return self.model.objects.for_user(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("today", timezone.localdate())  # deadlines shown against it
        if self.list_url_name:
            context.setdefault("list_url", reverse(self.list_url_name))
            context.setdefault("list_label", self.get_list_label() or self.model._meta.verbose_name)
        return context

    def get_list_label(self):
        """The list page's name: the menu's (``page_label``), else ``list_label``."""
        named = page_label(self.list_url_name) if self.list_url_name else None
        return named or self.list_label


def multi_valued(queryset: QuerySet) -> bool:
    """Does ``queryset`` join a to-many relation (so a row may come more than once)?"""
    for join in queryset.query.alias_map.values():
        field = getattr(join, "join_field", None)
        if field is not None and (field.one_to_many or field.many_to_many):
            return True
    return False


class DeferredJoinPaginator(Paginator):
    """Pages of a queryset fetched as "the page's ids first, then those rows".

    ``WHERE pk IN (SELECT pk ... ORDER BY ... LIMIT n OFFSET m)``: the subquery sorts and
    skips only (date, id) pairs, which an index can answer without reading the table, so
    a deep page of a 5,000,000-row ledger costs about what the first page does. Still one
    query per page.
    """

    capped = False
    known = None  # an exact count the page already has (e.g. from the metric layer)

    @cached_property
    def count(self):
        """The number of rows, counted up to ``LIST_COUNT_CAP`` (``capped`` tells when
        there are more): an exact COUNT(*) over millions of rows costs seconds, and
        nobody pages through more than 100,000 records — they filter or export."""
        queryset = self.object_list
        if self.known is not None:
            return self.known
        if not isinstance(queryset, QuerySet):
            return super().count
        cap = settings.LIST_COUNT_CAP
        ids = queryset.order_by().values("pk")
        if multi_valued(queryset):  # a filter across a to-many relation repeats rows
            ids = ids.distinct()
        n = ids[: cap + 1].count()
        self.capped = n > cap
        return min(n, cap)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = self.object_list
        if top <= bottom:
            return self._get_page(queryset[0:0], number, self)
        if (
            isinstance(queryset, QuerySet)
            and not queryset.query.distinct
            and not queryset.query.combinator
        ):
            if multi_valued(queryset):  # each record once, as the count has it
                return self._get_page(queryset.distinct()[bottom:top], number, self)
            ids = queryset.values("pk")[bottom:top]
            return self._get_page(queryset.filter(pk__in=Subquery(ids)), number, self)
        return self._get_page(queryset[bottom:top], number, self)


EXPORT_CHUNK = 2000  # rows read from the cursor (and given their figures) at a time


class ScopedListView(ScopedMixin, generic.ListView):
    """A list page with a django-filter search form, pagination and ``?export=xlsx``."""

    paginator_class = DeferredJoinPaginator

    filterset_class = None
    export_columns = None  # [(header, callable(obj) -> value)]
    export_title = None  # the sheet's title; by default the page's (list_label)
    paginate_by = settings.PAGE_SIZE

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.filterset_class is None:
            self.filterset = None
            return queryset
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=queryset, request=self.request
        )
        return self.filterset.qs if self.filterset.is_bound else queryset

    def paginate_queryset(self, queryset, page_size):
        """``?page=`` that is not a page (junk, 0, past the last) shows the nearest page
        (``Paginator.get_page``) instead of an error."""
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        page.object_list = self.with_figures(page.object_list)
        return (paginator, page, page.object_list, page.has_other_pages())

    def with_figures(self, rows):
        """The rows of a page (or of a chunk of the export) with the figures each row
        states (e.g. a task's 接收单位), from the metric layer for all the rows at once
        (``metrics.per_object``): a list of N rows costs as many queries as one row."""
        return rows

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and self.export_columns:
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        title = str(
            self.export_title or self.get_list_label() or self.model._meta.verbose_name_plural
        )
        headers = [str(header) for header, _ in self.export_columns]
        queryset = self.get_queryset()
        # Rows stream from the database cursor into XlsxWriter (constant memory): a
        # 100,000-record export never holds the records in memory at once.
        if hasattr(queryset, "iterator"):
            queryset = queryset.iterator(chunk_size=EXPORT_CHUNK)
        chunks = (self.with_figures(list(chunk)) for chunk in batched(queryset, EXPORT_CHUNK))
        rows = (
            [getter(obj) for _, getter in self.export_columns] for chunk in chunks for obj in chunk
        )
        filename = f"{title}_{timezone.localdate():%Y%m%d}.xlsx"
        return xlsx_response(filename, title, headers, rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        context["can_export"] = bool(self.export_columns)
        return context


class ScopedDetailView(ScopedMixin, generic.DetailView):
    """One record's page. A view that defines ``export_object()`` also answers
    ``?export=xlsx`` with that record's workbook, as a list page answers with its rows."""

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and hasattr(self, "export_object"):
            self.object = self.get_object()
            return self.export_object()
        return super().get(request, *args, **kwargs)


class ScopedFormMixin(ScopedMixin):
    """Create/update through a service function so views stay thin."""

    template_name: Any = "includes/form_page.html"
    success_message = ""
    page_title = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        with transaction.atomic():
            self.object = self.save(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def save(self, form):
        return form.save()


class RefusalOnFormMixin:
    """Put before a create/update view whose ``save`` calls a service that may refuse
    (``ValidationError``, ``WorkflowError``): the form comes back with everything typed kept
    and the reason above it (``refusal_as_message``: as the page's message), nothing saved.
    Outside the edit's own transaction, so a refused edit claims no version either."""

    refusal_as_message = False

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except (ValidationError, WorkflowError) as error:
            if self.refusal_as_message:
                messages.error(self.request, str(error))
            else:
                form.add_error(None, error if isinstance(error, ValidationError) else str(error))
            return self.form_invalid(form)


class InlineFormsetMixin:
    """Put before a create/edit view whose record has rows edited on the same page (a 备案's
    speakers, a review chain's steps): one inline formset, bound to what was posted, shown
    again with its errors. ``save(form)`` runs only when both are valid and gets the formset
    as ``self.formset``, inside the edit page's own checks (the version of an edited record,
    the transaction), like any other save."""

    formset_class: Any = None
    formset_name = "formset"  # the template's name for it

    def get_formset(self):
        data = (self.request.POST, self.request.FILES) if self.request.method == "POST" else ()
        return self.formset_class(*data, instance=getattr(self, "object", None) or self.model())

    def get_context_data(self, **kwargs):
        kwargs.setdefault(self.formset_name, getattr(self, "formset", None) or self.get_formset())
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        self.formset = self.get_formset()
        if not self.formset.is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)


class FinalRecordMixin:
    """Edit and delete pages change only what the user may write, and never a final record.

    * The record's own unit must be in the user's scope (``writable_by``): a model's wider
      reading (the issuing side, an inspection team from elsewhere) never opens its edit
      page (404, like any record out of scope).
    * A final record — in a final state of its workflow (已关闭, 已完成, 已销号, 已发布 …),
      or belonging to such a record (``frozen_label``) — is refused: the page says why and
      goes back to the record; nothing is shown to edit, nothing saved. Ways out of a final
      state are workflow steps of their own, never these pages."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if not is_scoped(self.model):
            return queryset
        writable = self.model._default_manager.writable_by(self.request.user)
        return queryset.filter(pk__in=writable.values("pk"))

    def get_object(self, queryset=None):
        """The record, looked up once (``dispatch`` checks it before the page uses it)."""
        if queryset is None and getattr(self, "_record", None) is not None:
            return self._record
        return super().get_object(queryset)

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission():  # else 403 before 404, as in every scoped view
            self.object = self._record = self.get_object()  # 404 outside the scope
            state = frozen_label(self.object)
            if state is not None:
                messages.error(
                    request,
                    _("该记录已处于「%(state)s」状态，不能再修改或删除。") % {"state": state},
                )
                return redirect(self.object.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)


class ScopedCreateView(ScopedFormMixin, generic.CreateView):
    action = "add"

    def get_queryset(self):  # nothing to look up; scope is checked by the form's unit choices
        return self.model.objects.none()

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "page_title",
            self.page_title or _("新增%(name)s") % {"name": self.model._meta.verbose_name},
        )
        return super().get_context_data(**kwargs)


class ScopedUpdateView(FinalRecordMixin, OptimisticEditMixin, ScopedFormMixin, generic.UpdateView):
    """Edit page. Every edited model has a ``version`` field, so a lost update is
    impossible: the edit claims the version the form was loaded at
    (``luoshi.core.concurrency.OptimisticEditMixin``); a concurrent or stale edit is
    refused with 「该记录已被他人修改，请刷新后重试」 and the user's input kept."""

    action = "change"

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "page_title",
            self.page_title or _("编辑%(name)s") % {"name": self.model._meta.verbose_name},
        )
        if hasattr(self.object, "get_absolute_url"):
            kwargs.setdefault("cancel_url", self.object.get_absolute_url())
        return super().get_context_data(**kwargs)


class ScopedDeleteView(FinalRecordMixin, ScopedMixin, generic.DeleteView):
    action = "delete"
    protected_message = ""

    def get_form_class(self):
        # The confirmation is an empty form, even when a page mixin sets ``form_class``
        # for the module's create/update pages.
        return forms.Form

    def form_valid(self, form):
        self.object = self.get_object()
        try:
            with transaction.atomic():
                self.delete_object(self.object)
        except ProtectedError:
            messages.error(
                self.request, self.protected_message or _("该记录已被其他数据引用，不能删除。")
            )
            return redirect(self.get_protected_url())
        messages.success(self.request, _("已删除「%(obj)s」。") % {"obj": self.object})
        return HttpResponseRedirect(self.get_success_url())

    def delete_object(self, obj):
        obj.delete()

    def get_protected_url(self):
        return self.object.get_absolute_url()


class ScopedActionView(ScopedMixin, generic.detail.SingleObjectMixin, generic.View):
    """A POST that takes a workflow step on one record in scope, then returns to it.

    Needs only the *view* permission to reach the record (outside scope → 404): whether
    the user may take the step is the workflow's decision, refused with its Chinese
    message (``WorkflowError``) and nothing changed.
    """

    http_method_names = ["post"]
    success_message = ""
    comment_form: Any = None  # the form of the step's optional ``comment``

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            with transaction.atomic():
                self.perform(self.object)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            if message := self.get_success_message():
                messages.success(request, message)
        return redirect(self.get_success_url())

    def perform(self, obj):
        raise NotImplementedError

    def comment(self) -> str:
        """The step's comment as ``comment_form`` cleans it; "" when it does not validate."""
        form = self.comment_form(self.request.POST)
        return form.cleaned_data["comment"] if form.is_valid() else ""

    def get_success_message(self) -> str:
        return self.success_message

    def get_success_url(self):
        return self.object.get_absolute_url()


class _RecordForm(ScopedMixin, generic.FormView):
    """``RecordFormView`` but its refusals (which ``RefusalOnFormMixin``, put before it,
    turns into the form's error)."""

    template_name = "includes/form_page.html"
    success_message: Any = ""
    confirm: Any = ""  # the page's 「确定…？」 before the step is taken

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():  # 403 before 404, as in every scoped view
            return self.handle_no_permission()
        self.record = get_object_or_404(self.record_queryset(), pk=kwargs["pk"])
        if refused := self.refusal():  # said on the record's page, shown or posted alike
            return self.refuse(refused)
        return super().dispatch(request, *args, **kwargs)

    def record_queryset(self):
        """The records the form may be about: the view's own scope unless it says otherwise
        (a 检查 is added to a 阵地 the user may see)."""
        return self.scoped_queryset()

    def refusal(self) -> str:
        """Why the form cannot be filled in now (the record closed, the step out of order),
        else "": said on the record's page instead of showing a form in vain."""
        return ""

    def refuse(self, message):
        messages.error(self.request, str(message))
        return redirect(self.record)

    def get_page_title(self) -> str:
        return str(self.record)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("page_title", self.get_page_title())
        kwargs.setdefault("cancel_url", self.record.get_absolute_url())
        kwargs.setdefault("confirm", self.confirm or "")
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        with transaction.atomic():
            self.perform(form)
        if message := self.get_success_message():
            messages.success(self.request, message)
        return redirect(self.record)

    def perform(self, form) -> None:
        raise NotImplementedError

    def get_success_message(self) -> str:
        return str(self.success_message)


class RecordFormView(RefusalOnFormMixin, _RecordForm):
    """A form page about one record in scope: a step that records something (登记检查,
    关闭阵地, 登记举办情况, a 处置 step) or adds to it (增加责任项).

    Reaching it takes the view's permission (403) before the record (``record_queryset``;
    outside the scope → 404). ``refusal()`` says why the form cannot be filled in now: the
    record's page says so instead. ``perform(form)`` writes; a refusal by the service comes
    back above the form with everything typed kept, nothing written (``RefusalOnFormMixin``);
    done → the record's page with ``success_message``. The record is ``self.record``.
    """


class FormOnPageMixin:
    """The POST of a form shown on a detail page (a submission, a score sheet), put before that
    page's view class: done → back to the page with ``success_message``; refused by the form or
    by the workflow → the same page again, everything typed kept, the error beside its field
    (a workflow refusal as the page's message). Files must be chosen again: browsers never
    resend them.
    """

    action = "change"
    http_method_names = ["post"]
    form_class = None
    form_name = "form"  # the name the page's template renders the form under
    form_prefix: str | None = None
    success_message = ""

    def get_bound_form(self):
        return self.form_class(self.request.POST, self.request.FILES, prefix=self.form_prefix)

    def perform(self, form) -> None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_bound_form()
        if form.is_valid():
            try:
                with transaction.atomic():
                    self.perform(form)
            except WorkflowError as error:
                messages.error(request, str(error))
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return redirect(self.object)
        else:
            messages.error(request, _("未保存：请按提示修改后再提交，已填写的内容已保留。"))
        return self.render_to_response(self.get_context_data(**{self.form_name: form}))


class ReviewedSubmissionMixin:
    """The page of a record a unit submits with its evidence and a reviewer then accepts or
    sends back (a task's report, a rectification item), put before its detail view.

    ``submission_context()`` gives the page: ``history`` of the record's workflow ``flow``,
    ``can_submit`` (a submit or resubmit step is open to the user), ``submit_form`` (the one
    refused when a submission comes back, else a fresh one with the record's ``response``)
    and the reviewer's comment form under ``review_form_name``; ``self.steps``
    keeps the names of the steps the user may take now. ``record_name`` is the keyword the
    module's services take the record under (``services.submit(item=…)``).
    """

    flow: Any = None
    record_name = "record"
    submit_form_class: Any = None  # ``response`` and ``files``
    review_form_class: Any = None  # the reviewer's optional ``comment``
    review_form_name = "review_form"
    submit_steps = frozenset({"submit", "resubmit"})

    def submission_context(self, **kwargs):
        record, user = self.object, self.request.user
        self.steps = self.flow.available_names(record, user)
        submit_form = kwargs.get("submit_form") or self.submit_form_class(
            initial={"response": record.response}, prefix="submit"
        )
        return {
            "history": self.flow.history(record),
            "can_submit": bool(self.steps & self.submit_steps),
            "submit_form": submit_form,
            self.review_form_name: self.review_form_class(),
        }


class SubmitWithEvidenceMixin(FormOnPageMixin):
    """The POST of a ``ReviewedSubmissionMixin`` page's submission form, put before that
    page's view: ``submit`` (the module's service, ``staticmethod(services.submit)``) takes
    the record, the user, the response and the evidence files; a refusal shows the page
    again with the text kept."""

    form_name = "submit_form"
    form_prefix = "submit"
    submit: Callable[..., Any]

    def get_bound_form(self):
        return self.submit_form_class(
            self.request.POST, self.request.FILES, prefix=self.form_prefix
        )

    def perform(self, form):
        self.submit(
            **{self.record_name: self.object},
            user=self.request.user,
            response=form.cleaned_data["response"],
            files=form.cleaned_data["files"],
        )


class ReviewDecisionView(ScopedActionView):
    """A reviewer's decision on a submitted record, named by the URL's ``decision``:
    ``decisions`` maps it to (the module's service, the message when done). The comment
    comes from ``comment_form`` (empty when it does not validate); the workflow refuses
    with its Chinese message and nothing changed. Needs ``permission_required`` when
    reviewing takes more than the view permission."""

    record_name = "record"
    decisions: dict[str, tuple[Callable[..., Any], Any]] = {}

    def perform(self, obj):
        service, self.success_message = self.decisions[self.kwargs["decision"]]
        service(**{self.record_name: obj}, user=self.request.user, comment=self.comment())


def form_errors_to_messages(request, form) -> None:
    """Show a bound form's errors as messages (for POST-and-redirect buttons)."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@contextmanager
def workflow_feedback(request, success: str = ""):
    """Take a workflow step (or any write a service may refuse with ``WorkflowError``): a
    refusal becomes the page's Chinese message, else ``success``. What follows the write
    inside the block runs only when it was not refused; the view then goes on as before
    (usually back to the record's page)."""
    try:
        yield
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        if success:
            messages.success(request, success)
