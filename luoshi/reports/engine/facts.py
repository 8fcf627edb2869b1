"""Facts: every number a generated report states, computed from the records.

A ``Fact`` is one number (a count, a rate, a sum) with the url of the list page that shows
exactly the records it counts (the module's own filtered list, usually the url an indicator
of ``luoshi.core.indicators`` returns). ``FactBook`` computes the facts of one unit (alone
or with its subtree) and one year, lazily and once each; the report kinds ask it for what
they need by key.

Year-on-year: ``FactBook.previous(key)`` is the same fact of the year before, computed from
the records when that year has records in the system, else read from the imported
``Baseline`` of (unit, year - 1) by the keywords in ``BASELINE_KEYWORDS``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Avg, F, Sum
from django.urls import reverse

from luoshi.core.indicators import measure

# Ledger activity types the reports count: code -> (what the sentence calls it, measure word).
LEDGER_FACTS = {
    "special_meeting": ("专题研究意识形态工作会议", "次"),
    "study_group": ("党委理论学习中心组学习", "次"),
    "outreach_talk": ("理论宣讲活动", "场"),
    "civic_practice": ("新时代文明实践活动", "次"),
    "volunteer": ("志愿服务活动", "次"),
    "warning_education": ("警示教育", "次"),
    "training": ("意识形态专题培训", "期"),
    "publicity": ("上稿", "篇"),
    "analysis": ("意识形态领域形势分析研判", "次"),
    "briefing": ("意识形态工作情况通报", "次"),
    "report_up": ("向上级党委专题汇报", "次"),
    "duty_report": ("班子成员专项述职", "次"),
}

# Year-on-year from an imported past report: a fact matches the first baseline metric whose
# ``activity`` contains one of its keywords (and whose value is a number).
BASELINE_KEYWORDS = {
    "study_group": ["中心组"],
    "special_meeting": ["专题研究", "专题会议", "专题工作会议"],
    "analysis": ["研判"],
    "briefing": ["通报"],
    "outreach_talk": ["宣讲"],
    "civic_practice": ["文明实践"],
    "volunteer": ["志愿"],
    "warning_education": ["警示教育"],
    "training": ["培训"],
    "publicity": ["上稿", "刊发", "稿件", "外宣"],
    "incidents_total": ["舆情"],
}


@dataclass
class Fact:
    key: str
    label: str
    value: float | int
    unit: str = ""  # measure word: 次, 篇, %, 人 ...
    url: str = ""  # the list of exactly the records counted
    records: int | None = None  # how many records the url lists
    previous: float | int | None = None
    previous_source: str = ""  # "records" | "baseline"
    extra: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The number as written in the report: 「15次」「67.57%」."""
        return f"{number(self.value)}{self.unit}"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["text"] = self.text
        return data


def number(value) -> str:
    if isinstance(value, float | Decimal):
        value = round(float(value), 2)
        return str(int(value)) if value == int(value) else f"{value:g}"
    return str(value)


def rate(count: int, total: int) -> float:
    return round(count * 100 / total, 2) if total else 0.0


def _url(name: str, query: dict) -> str:
    return f"{reverse(name)}?{urlencode(query, doseq=True)}"


