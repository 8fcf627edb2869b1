from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core.excel import model_columns
from luoshi.core.history import recent_changes
from luoshi.core.views import (
    RefusalOnFormMixin,
    ScopedActionView,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
)
from luoshi.core.workflow import WorkflowError
from luoshi.publications import selectors, services
from luoshi.publications.filters import PublicationFilter
from luoshi.publications.forms import (
    PublicationForm,
    PublishForm,
    ReviewConfigForm,
    ReviewForm,
)
from luoshi.publications.models import REVIEW_STEPS, Publication, ReviewConfig
from luoshi.publications.workflow import PUBLICATION_FLOW


class PublicationPageMixin:
    model = Publication
    form_class = PublicationForm
    list_url_name = "publications:list"

    readable = staticmethod(selectors.publications_for)


class PublicationListView(PublicationPageMixin, ScopedListView):
    template_name = "publications/publication_list.html"
    filterset_class = PublicationFilter
    export_columns = model_columns(
        Publication,
        "unit title channel_name author status published_url published_at",
        channel_name=gettext_lazy("发布阵地"),
        published_at=(
            gettext_lazy("发布时间"),
            lambda p: p.published_at and p.published_at.replace(tzinfo=None),
        ),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        coverage = selectors.review_coverage_of(
            self.filterset, self.request.user, timezone.localdate()
        )
        context["coverage"] = coverage
        context["steps"] = selectors.review_step_hours(self.object_list)
        return context


class PublicationFormMixin(RefusalOnFormMixin, PublicationPageMixin):
    refusal_as_message = True

    def save(self, form):
        return services.save_publication(
            form=form, user=self.request.user, files=form.cleaned_data.get("evidence_files", [])
        )


class PublicationCreateView(PublicationFormMixin, ScopedCreateView):
    success_message = gettext_lazy("稿件已保存为草稿。")


class PublicationUpdateView(PublicationFormMixin, ScopedUpdateView):
    success_message = gettext_lazy("稿件已更新。")

    def scoped_queryset(self):
        return super().scoped_queryset().filter(status__in=services.EDITABLE)


class PublicationDeleteView(PublicationPageMixin, ScopedDeleteView):
    template_name = "includes/confirm_delete.html"
    success_url = reverse_lazy("publications:list")

    def scoped_queryset(self):
        return super().scoped_queryset().filter(status="draft")

    def delete_object(self, obj):
        services.delete_publication(item=obj)


class PublicationDetailView(PublicationPageMixin, ScopedDetailView):
    template_name = "publications/publication_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item, user = self.object, self.request.user
        available = PUBLICATION_FLOW.available_names(item, user)
        context.update(
            steps=PUBLICATION_FLOW.history(item),
            review_step=REVIEW_STEPS.get(item.status),
            can_edit=item.status in services.EDITABLE
            and user.has_perm("publications.change_publication"),
            can_submit="submit" in available,
            can_review=bool(available & {"pass_first", "pass_second", "pass_final"}),
            can_publish="publish" in available,
            # the last review step approves for good: it asks once
            approve_confirm=PUBLICATION_FLOW.transitions["pass_final"].confirm
            if "pass_final" in available
            else "",
            publish_confirm=PUBLICATION_FLOW.transitions["publish"].confirm,
            review_form=ReviewForm(),
            publish_form=PublishForm(),
            history=recent_changes(item, 30),
        )
        return context


class PublicationSubmitView(PublicationPageMixin, ScopedActionView):
    success_message = gettext_lazy("已送审。")

    def perform(self, obj):
        services.submit(item=obj, user=self.request.user)


class PublicationReviewView(PublicationPageMixin, ScopedActionView):
    comment_form = ReviewForm

    def perform(self, obj):
        approve = self.request.POST.get("decision") == "approve"
        step = self.request.POST.get("step", "")
        services.review(
            item=obj, user=self.request.user, step=step, approve=approve, comment=self.comment()
        )
        self.success_message = _("已审核通过。") if approve else _("已退回作者修改。")


class PublicationPublishView(PublicationPageMixin, ScopedActionView):
    success_message = gettext_lazy("已登记发布。")

    def perform(self, obj):
        form = PublishForm(self.request.POST)
        if not form.is_valid():
            raise WorkflowError(
                "；".join(str(e) for errors in form.errors.values() for e in errors)
            )
        services.publish(
            item=obj,
            user=self.request.user,
            url=form.cleaned_data["url"],
            at=form.cleaned_data["at"],
        )


class ConfigPageMixin:
    model = ReviewConfig
    form_class = ReviewConfigForm
    list_url_name = "publications:configs"
    success_url = reverse_lazy("publications:configs")

    def save(self, form):
        return services.save_config(form=form, user=self.request.user)


class ConfigListView(ConfigPageMixin, ScopedListView):
    template_name = "publications/config_list.html"
    paginate_by = None

    def get_queryset(self):
        return (
            super().get_queryset().select_related("unit", "first_role", "second_role", "final_role")
        )


class ConfigCreateView(ConfigPageMixin, ScopedCreateView):
    success_message = gettext_lazy("三审配置已保存。")


class ConfigUpdateView(ConfigPageMixin, ScopedUpdateView):
    success_message = gettext_lazy("三审配置已保存。")
