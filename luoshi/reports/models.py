"""报告: documents generated from the records, and baselines imported from past reports.

``Baseline`` holds a past report (a unit's 年度工作总结 of an earlier year, say) turned into
structured data by ``luoshi.reports.importing``: cleaned Simplified text, section tree,
quantified statements, problems and plans. Year-on-year comparison in generated reports
reads it when the records of the earlier year are not in the system.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import status_field, user_fk
from luoshi.core.models import UnitScopedModel
from luoshi.core.scope import ScopedManager, ScopeSpec


class ReportKind(models.TextChoices):
    ANNUAL_SUMMARY = "annual_summary", _("年度工作总结")
    SPECIAL_REPORT = "special_report", _("专题报告")
    RESEARCH_REPORT = "research_report", _("调研报告")
    RISK_SCREENING = "risk_screening", _("风险隐患排查报告")
    INSPECTION_BULLETIN = "inspection_bulletin", _("督查通报")


class Baseline(UnitScopedModel):
    """A unit-year's past report as structured data (one per unit, year and kind)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(
        _("报告类型"), max_length=24, choices=ReportKind.choices, default=ReportKind.ANNUAL_SUMMARY
    )
    title = models.CharField(_("标题"), max_length=300, blank=True)
    # Year on year compares like with like: a report of the unit with its subtree compares
    # only with a past report that also covered the subtree.
    subtree = models.BooleanField(_("含下级单位"), default=False)
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)
    text = models.TextField(_("清理后正文"))
    # The parser's whole result: sections, metrics, problems, plans, removed, script.
    data = models.JSONField(_("结构化数据"), default=dict)

    class Meta:
        verbose_name = verbose_name_plural = _("往年报告基线")
        ordering = ["-year", "unit_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "kind"], name="reports_baseline_unique_unit_year_kind"
            )
        ]

    def __str__(self):
        return f"{self.unit} {self.year} {self.get_kind_display()}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    FINAL = "final", _("已定稿")


class Report(UnitScopedModel):
    """A generated report of a unit (alone or with its subtree) for a year.

    Its text lives in ``ReportVersion`` rows: every save of a section, every regeneration
    adds a version; finalizing locks the latest one (``status`` final: no more edits until
    a person explicitly starts a new draft).
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("报告类型"), max_length=24, choices=ReportKind.choices)
    subtree = models.BooleanField(_("含下级单位"), default=False)
    title = models.CharField(_("标题"), max_length=300)
    status = status_field(ReportStatus, default=ReportStatus.DRAFT)
    plans_input = models.TextField(
        _("下一步工作打算"), blank=True, help_text=_("每行一项，写入「下一步工作计划」")
    )

    class Meta:
        verbose_name = verbose_name_plural = _("报告")
        ordering = ["-year", "-id"]
        permissions = [("finalize_report", _("定稿报告"))]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def latest_version(self):
        return self.versions.order_by("-number").first()


class ReportVersion(models.Model):
    """One saved state of a report's text: sections (with per-section ``edited`` flag and
    the ``generated_text`` the engine last proposed) and the facts behind the numbers."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    content = models.JSONField(_("内容"), default=dict)
    facts = models.JSONField(_("数据依据"), default=dict)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    finalized = models.BooleanField(_("已定稿"), default=False)
    created_by = user_fk(_("创建人"), optional=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="report__unit", owner="report__created_by")

    class Meta:
        verbose_name = verbose_name_plural = _("报告版本")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="reports_version_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.report} v{self.number}"