class FactBook:
    def __init__(self, unit, year: int, *, subtree: bool, today: datetime.date | None = None):
        self.unit = unit
        self.year = year
        self.subtree = subtree
        self.start = datetime.date(year, 1, 1)
        self.end = datetime.date(year, 12, 31)
        self.today = today or datetime.date.today()
        self.facts: dict[str, Fact] = {}
        self._previous_book: FactBook | None = None
        self._baseline = None

    # -- scoping helpers ----------------------------------------------------------------
    def scoped(self, queryset):
        return queryset.in_subtree(self.unit) if self.subtree else queryset.filter(unit=self.unit)

    def unit_query(self) -> dict:
        return {"unit": self.unit.pk, "unit_scope": "subtree" if self.subtree else "own"}

    def _measure(self, kind: str, params: dict | None = None):
        return measure(
            kind, params or {}, unit=self.unit, subtree=self.subtree, start=self.start, end=self.end
        )

    # -- public -------------------------------------------------------------------------
    def get(self, key: str) -> Fact:
        if key not in self.facts:
            self._compute(key)
        return self.facts[key]

    def value(self, key: str):
        return self.get(key).value

    def all(self) -> dict[str, dict]:
        return {key: fact.as_dict() for key, fact in self.facts.items()}

    def add(self, fact: Fact) -> Fact:
        self.facts[fact.key] = fact
        return fact

    def _compute(self, key: str) -> None:
        head, _sep, rest = key.partition(":")
        if head == "ledger":
            self._ledger(rest)
        elif head == "outcomes":
            pass
        else:
            getattr(self, f"_fact_{key}")()
        if key not in self.facts:
            raise KeyError(key)

    # -- ledger -------------------------------------------------------------------------
    def ledger_records(self, code: str):
        from luoshi.ledger.models import LedgerRecord

        return self.scoped(
            LedgerRecord.objects.filter(
                activity_type__code=code, date__gte=self.start, date__lte=self.end
            )
        )

    def _ledger(self, code: str) -> None:
        label, word = LEDGER_FACTS[code]
        measured = self._measure("ledger_count", {"activity_type": code})
        fact = Fact(f"ledger:{code}", label, measured.count, word, measured.url, measured.count)
        self._year_on_year(fact, code)
        self.add(fact)

    def outcomes(self, code: str, limit: int = 2) -> list[tuple[str, str]]:
        """(title, 成效) of the latest records of ``code`` that wrote down an outcome."""
        rows = (
            self.ledger_records(code)
            .exclude(outcome="")
            .order_by("-date", "-id")
            .values_list("title", "outcome")[:limit]
        )
        return [(title, re.sub(r"[。;；]+$", "", outcome.strip())) for title, outcome in rows]

    def _ledger_sum(self, key, code, field_name, label, word):
        records = self.ledger_records(code)
        total = records.aggregate(total=Sum(field_name))["total"] or 0
        url = self.get(f"ledger:{code}").url
        return self.add(Fact(key, label, total, word, url, records.count()))

    def _fact_study_attendance(self):
        records = self.ledger_records("study_group").filter(
            expected_participants__gt=0, actual_participants__isnull=False
        )
        sums = records.aggregate(a=Sum("actual_participants"), e=Sum("expected_participants"))
        url = self.get("ledger:study_group").url
        self.add(
            Fact(
                "study_attendance",
                "中心组学习平均出勤率",
                rate(sums["a"] or 0, sums["e"] or 0),
                "%",
                url,
                records.count(),
            )
        )

    def _fact_training_participants(self):
        self._ledger_sum(
            "training_participants", "training", "actual_participants", "参训人次", "人次"
        )

    def _fact_talk_audience(self):
        self._ledger_sum("talk_audience", "outreach_talk", "audience_count", "宣讲受众", "人次")

    def _fact_party_members(self):
        from luoshi.units.models import UnitYearStat

        stats = self.scoped(UnitYearStat.objects.filter(year=self.year))
        total = stats.aggregate(total=Sum("party_members"))["total"] or 0
        url = reverse("units:detail", args=[self.unit.pk])
        self.add(Fact("party_members", "党员总数", total, "人", url, stats.count()))

    def _fact_training_member_ratio(self):
        members = self.value("party_members")
        participants = self.value("training_participants")
        fact = Fact(
            "training_member_ratio",
            "参训人次占党员总数",
            rate(participants, members),
            "%",
            self.get("training_participants").url,
            self.get("training_participants").records,
        )
        self.add(fact)

    def _fact_publicity_high(self):
        """上稿 in 省级以上 (central or provincial) outlets."""
        from luoshi.ledger.models import OutletLevel

        levels = [OutletLevel.CENTRAL.value, OutletLevel.PROVINCE.value]
        records = self.ledger_records("publicity").filter(outlet_level__in=levels)
        base = self.get("ledger:publicity")
        url = f"{base.url}&{urlencode({'outlet_level': levels}, doseq=True)}"
        count = records.count()
        self.add(Fact("publicity_high", "省级以上媒体上稿", count, "篇", url, count))

    # -- duty -----------------------------------------------------------------------------
    def duty_rows(self):
        if not hasattr(self, "_duty_rows"):
            from luoshi.duty.models import DutyList
            from luoshi.duty.selectors import list_progress

            duty_list = DutyList.objects.filter(unit=self.unit, year=self.year).first()
            self._duty_list = duty_list
            self._duty_rows = (
                list_progress(duty_list, subtree=self.subtree, today=self.today)
                if duty_list
                else []
            )
        return self._duty_rows

    def _duty_fact(self, key, label, statuses):
        rows = [r for r in self.duty_rows() if statuses is None or r.status in statuses]
        url = reverse("duty:detail", args=[self._duty_list.pk]) if self._duty_list else ""
        self.add(Fact(key, label, len(rows), "项", url, len(rows), extra={"rows": []}))

    def _fact_duty_items(self):
        from luoshi.duty.selectors import INACTIVE

        rows = self.duty_rows()
        self._duty_fact("duty_items", "责任清单事项", None)
        self.facts["duty_items"].value = sum(1 for r in rows if r.status != INACTIVE)

    def _fact_duty_done(self):
        from luoshi.duty.selectors import DONE

        self._duty_fact("duty_done", "已完成事项", {DONE})

    def _fact_duty_behind(self):
        from luoshi.duty.selectors import BEHIND

        self._duty_fact("duty_behind", "进度滞后事项", {BEHIND})

    # -- channels, events, publications ---------------------------------------------------
    def _fact_channels_total(self):
        from luoshi.channels.indicators import channel_check_query

        measured = self._measure("channel_check_rate")
        query = channel_check_query(
            unit=self.unit, subtree=self.subtree, start=self.start, end=self.end, checked=False
        )
        url = _url("channels:list", query)
        self.add(Fact("channels_total", "阵地总数", measured.total, "个", url, measured.total))
        self.add(
            Fact(
                "channels_checked", "已检查阵地", measured.count, "个", measured.url, measured.count
            )
        )

    def _fact_channels_checked(self):
        self._fact_channels_total()

    def _fact_events_held(self):
        measured = self._measure("event_filing_rate")
        query = {
            **self.unit_query(),
            "status": "held",
            "date_from": self.start.isoformat(),
            "date_to": self.end.isoformat(),
        }
        self.add(
            Fact(
                "events_held",
                "举办讲座论坛",
                measured.total,
                "场",
                _url("events:list", query),
                measured.total,
            )
        )
        self.add(
            Fact("events_filed", "事前备案", measured.count, "场", measured.url, measured.count)
        )
        self.add(
            Fact(
                "events_filing_rate",
                "备案率",
                rate(measured.count, measured.total),
                "%",
                measured.url,
                measured.count,
            )
        )

    _fact_events_filed = _fact_events_held
    _fact_events_filing_rate = _fact_events_held

    def _fact_pubs_total(self):
        measured = self._measure("review_coverage")
        query = {
            **self.unit_query(),
            "status": "published",
            "date_from": self.start.isoformat(),
            "date_to": self.end.isoformat(),
        }
        url = _url("publications:list", query)
        self.add(Fact("pubs_total", "发布信息", measured.total, "条", url, measured.total))
        self.add(
            Fact("pubs_reviewed", "经三审发布", measured.count, "条", measured.url, measured.count)
        )
        self.add(
            Fact(
                "pubs_review_rate",
                "三审覆盖率",
                rate(measured.count, measured.total),
                "%",
                measured.url,
                measured.count,
            )
        )

    _fact_pubs_reviewed = _fact_pubs_total
    _fact_pubs_review_rate = _fact_pubs_total

    # -- incidents ------------------------------------------------------------------------
    def _fact_incidents_total(self):
        from luoshi.incidents.indicators import incident_query
        from luoshi.incidents.models import Incident
        from luoshi.incidents.selectors import discovered_between

        measured = self._measure("incident_closure_rate")
        query = incident_query(
            unit=self.unit, subtree=self.subtree, start=self.start, end=self.end, closed=False
        )
        url = _url("incidents:list", query)
        fact = Fact("incidents_total", "网络舆情", measured.total, "起", url, measured.total)
        self._year_on_year(fact, None)
        self.add(fact)
        self.add(
            Fact(
                "incidents_closed", "已办结舆情", measured.count, "起", measured.url, measured.count
            )
        )
        incidents = self.scoped(discovered_between(Incident.objects.all(), self.start, self.end))
        handled = incidents.filter(handled_at__isnull=False)
        average = handled.aggregate(avg=Avg(F("handled_at") - F("discovered_at")))["avg"]
        hours = round(average.total_seconds() / 3600, 1) if average else 0.0
        self.add(Fact("incidents_hours", "平均处置用时", hours, "小时", url, handled.count()))

    _fact_incidents_closed = _fact_incidents_total
    _fact_incidents_hours = _fact_incidents_total

    # -- tasks ----------------------------------------------------------------------------
    def _fact_tasks_total(self):
        measured = self._measure("task_series")
        self.add(
            Fact("tasks_total", "交办报送任务", measured.total, "项", measured.url, measured.total)
        )
        self.add(
            Fact("tasks_on_time", "按时完成", measured.count, "项", measured.url, measured.total)
        )
        self.add(
            Fact(
                "tasks_rate",
                "按时完成率",
                rate(measured.count, measured.total),
                "%",
                measured.url,
                measured.total,
            )
        )

    _fact_tasks_on_time = _fact_tasks_total
    _fact_tasks_rate = _fact_tasks_total

    # -- risks ----------------------------------------------------------------------------
    def _fact_screenings(self):
        measured = self._measure("risk_screening")
        self.add(
            Fact("screenings", "风险隐患排查", measured.count, "次", measured.url, measured.count)
        )

    def open_risks(self):
        from luoshi.risks.models import RiskPoint, RiskStatus

        return (
            self.scoped(RiskPoint.objects.exclude(status=RiskStatus.RESOLVED))
            .select_related("unit", "area", "level")
            .order_by("level__order", "-identified_on", "id")
        )

    def risks_in_year(self):
        from luoshi.risks.models import RiskPoint

        return self.scoped(
            RiskPoint.objects.filter(identified_on__gte=self.start, identified_on__lte=self.end)
        ).select_related("unit", "area", "level")

    def _fact_risks_open(self):
        count = self.open_risks().count()
        url = _url("risks:list", {**self.unit_query(), "status": "open"})
        self.add(Fact("risks_open", "未化解风险点", count, "个", url, count))

    def risk_level_fact(self, level) -> Fact:
        key = f"risks_open_{level.code}"
        if key not in self.facts:
            count = self.open_risks().filter(level=level).count()
            url = _url("risks:list", {**self.unit_query(), "status": "open", "level": level.pk})
            self.add(Fact(key, f"{level.name}色风险点", count, "个", url, count))
        return self.facts[key]

    def _fact_risks_resolved(self):
        from luoshi.risks.models import RiskStatus

        count = self.scoped(self._risk_model().objects.filter(status=RiskStatus.RESOLVED)).count()
        url = _url("risks:list", {**self.unit_query(), "status": RiskStatus.RESOLVED.value})
        self.add(Fact("risks_resolved", "已化解风险点", count, "个", url, count))

    @staticmethod
    def _risk_model():
        from luoshi.risks.models import RiskPoint

        return RiskPoint

    # -- inspections ----------------------------------------------------------------------
    def items_in_year(self):
        """Rectification items (one per finding of a 督查) due in the year: 「发现问题」."""
        from luoshi.inspections.models import RectificationItem

        return self.scoped(
            RectificationItem.objects.filter(deadline__gte=self.start, deadline__lte=self.end)
        ).select_related("unit", "finding")

    def open_items(self):
        from luoshi.inspections.models import RectificationItem, RectificationStatus

        return (
            self.scoped(RectificationItem.objects.exclude(status=RectificationStatus.CLOSED))
            .select_related("unit", "finding")
            .order_by("deadline", "id")
        )

    def _fact_rectification_total(self):
        measured = self._measure("rectification_rate")
        self.add(
            Fact(
                "rectification_total",
                "整改事项",
                measured.total,
                "个",
                measured.url,
                measured.total,
            )
        )
        closed_url = f"{measured.url}&status=closed"
        self.add(
            Fact(
                "rectification_closed",
                "已整改销号",
                measured.count,
                "个",
                closed_url,
                measured.count,
            )
        )
        self.add(
            Fact(
                "rectification_rate",
                "整改完成率",
                rate(measured.count, measured.total),
                "%",
                measured.url,
                measured.total,
            )
        )

    _fact_rectification_closed = _fact_rectification_total
    _fact_rectification_rate = _fact_rectification_total

    def _fact_rectification_open(self):
        count = self.open_items().count()
        url = _url("inspections:items", {**self.unit_query(), "open": "true"})
        self.add(Fact("rectification_open", "未销号整改事项", count, "个", url, count))

    def plans(self):
        from luoshi.inspections.models import InspectionPlan

        return (
            self.scoped(
                InspectionPlan.objects.filter(starts_on__lte=self.end, ends_on__gte=self.start)
            )
            .prefetch_related("inspected_units")
            .order_by("starts_on", "id")
        )

    def _fact_inspection_plans(self):
        plans = list(self.plans())
        inspected = {u.pk for p in plans for u in p.inspected_units.all()}
        url = reverse("inspections:plans")
        self.add(Fact("inspection_plans", "督查", len(plans), "次", url, len(plans)))
        self.add(Fact("inspected_units", "被督查单位", len(inspected), "个", url, len(inspected)))

    _fact_inspected_units = _fact_inspection_plans

    # -- assessment -----------------------------------------------------------------------
    def _fact_assessment_score(self):
        """The unit's result in the latest published 考核 of the year it was assessed in."""
        from luoshi.assessment.models import Assessment, AssessmentStatus
        from luoshi.assessment.selectors import ranking

        assessment = (
            Assessment.objects.filter(
                year=self.year, status=AssessmentStatus.PUBLISHED, targets=self.unit
            )
            .order_by("-published_at", "-id")
            .first()
        )
        row, rows = None, []
        if assessment is not None:
            rows = ranking(assessment)
            row = next((r for r in rows if r.unit.pk == self.unit.pk and r.scores), None)
        if row is None:
            self.add(Fact("assessment_score", "考核得分", 0, "分"))
            return
        url = reverse("assessment:sheet", args=[assessment.pk, self.unit.pk])
        extra = {"name": assessment.name, "units": len(rows)}
        self.add(
            Fact("assessment_score", "考核得分", row.total, "分", url, len(row.scores), extra=extra)
        )
        self.add(Fact("assessment_rank", "考核排名", row.rank, "名", url, len(rows), extra=extra))
        self.add(Fact("assessment_grade", "考核等次", row.grade, "", url, len(row.scores)))

    # -- units ----------------------------------------------------------------------------
    def _fact_units(self):
        from luoshi.units.models import Unit

        units = Unit.objects.filter(path__startswith=self.unit.path, is_active=True)
        count = units.count() if self.subtree else 1
        url = reverse("units:list")
        self.add(Fact("units", "单位", count, "个", url, count))

    # -- year on year ---------------------------------------------------------------------
    def previous_book(self) -> FactBook:
        if self._previous_book is None:
            self._previous_book = FactBook(
                self.unit, self.year - 1, subtree=self.subtree, today=self.today
            )
        return self._previous_book

    def _previous_has_records(self, code: str | None) -> bool:
        from luoshi.ledger.models import LedgerRecord

        book = self.previous_book()
        if code is None:
            return False
        return book.scoped(
            LedgerRecord.objects.filter(date__gte=book.start, date__lte=book.end)
        ).exists()

    def baseline(self):
        if self._baseline is None:
            from luoshi.reports.models import Baseline, ReportKind

            rows = list(Baseline.objects.filter(unit=self.unit, year=self.year - 1))
            rows.sort(key=lambda b: b.kind != ReportKind.ANNUAL_SUMMARY)
            self._baseline = rows[0] if rows else False
        return self._baseline or None

    def _year_on_year(self, fact: Fact, code: str | None) -> None:
        if code is not None and self._previous_has_records(code):
            fact.previous = self.previous_book().value(f"ledger:{code}")
            fact.previous_source = "records"
            return
        baseline = self.baseline()
        keywords = BASELINE_KEYWORDS.get(code or fact.key)
        if baseline is None or not keywords:
            return
        from luoshi.reports.baselines import past_figures  # next year's targets, parts: out

        for metric in past_figures(baseline):
            activity = str(metric.get("activity", ""))
            value = metric.get("value")
            if isinstance(value, int | float) and any(k in activity for k in keywords):
                fact.previous = value
                fact.previous_source = "baseline"
                fact.extra["baseline"] = {
                    "id": baseline.pk,
                    "activity": activity,
                    "approx": bool(metric.get("approx")),
                }
                return


def compare(fact: Fact) -> str:
    """「,较上年增加3次」「,与上年持平」, or "" without a previous figure."""
    if fact.previous is None:
        return ""
    diff = fact.value - fact.previous
    if diff > 0:
        return f",较上年增加{number(diff)}{fact.unit}"
    if diff < 0:
        return f",较上年减少{number(-diff)}{fact.unit}"
    return ",与上年持平"
