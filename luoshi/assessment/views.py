"""考核 pages. Thin: reads through ``selectors``, writes through ``services``."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from luoshi.assessment import selectors, services
from luoshi.assessment.filters import ScoreFilter
from luoshi.assessment.forms import AssessmentForm, CommentForm, ManualScoreForm
from luoshi.assessment.models import Assessment, AssessmentScore
from luoshi.assessment.workflow import ASSESSMENT
from luoshi.core.concurrency import OptimisticEditMixin
from luoshi.core.excel import Sheet, model_columns, sheets_response
from luoshi.core.views import (
    ScopedActionView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    workflow_feedback,
)


class AssessmentPageMixin:
    model = Assessment
    list_url_name = "assessment:list"

    readable = staticmethod(selectors.assessments_for)


class AssessmentListView(AssessmentPageMixin, ScopedListView):
    template_name = "assessment/list.html"
    export_columns = model_columns(
        Assessment, "name year unit pack status published_at", unit=gettext_lazy("考核单位")
    )


class AssessmentCreateView(AssessmentPageMixin, ScopedCreateView):
    form_class = AssessmentForm
    page_title = gettext_lazy("新建考核")

    def save(self, form):
        data = form.cleaned_data
        assessment = services.create_assessment(
            unit=data["unit"],
            year=data["year"],
            pack=data["pack"],
            name=data["name"],
            targets=data["targets"],
            user=self.request.user,
        )
        messages.success(self.request, _("考核已创建，请点击「计算」从记录中计分。"))
        return assessment

    def get_success_url(self):
        return self.object.get_absolute_url()


class AssessmentDetailView(AssessmentPageMixin, ScopedDetailView):
    """The ranking with grade bands; ``?export=xlsx`` downloads ranking and every score."""

    template_name = "assessment/detail.html"

    def export_object(self):
        return export(self.object, self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            rows=selectors.ranking(self.object, pending_by=user),
            grades=selectors.grades_of(self.object),
            steps={t.name: t for t in ASSESSMENT.available(self.object, user)},
            history=ASSESSMENT.history(self.object),
            pending=selectors.pending_of(self.object, user),
            comment_form=CommentForm(),
        )
        return context


def export(assessment, user):
    """The ranking and every unit's scores, as the 考核 office files them."""
    ranking = Sheet(
        _("排名"),
        [_("名次"), _("单位"), _("得分"), _("满分"), _("得分率(%)"), _("等次"), _("手工评分项")],
        (
            [row.rank, row.unit.name, row.total, row.full, row.percent, row.grade, manual]
            for row in selectors.ranking(assessment, pending_by=user)
            for manual in [row.manual.count if row.manual else 0]
        ),
        widths=[8, 20, 10, 10, 12, 8, 12],
    )
    scores = assessment.scores.select_related("unit").order_by("unit__path", "order")
    details = Sheet(
        _("得分明细"),
        [
            _("单位"),
            _("领域"),
            _("考核指标"),
            _("分值"),
            _("得分"),
            _("计分方式"),
            _("评分规则"),
            _("实测值"),
            _("评分理由"),
        ],
        (
            [
                score.unit.name,
                score.area_name,
                score.name,
                score.points,
                score.score,
                score.source_label,
                score.rule,
                score.value,
                score.reason,
            ]
            for score in scores
        ),
        widths=[20, 14, 30, 8, 8, 12, 40, 12, 30],
    )
    filename = f"{assessment.name}_{timezone.localdate():%Y%m%d}.xlsx"
    return sheets_response(filename, [ranking, details])


class AssessmentActionView(AssessmentPageMixin, ScopedActionView):
    pass


class ComputeView(AssessmentActionView):
    def perform(self, obj):
        count = services.compute(assessment=obj, user=self.request.user)
        self.success_message = _("已从记录计算 %(n)d 项得分；手工评分保持不变。") % {"n": count}


class SubmitView(AssessmentActionView):
    success_message = gettext_lazy("已提交复核。")

    def perform(self, obj):
        services.submit(assessment=obj, user=self.request.user)


