"""报告: documents generated from the records, and baselines imported from past reports.

``Baseline`` holds a past report (a unit's 年度工作总结 of an earlier year, say) turned into
structured data by ``luoshi.reports.importing``: cleaned Simplified text, section tree,
quantified statements, problems and plans. Year-on-year comparison in generated reports
reads it when the records of the earlier year are not in the system.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.core.models import UnitScopedModel


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
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)
    text = models.TextField(_("清理后正文"))
    # The parser's whole result: sections, metrics, problems, plans, removed, script.
    data = models.JSONField(_("结构化数据"), default=dict)

    class Meta:
        verbose_name = _("往年报告基线")
        verbose_name_plural = _("往年报告基线")
        ordering = ["-year", "unit_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "kind"], name="reports_baseline_unique_unit_year_kind"
            )
        ]

    def __str__(self):
        return f"{self.unit} {self.year} {self.get_kind_display()}"
