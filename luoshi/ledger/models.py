from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.history import change_history
from luoshi.core.models import (
    DetailPageModel,
    DictionaryModel,
    EvidencedModel,
    UnitScopedModel,
    VersionedModel,
)

# A record states 出勤 when its 应到 and 实到 are both filled in (出勤率 = 实到 ÷ 应到 of these).
ATTENDANCE_RECORDED = models.Q(expected_participants__gt=0, actual_participants__isnull=False)


class ReportArea(models.TextChoices):
    """The areas of work of a 年度工作总结 an activity type is reported under."""

    RESPONSIBILITY = "responsibility", _("主体责任")
    STUDY = "study", _("理论武装")
    POSITIONS = "positions", _("阵地管理")
    OPINION = "opinion", _("舆论引导")
    OUTREACH = "outreach", _("宣传宣讲与文明实践")
    TEAM = "team", _("队伍建设")
    RISK = "risk", _("风险防范")


class ActivityType(DictionaryModel, VersionedModel):
    """专题会议, 中心组学习, 理论宣讲, ... (configurable; a dictionary, not unit data)."""

    needs_outlet = models.BooleanField(
        _("需填写媒体"), default=False, help_text=_("上稿/外宣类需填写媒体名称与级别")
    )
    description = models.CharField(_("说明"), max_length=200, blank=True)
    # How the reports write about it: 「召开党委理论学习中心组学习12次」.
    report_phrase = models.CharField(
        _("报告用语"),
        max_length=60,
        blank=True,
        help_text=_("报告中的动宾说法，后接次数，如“开展理论宣讲活动”；空则用名称"),
    )
    measure_word = models.CharField(
        _("量词"), max_length=4, default="次", help_text=_("次/场/期/篇")
    )
    report_area = models.CharField(
        _("所属工作方面"), max_length=20, choices=ReportArea.choices, blank=True
    )

    @property
    def phrase(self) -> str:
        return self.report_phrase or self.name

    class Meta(DictionaryModel.Meta):
        verbose_name = verbose_name_plural = _("活动类型")


class OutletLevel(models.TextChoices):
    CENTRAL = "central", _("中央")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("区县级")


# What a user states of a record beyond its unit and activity type, in the order the page's
# form asks it: the form and the Excel import take these fields.
ENTRY_FIELDS = [
    "date",
    "title",
    "expected_participants",
    "actual_participants",
    "audience_count",
    "location",
    "outlet_name",
    "outlet_level",
    "summary",
    "outcome",
    "tags",
]


class LedgerRecord(UnitScopedModel, VersionedModel, EvidencedModel, DetailPageModel):
    """One activity of a unit: a meeting, a study session, a talk, a published story..."""

    activity_type = models.ForeignKey(
        ActivityType, verbose_name=_("活动类型"), on_delete=models.PROTECT, related_name="records"
    )
    date = models.DateField(_("日期"), db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    expected_participants = models.PositiveIntegerField(_("应到人数"), null=True, blank=True)
    actual_participants = models.PositiveIntegerField(_("实到人数"), null=True, blank=True)
    audience_count = models.PositiveIntegerField(_("受众人数"), null=True, blank=True)
    location = models.CharField(_("地点"), max_length=200, blank=True)
    summary = models.TextField(_("内容摘要"), blank=True)
    outcome = models.TextField(_("成效"), blank=True, help_text=_("取得的实际效果，而不只是次数"))
    tags = models.CharField(
        _("标签"), max_length=200, blank=True, help_text=_("多个标签用逗号分隔")
    )
    outlet_name = models.CharField(_("媒体名称"), max_length=100, blank=True)
    outlet_level = models.CharField(
        _("媒体级别"), max_length=10, choices=OutletLevel.choices, blank=True
    )

    # At least one current evidence item: kept by ``luoshi.ledger.signals`` on every
    # evidence write (counting it by a join over all evidence does not scale).
    has_evidence = models.BooleanField(_("有佐证"), default=False, editable=False)

    history = change_history("has_evidence")
    detail_url_name = "ledger:detail"

    def clean(self):
        # A record says what was done: never dated after today (form, Excel import, services).
        super().clean()
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("台账记录的是已开展的工作，日期不能晚于今天。")})

    class Meta:
        verbose_name = verbose_name_plural = _("台账记录")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["unit", "activity_type", "date"]),
            # subtree lists, counts and deep pages: (unit, date, id) answers them from the
            # index alone (bench/run.py, ledger_list_deep)
            models.Index(fields=["unit", "date", "id"], name="ledger_unit_date_id"),
            # the home page's year summary from the index alone (a date range grouped by
            # unit and type, with evidence and audience): on SQLite with the small scale
            # preset 1.19 s → 0.27 s for the root's year (bench/RESULTS.md)
            models.Index(
                fields=["date", "unit", "activity_type", "has_evidence", "audience_count"],
                name="ledger_date_cover",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(actual_participants__isnull=True)
                | models.Q(expected_participants__isnull=True)
                | models.Q(actual_participants__lte=models.F("expected_participants")),
                name="ledger_actual_not_above_expected",
                violation_error_message=_("实到人数不能多于应到人数。"),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def tag_list(self):
        return [t.strip() for t in self.tags.replace("，", ",").split(",") if t.strip()]