class ReviewView(AssessmentActionView):
    success_message = gettext_lazy("已复核通过，待发布。")

    def perform(self, obj):
        services.review(assessment=obj, user=self.request.user)


class ReturnView(AssessmentActionView):
    success_message = gettext_lazy("已退回重算。")

    def perform(self, obj):
        services.send_back(
            assessment=obj, user=self.request.user, comment=self.request.POST.get("comment", "")
        )


class PublishView(AssessmentActionView):
    success_message = gettext_lazy("考核结果已发布。")

    def perform(self, obj):
        services.publish(assessment=obj, user=self.request.user)


class ScoreSheetView(AssessmentPageMixin, ScopedDetailView):
    """One unit's score sheet: every score with its rule, value and records."""

    template_name = "assessment/sheet.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object.targets.filter(pk=self.kwargs["unit_pk"]).first()
        if unit is None:
            raise Http404
        row = next(r for r in selectors.ranking(self.object) if r.unit.pk == unit.pk)
        context.update(
            target=unit,
            row=row,
            groups=selectors.sheet(self.object, unit),
            can_score=self.object.scores_open
            and self.request.user.has_perm("assessment.score_assessment"),
        )
        return context


class ScoreListView(ScopedListView):
    """考核得分: the scores of the assessments the user may open (a 待评分 figure's list)."""

    model = AssessmentScore
    template_name = "assessment/score_list.html"
    filterset_class = ScoreFilter
    list_url_name = "assessment:list"
    export_title = gettext_lazy("考核得分")
    export_columns = [
        (gettext_lazy("考核"), lambda s: s.assessment.name),
        (gettext_lazy("被考核单位"), lambda s: s.unit.name),
        (gettext_lazy("领域"), lambda s: s.area_name),
        (gettext_lazy("考核指标"), lambda s: s.name),
        (gettext_lazy("分值"), lambda s: s.points),
        (gettext_lazy("得分"), lambda s: s.score),
        (gettext_lazy("计分方式"), lambda s: s.source_label),
    ]

    readable = staticmethod(selectors.scores_for)


class _SavesManualScore:
    """The save of ``ManualScoreView``: after ``OptimisticEditMixin`` (before it in the MRO)
    has claimed the version of the score, in the same transaction."""

    def form_valid(self, form):
        score = self.get_score()
        services.set_manual_score(
            score=score,
            value=form.cleaned_data["manual_score"],
            reason=form.cleaned_data["reason"],
            user=self.request.user,
        )
        messages.success(self.request, _("评分已保存。"))
        return redirect(score.get_absolute_url())


class ManualScoreView(OptimisticEditMixin, _SavesManualScore, ScopedMixin, generic.FormView):
    """A manual score with its mandatory reason; evidence is attached below it."""

    model = AssessmentScore
    permission_required = "assessment.score_assessment"
    form_class = ManualScoreForm
    template_name = "assessment/score_form.html"
    list_url_name = "assessment:list"

    def get_score(self):
        if not hasattr(self, "score"):
            self.score = get_object_or_404(
                selectors.scores_for(self.request.user), pk=self.kwargs["pk"]
            )
        return self.score

    def versioned_object(self):
        return self.get_score()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["score"] = self.get_score()
        if self.request.method == "GET":
            score = self.get_score()
            kwargs["initial"] = {"manual_score": score.manual_score, "reason": score.reason}
        return kwargs

    def get_context_data(self, **kwargs):
        score = self.get_score()
        kwargs.update(
            score=score,
            assessment=score.assessment,
            page_title=_("手工评分：%(unit)s · %(name)s")
            % {"unit": score.unit.name, "name": score.name},
            can_edit=score.assessment.scores_open,
        )
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        """A stale form (another evaluator saved the score since it was opened) comes back
        with the reason and the input kept; a refused score is said on the score's page."""
        with workflow_feedback(self.request):
            return super().form_valid(form)
        return redirect(self.get_score().get_absolute_url())
