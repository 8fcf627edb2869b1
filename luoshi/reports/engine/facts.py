"""Facts: every number a generated report states, computed from the records.

A ``Fact`` is one number (a count, a rate, a sum) with the url of the list page that shows
exactly the records it counts. Counts and rates come from the metric layer
(``luoshi.core.metrics``), looked up by key, with the list url the metric declares for each
number; a ledger fact ``ledger:<code>`` takes its wording (报告用语, 量词) from the activity
type in the dictionary, so a type an administrator adds reaches the reports without code. ``FactBook`` computes the facts of one unit (alone
or with its subtree) and one year, lazily and once each; the report kinds ask it for what
they need by key.

Year-on-year: ``FactBook.previous(key)`` is the same fact of the year before, computed from
the records when that year has records in the system, else read from the imported
``Baseline`` of (unit, year - 1) by the keywords in ``BASELINE_KEYWORDS``.

A book is written FOR A USER (the one generating the report): every record it counts is one
that user may open, so a 本单位 user asking for 「含下级单位」 gets its own unit's figures.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import NamedTuple
from urllib.parse import urlencode

from django.urls import reverse

from luoshi.assessment.models import Assessment, AssessmentStatus
from luoshi.assessment.selectors import ranking
from luoshi.core import metrics
from luoshi.core.indicators import records
from luoshi.duty.selectors import (
    BEHIND,
    DONE,
    assessed_value,
    list_progress,
    state_values,
    year_list,
)
from luoshi.inspections.models import InspectionPlan, RectificationItem, RectificationStatus
from luoshi.ledger.models import ATTENDANCE_RECORDED, ActivityType, LedgerRecord, OutletLevel
from luoshi.reports.baselines import past_figures
from luoshi.reports.models import Baseline, ReportKind
from luoshi.risks.models import Campaign, RiskPoint, RiskStatus
from luoshi.units.models import Unit

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


class NothingToReport(Exception):
    """No records to write this report from; ``str()`` is the Chinese reason for the user."""


@dataclass
class Fact:
    key: str
    label: str
    value: float | int | None  # None: a rate with nothing below the line (「—」)
    unit: str = ""  # measure word: 次, 篇, %, 人 ...
    url: str = ""  # the list of exactly the records counted
    records: int | None = None  # how many records the url lists
    previous: float | int | None = None
    previous_source: str = ""  # "records" | "baseline"
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        # A version stores its facts as JSON: a score or a sum read as Decimal becomes a
        # plain number here, once, whichever fact computed it.
        self.value = plain(self.value)
        self.previous = plain(self.previous)

    @property
    def text(self) -> str:
        """The number as written in the report: 「15次」「67.6%」, 「—」 for no denominator."""
        if self.value is None:
            return metrics.NOT_APPLICABLE
        return f"{number(self.value)}{self.unit}"

    def as_dict(self) -> dict:
        data = {key: plain(value) for key, value in asdict(self).items()}
        data["text"] = self.text
        return data


def plain(value):
    """A value JSON can store: a Decimal as an int (when whole) or a float, recursively."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def number(value) -> str:
    if isinstance(value, float | Decimal):
        value = round(float(value), 2)
        return str(int(value)) if value == int(value) else f"{value:g}"
    return str(value)


def rate(count: int, total: int):
    """The one definition of a rate (``metrics.rate_of``): None without a denominator."""
    return metrics.rate_of(count, total)


# Lines of an outcome field that record how the work was organised, not what it achieved.
LOGISTICS = re.compile(r"^(主讲|主持|授课|讲解|参加|实际参加|实到|应到|参会|出席|地点|时间|记录人)")


def _achievement(outcome: str) -> str:
    """The outcome's sentences that state an effect, without its logistics lines."""
    sentences = [s.strip() for s in re.split(r"[。；;\n]+", outcome or "") if s.strip()]
    kept = [s for s in sentences if not LOGISTICS.match(s)]
    return "，".join(kept)


# A title already in 《》 wrapped again in “” as entered (「“《…办法》”宣讲」).
_QUOTED_TITLE = re.compile(r"“(《[^《》“”]*》)”")
# A count of 10000 or more as entered (「阅读量330000」), next to a word that says it is a
# count: written in 万 as 公文 do, when it is whole 万 or has one decimal (33万, 3.3万).
_BIG = re.compile(
    r"(?:(?<=[量数达超逾近约共计])|(?<=超过))([1-9]\d{4,8})(?![\d.,])"
    r"|(?<![\d.,])([1-9]\d{4,8})(?=人次|次|人|篇|条|个|份|册|场|户|家|元|余|多)"
)


def _wan(match: re.Match) -> str:
    digits = match.group(1) or match.group(2)
    value = int(digits)
    if value % 1000:
        return digits  # 33500: no 公文 short form, kept as entered
    whole, tenth = divmod(value // 1000, 10)
    return f"{whole}.{tenth}万" if tenth else f"{whole}万"


def as_written(text: str) -> str:
    """Record text quoted in a report the way a 公文 writes it: 《…》 not wrapped again in “”,
    large counts in 万 (「阅读量33万」)."""
    text = _QUOTED_TITLE.sub(r"\1", text)
    return _BIG.sub(_wan, text)


def balanced_quotes(text: str) -> bool:
    """Quotation marks that open and close in turn (「““…”…”」 is a splice, not a title)."""
    depth = 0
    for char in text:
        if char == "“":
            depth += 1
            if depth > 1:
                return False
        elif char == "”":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _url(name: str, query: dict) -> str:
    return f"{reverse(name)}?{urlencode(query, doseq=True)}"


# The rate metrics a report tells as three facts: metric -> (its count fact, its total fact,
# its rate fact, the rate's label when not the metric's own). 按时报送率 (``task_series``)
# counts only the tasks whose deadline has passed (``due_only``).
RATE_FACTS: dict[str, tuple[str, str, str, str | None]] = {
    "channel_check_rate": ("channels_checked", "channels_total", "channels_check_rate", None),
    "event_filing_rate": ("events_filed", "events_held", "events_filing_rate", "备案率"),
    "review_coverage": ("pubs_reviewed", "pubs_total", "pubs_review_rate", None),
    "task_series": ("tasks_on_time", "tasks_total", "tasks_rate", None),
    "incident_closure_rate": (
        "incidents_closed",
        "incidents_total",
        "incidents_closure_rate",
        None,
    ),
    "rectification_rate": (
        "rectification_closed",
        "rectification_total",
        "rectification_rate",
        None,
    ),
}
# fact key -> the rate metric it is one of the three facts of
_RATE_OF = {key: metric for metric, keys in RATE_FACTS.items() for key in keys[:3]}


class Outcome(NamedTuple):
    title: str
    effect: str
    by: str = ""  # the unit that did it, when not the book's own unit


class FactBook:
    def __init__(self, unit, year: int, *, user, subtree: bool, today: datetime.date | None = None):
        self.user = user
        self.unit = unit
        self.year = year
        self.subtree = subtree
        self.start = datetime.date(year, 1, 1)
        self.end = datetime.date(year, 12, 31)
        self.today = today or datetime.date.today()
        self.facts: dict[str, Fact] = {}
        self._previous_book: FactBook | None = None
        self._own_book: FactBook | None = None
        self._baseline = None

    # -- scoping helpers ----------------------------------------------------------------
    def scoped(self, queryset):
        """The records of the book's unit (or subtree) that its user may open."""
        return records(queryset, user=self.user, unit=self.unit, subtree=self.subtree)

    def unit_query(self) -> dict:
        return {"unit": self.unit.pk, "unit_scope": "subtree" if self.subtree else "own"}

    def metric(self, key: str, params: dict | None = None) -> metrics.Value:
        """The metric ``key`` for the book's unit (or subtree), year and user."""
        return metrics.value(
            key,
            user=self.user,
            unit=self.unit,
            subtree=self.subtree,
            start=self.start,
            end=self.end,
            params=params,
            today=self.today,
        )

    def add_rate(self, value: metrics.Value, *, count_key, total_key, rate_key, label=None):
        """The three facts of a rate metric: numerator, denominator, rate, each with the list
        of exactly its records."""
        metric = value.metric
        word = metric.measure_word
        self.add(
            Fact(total_key, metric.total_label, value.total, word, value.total_url, value.total)
        )
        self.add(
            Fact(count_key, metric.count_label, value.count, word, value.count_url, value.count)
        )
        self.add(
            Fact(rate_key, label or metric.label, value.rate, "%", value.count_url, value.total)
        )

    def add_rate_facts(self, metric_key: str) -> None:
        """The three facts ``RATE_FACTS`` names for the rate metric ``metric_key``."""
        count_key, total_key, rate_key, label = RATE_FACTS[metric_key]
        self.add_rate(
            self.metric(metric_key),
            count_key=count_key,
            total_key=total_key,
            rate_key=rate_key,
            label=label,
        )

    # -- public -------------------------------------------------------------------------
    def get(self, key: str) -> Fact:
        if key not in self.facts:
            self._compute(key)
        return self.facts[key]

    def value(self, key: str):
        return self.get(key).value

    def all(self) -> dict[str, dict]:
        """Every fact as stored on the version, with the scope and period it counts
        (the 「数据核对」 panel lists them)."""
        scope = f"{self.unit.name}{'及下级单位' if self.subtree else '（本单位）'}"
        own = f"{self.unit.name}（本级）"
        period = f"{self.start.isoformat()} 至 {self.end.isoformat()}"
        found = {}
        for key, fact in self.facts.items():
            data = fact.as_dict()
            data.setdefault("scope", own if key.startswith("own:") else scope)
            data.setdefault("period", fact.extra.get("period", period))
            found[key] = data
        return found

    def add(self, fact: Fact) -> Fact:
        self.facts[fact.key] = fact
        return fact

    def _compute(self, key: str) -> None:
        head, _sep, rest = key.partition(":")
        if head == "ledger":
            self._ledger(rest)
        elif head == "statform":  # figures of statistics forms, see statform_facts
            # cycle: luoshi.reports.engine.statform_facts imports this module (Fact, FactBook)
            from luoshi.reports.engine.statform_facts import add_study_app_facts

            add_study_app_facts(self)
        elif head == "outcomes":
            pass
        elif key in _RATE_OF and not hasattr(self, f"_fact_{key}"):  # just a rate of RATE_FACTS
            self.add_rate_facts(_RATE_OF[key])
        else:
            getattr(self, f"_fact_{key}")()
        if key not in self.facts:
            raise KeyError(key)

    # -- ledger -------------------------------------------------------------------------
    def ledger_records(self, code: str):
        return self.scoped(
            LedgerRecord.objects.filter(
                activity_type__code=code, date__gte=self.start, date__lte=self.end
            )
        )

    def activity_types(self) -> dict:
        """{code: activity type} of the dictionary, in its order (read once a book)."""
        if not hasattr(self, "_activity_types"):
            self._activity_types = {t.code: t for t in ActivityType.objects.order_by("order")}
        return self._activity_types

    def activity_type(self, code: str):
        return self.activity_types()[code]

    def activity_types_in(self, area: str) -> list:
        """The active types of a report area, in the dictionary's order (read once a book)."""
        return [t for t in self.activity_types().values() if t.report_area == area and t.is_active]

    def ledger_count(self, code: str) -> metrics.Value:
        """``ledger_count`` of the activity type ``code`` in the year: the counts of every
        type come from one query (``metrics.by_dimension``), not one query per type."""
        if not hasattr(self, "_ledger_by_type"):
            self._ledger_by_type = metrics.by_dimension(
                "ledger_count",
                user=self.user,
                unit=self.unit,
                subtree=self.subtree,
                periods=[(self.start, self.end)],
                today=self.today,
                dims=[kind.pk for kind in self.activity_types().values()],
            )
        return self._ledger_by_type[self.activity_type(code).pk][0]

    def _ledger(self, code: str) -> None:
        kind = self.activity_type(code)
        value = self.ledger_count(code)
        fact = Fact(
            f"ledger:{code}", kind.phrase, value.count, kind.measure_word, value.url, value.count
        )
        self._year_on_year(fact, code)
        self.add(fact)

    def outcomes(self, code: str, limit: int = 2) -> list[Outcome]:
        """The title and 成效 of the latest records of ``code`` whose outcome field says what
        the work achieved (never a logistics line 「主讲：…实际参加76人」, never a title with
        broken quotation marks, never the same title or outcome twice), and ``by``: the
        name of the unit that did it when it is not the book's own unit (an example taken
        from a subordinate unit says whose it is)."""
        rows = (
            self.ledger_records(code)
            .exclude(outcome="")
            .order_by("-date", "-id")
            .values_list("title", "outcome", "unit_id", "unit__name")[:40]
        )
        chosen: list[Outcome] = []
        seen: set[str] = set()
        for title, outcome, unit_id, unit_name in rows:
            title, outcome = as_written(" ".join(title.split())), as_written(_achievement(outcome))
            if not outcome or not balanced_quotes(title) or title in seen or outcome in seen:
                continue
            seen.update((title, outcome))
            chosen.append(Outcome(title, outcome, "" if unit_id == self.unit.pk else unit_name))
            if len(chosen) == limit:
                break
        return chosen

    def _ledger_sum(self, key, code, metric_key, label, word):
        """A sum of a ledger field over the type's records of the year (a ``summed`` metric),
        linking to those records."""
        value = self.metric(metric_key, {"activity_type": code})
        records = self.get(f"ledger:{code}").value
        return self.add(Fact(key, label, value.count, word, value.url, records))

    def _fact_study_attendance(self):
        """中心组学习平均出勤率: the metric ``ledger_attendance`` of the type (实到 ÷ 应到 over
        the records that state both), linking to exactly those records."""
        value = self.metric("ledger_attendance", {"activity_type": "study_group"})
        attendance = value.rate
        if attendance is not None and attendance > 100:  # a typo in 实到/应到: say nothing
            attendance = None
        # how many records its link lists (a rate's facts say so): not a figure stated
        records = self.ledger_records("study_group").filter(ATTENDANCE_RECORDED).count()
        label = "中心组学习平均出勤率"
        self.add(Fact("study_attendance", label, attendance, "%", value.total_url, records))

    def _fact_training_participants(self):
        self._ledger_sum(
            "training_participants", "training", "ledger_participants", "参训人次", "人次"
        )

    def _fact_talk_audience(self):
        self._ledger_sum("talk_audience", "outreach_talk", "ledger_audience", "宣讲受众", "人次")

    def _fact_publicity_high(self):
        """上稿 in 省级以上 (central or provincial) outlets."""
        levels = [OutletLevel.CENTRAL.value, OutletLevel.PROVINCE.value]
        value = self.metric("ledger_count", {"activity_type": "publicity", "outlet_level": levels})
        label = "省级以上媒体上稿"
        self.add(Fact("publicity_high", label, value.count, "篇", value.url, value.count))

    # -- duty -----------------------------------------------------------------------------
    def duty_rows(self):
        if not hasattr(self, "_duty_rows"):
            duty_list = year_list(self.user, self.unit, self.year)
            self._duty_list = duty_list
            self._duty_rows = (
                list_progress(duty_list, user=self.user, subtree=self.subtree, today=self.today)
                if duty_list
                else []
            )
        return self._duty_rows

    def _duty_fact(self, key: str, label: str, value_of) -> None:
        """A figure of the year's list's items (the metric ``duty_items``: ``value_of(list,
        rows)``), linking to exactly those items; 0 without a list."""
        rows = self.duty_rows()
        value = value_of(self._duty_list, rows) if self._duty_list is not None else None
        count, url = (value.count, value.count_url) if value is not None else (0, "")
        self.add(Fact(key, label, count, "项", url, count))

    def _state_values(self, duty_list, rows) -> dict:
        """``duty.selectors.state_values`` once (one GROUP BY for 已完成 and 滞后)."""
        if not hasattr(self, "_duty_states"):
            self._duty_states = state_values(duty_list, rows, user=self.user, subtree=self.subtree)
        return self._duty_states

    def _fact_duty_items(self):
        """明确责任事项: the 考核事项 of the year's list (不考核 left out)."""
        self._duty_fact(
            "duty_items",
            "责任清单事项",
            lambda duty_list, rows: assessed_value(
                duty_list, rows, user=self.user, subtree=self.subtree
            ),
        )

    def _fact_duty_done(self):
        self._duty_fact(
            "duty_done", "已完成事项", lambda dl, rows: self._state_values(dl, rows)[DONE]
        )

    def _fact_duty_behind(self):
        self._duty_fact(
            "duty_behind", "进度滞后事项", lambda dl, rows: self._state_values(dl, rows)[BEHIND]
        )

    # -- incidents ------------------------------------------------------------------------
    def _fact_incidents_total(self):
        self.add_rate_facts("incident_closure_rate")
        self._year_on_year(self.facts["incidents_total"], None)
        handling = self.metric("incident_handling_hours")
        hours = float(handling.mean) if handling.mean is not None else 0.0
        self.add(Fact("incidents_handled", "已处置", handling.count, "起", handling.url))
        self.add(
            Fact("incidents_hours", "平均处置用时", hours, "小时", handling.url, handling.count)
        )

    _fact_incidents_closed = _fact_incidents_total
    _fact_incidents_hours = _fact_incidents_total
    _fact_incidents_handled = _fact_incidents_total
    _fact_incidents_closure_rate = _fact_incidents_total

    # -- risks ----------------------------------------------------------------------------
    def _fact_screenings(self):
        value = self.metric("risk_screening")
        self.add(Fact("screenings", value.metric.label, value.count, "次", value.url, value.count))

    def open_risks(self):
        return (
            self.scoped(
                RiskPoint.objects.exclude(status=RiskStatus.RESOLVED).filter(
                    identified_on__lte=self.end
                )
            )
            .select_related("unit", "area", "level", "owner")
            .order_by("level__order", "-identified_on", "id")
        )

    def risks_in_year(self):
        return self.scoped(
            RiskPoint.objects.filter(identified_on__gte=self.start, identified_on__lte=self.end)
        ).select_related("unit", "area", "level")

    def _fact_risks_open(self):
        value = self.metric("risks_open")
        self.add(Fact("risks_open", "未化解风险点", value.count, "个", value.url, value.count))

    def risk_level_fact(self, level) -> Fact:
        key = f"risks_open_{level.code}"
        if key not in self.facts:
            value = self.metric("risks_open", {"level": level.pk})
            label = f"{level.name}色风险点"
            self.add(Fact(key, label, value.count, "个", value.url, value.count))
        return self.facts[key]

    def risk_cells(self, areas: list, levels: list) -> dict:
        """{(area, level): Fact} of the risk points open at the year's end (``risks_open``
        by area × level, one ``GROUP BY``), each linking to exactly its risk points."""
        found = metrics.breakdown(
            "risks_open",
            user=self.user,
            unit=self.unit,
            subtree=self.subtree,
            fields=("area", "level"),
            start=self.start,
            end=self.end,
            cells=[(a.pk, lv.pk) for a in areas for lv in levels],
            today=self.today,
        )
        cells = {}
        for area in areas:
            for level in levels:
                value = found[area.pk, level.pk]
                key = f"risks_open_{area.pk}_{level.code}"
                label = f"{area.name}方面{level.name}色风险点"
                fact = Fact(key, label, value.count, "个", value.count_url, value.count)
                cells[area.pk, level.pk] = self.add(fact)
        return cells

    def _fact_risks_resolved(self):
        value = self.metric("risks_resolved")
        label = "年内识别并已化解的风险点"
        self.add(Fact("risks_resolved", label, value.count, "个", value.url, value.count))

    @staticmethod
    def _risk_model():
        return RiskPoint

    # -- inspections ----------------------------------------------------------------------
    def items_in_year(self):
        """Rectification items (one per finding of a 督查) due in the year: 「发现问题」."""
        return self.scoped(
            RectificationItem.objects.filter(deadline__gte=self.start, deadline__lte=self.end)
        ).select_related("unit", "finding")

    def open_items(self):
        return (
            self.items_in_year()
            .exclude(status=RectificationStatus.CLOSED)
            .order_by("deadline", "id")
        )

    def _fact_rectification_open(self):
        """The items of 整改完成率's denominator not yet closed (same records, same period)."""
        value = self.metric("rectifications_unclosed")
        self.add(
            Fact("rectification_open", "未销号整改事项", value.count, "项", value.url, value.count)
        )

    def _fact_inspection_plans(self):
        """督查: the metric (begun in the year, as 督查通报 reports them)."""
        value = self.metric("inspection_plans")
        self.add(Fact("inspection_plans", "督查", value.count, "次", value.url, value.count))

    def _fact_inspected_units(self):
        """被督查单位: the units those inspections inspected, a unit inspected twice counted
        twice (家次), linking to exactly those results."""
        value = self.metric("inspected_units")
        self.add(Fact("inspected_units", "被督查单位", value.count, "家次", value.url, value.count))

    # -- assessment -----------------------------------------------------------------------
    def _fact_assessment_score(self):
        """The unit's result in the latest published 考核 of the year it was assessed in."""
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
        if row is None:  # no published result: the reports say nothing about it
            self.add(Fact("assessment_score", "考核得分", None, "分"))
            return
        url = reverse("assessment:sheet", args=[assessment.pk, self.unit.pk])
        extra = {"name": assessment.name, "units": len(rows)}
        self.add(
            Fact("assessment_score", "考核得分", row.total, "分", url, len(row.scores), extra=extra)
        )
        self.add(Fact("assessment_rank", "考核排名", row.rank, "名", url, len(rows), extra=extra))
        self.add(Fact("assessment_grade", "考核等次", row.grade, "", url, len(row.scores)))

    def _fact_ledger_all(self):
        value = self.metric("ledger_count")
        self.add(Fact("ledger_all", "工作台账记录", value.count, "条", value.url, value.count))

    # -- units ----------------------------------------------------------------------------
    def _fact_subordinate_units(self):
        below = Unit.objects.filter(path__startswith=self.unit.path, is_active=True).exclude(
            pk=self.unit.pk
        )
        count = metrics.scoped(below, user=self.user, unit=self.unit, subtree=True).count()
        url = f"{reverse('units:list')}?below={self.unit.pk}&is_active=1"
        self.add(Fact("subordinate_units", "所属单位", count, "个", url, count))

    # -- the unit's own acts within a subtree report ---------------------------------------
    def own(self, key: str) -> Fact:
        """Fact ``key`` of the unit alone (its own acts, 「本级」), as ``own:<key>``."""
        if not self.subtree:
            return self.get(key)
        name = f"own:{key}"
        if name not in self.facts:
            if self._own_book is None:
                self._own_book = FactBook(
                    self.unit, self.year, user=self.user, subtree=False, today=self.today
                )
            fact = self._own_book.get(key)
            self.add(Fact(name, f"本级{fact.label}", fact.value, fact.unit, fact.url, fact.records))
        return self.facts[name]

    # -- comparisons ------------------------------------------------------------------------
    def branches(self) -> list:
        """The unit's active direct children the user may open (each with its subtree)."""
        children = Unit.objects.filter(
            path__startswith=self.unit.path, depth=self.unit.depth + 1, is_active=True
        ).order_by("path")
        return list(metrics.scoped(children, user=self.user, unit=self.unit, subtree=True))

    def measure_word(self, key: str, params: dict | None = None) -> str:
        """The measure word of metric ``key``: an activity type's own (次/场/篇) for a
        ledger count of one type, else the metric's."""
        code = (params or {}).get("activity_type")
        if key == "ledger_count" and code:
            return self.activity_type(code).measure_word
        return metrics.get(key).measure_word

    def branch_counts(self, key: str, params: dict | None = None) -> list[Fact]:
        """Metric ``key`` of each direct child branch (one GROUP BY), as facts."""
        branches = self.branches()
        if not branches:
            return []
        found = metrics.table(
            key,
            user=self.user,
            unit=self.unit,
            periods=[(self.start, self.end)],
            branches=branches,
            params=params,
            today=self.today,
        )
        tag = (params or {}).get("activity_type", key)
        word = self.measure_word(key, params)
        facts = []
        for branch in branches:
            value = found[branch.pk][0]
            fact = Fact(
                f"branch:{tag}:{branch.pk}",
                f"{branch.display_name}{value.metric.label}",
                value.count,
                word,
                value.count_url,
                value.count,
                extra={"unit": branch.display_name},
            )
            facts.append(self.add(fact))
        return facts

    def quarter_counts(self, key: str, params: dict | None = None) -> list[Fact]:
        """Metric ``key`` of the book's scope in each quarter of the year (one query)."""
        periods = [
            (datetime.date(self.year, m, 1), _quarter_end(self.year, m)) for m in (1, 4, 7, 10)
        ]
        found = metrics.values(
            key,
            user=self.user,
            unit=self.unit,
            subtree=self.subtree,
            periods=periods,
            params=params,
            today=self.today,
        )
        tag = (params or {}).get("activity_type", key)
        word = self.measure_word(key, params)
        return [
            self.add(
                Fact(
                    f"quarter:{tag}:{i + 1}",
                    f"第{i + 1}季度{v.metric.label}",
                    v.count,
                    word,
                    v.count_url,
                    v.count,
                )
            )
            for i, v in enumerate(found)
        ]

    # -- is there anything to report? -----------------------------------------------------
    def has_records(self) -> bool:
        """Whether the year has any record of the unit (or subtree) to write about."""
        keys = ["ledger_count", "risk_screening", "rectification_rate", "tasks_assigned"]
        return any(self.metric(key).count or self.metric(key).total for key in keys) or bool(
            self.issued_plans() or self.campaigns()
        )

    # -- screening campaigns ----------------------------------------------------------------
    def campaigns(self) -> list:
        """The screening campaigns the unit (or its subtree) launched with a deadline in the
        year."""
        return list(
            self.scoped(
                Campaign.objects.filter(
                    task__deadline__gte=self.start, task__deadline__lte=self.end
                )
            )
            .select_related("task", "unit")
            .order_by("task__deadline", "id")
        )

    def campaign_facts(self, campaign) -> dict[str, Fact]:
        """Self-checks of one campaign: assigned, completed, completed on time."""
        task = {"task": campaign.task_id}
        common = {"user": self.user, "today": self.today}  # the campaign's rows, all of them
        assigned = metrics.of_object("tasks_assigned", params=task, **common)
        on_time = metrics.of_object("task_series", params=task, **common)
        done = metrics.of_object("risk_screening", params={"campaign": campaign.pk}, **common)
        key = f"campaign:{campaign.pk}"
        facts = {
            "assigned": Fact(
                f"{key}:assigned", "应自查单位", assigned.count, "个", assigned.url, assigned.count
            ),
            "done": Fact(f"{key}:done", "完成自查", done.count, "个", done.url, done.count),
            "on_time": Fact(
                f"{key}:on_time",
                "按时完成自查",
                on_time.count,
                "个",
                on_time.count_url,
                on_time.count,
            ),
            "due": Fact(
                f"{key}:due",
                "已到期的自查任务",
                on_time.total,
                "个",
                on_time.total_url,
                on_time.total,
            ),
        }
        for fact in facts.values():
            self.add(fact)
        return facts

    # -- inspections issued (督查通报) --------------------------------------------------------
    def issued_plans(self) -> list:
        """Inspections the unit (or its subtree) ran that started in the year."""
        return list(
            self.scoped(
                InspectionPlan.objects.filter(starts_on__gte=self.start, starts_on__lte=self.end)
            )
            .prefetch_related("inspected_units")
            .order_by("starts_on", "id")
        )

    def plan_findings_total(self, plan) -> Fact:
        """Findings (one rectification item each) of ``plan`` at all its inspected units."""
        value = metrics.of_object(
            "rectification_items", user=self.user, params={"plan": plan.pk}, today=self.today
        )
        key = f"plan:{plan.pk}:findings"
        return self.add(Fact(key, "督查发现问题", value.count, "个", value.url, value.count))

    def plan_findings(self, plan, inspected) -> Fact:
        """Findings (one rectification item each) of ``plan`` at one inspected unit."""
        value = metrics.of_object(
            "rectification_rate",
            user=self.user,
            params={"plan": plan.pk, "unit": inspected.pk},
            today=self.today,
        )
        key = f"plan:{plan.pk}:unit:{inspected.pk}"
        self.add(
            Fact(
                f"{key}:closed",
                f"{inspected.display_name}已整改销号",
                value.count,
                "项",
                value.count_url,
                value.count,
            )
        )
        return self.add(
            Fact(
                f"{key}:findings",
                f"{inspected.display_name}发现问题",
                value.total,
                "个",
                value.total_url,
                value.total,
            )
        )

    # -- year on year ---------------------------------------------------------------------
    def previous_book(self) -> FactBook:
        if self._previous_book is None:
            self._previous_book = FactBook(
                self.unit, self.year - 1, user=self.user, subtree=self.subtree, today=self.today
            )
        return self._previous_book

    def _previous_has_records(self, code: str | None) -> bool:
        book = self.previous_book()
        if code is None:
            return False
        if not hasattr(book, "_has_records"):  # any record of the year, whatever its type
            book._has_records = book.scoped(
                LedgerRecord.objects.filter(date__gte=book.start, date__lte=book.end)
            ).exists()
        return book._has_records

    def baseline(self):
        if self._baseline is None:
            rows = list(
                Baseline.objects.filter(unit=self.unit, year=self.year - 1, subtree=self.subtree)
            )
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


def _quarter_end(year: int, first_month: int) -> datetime.date:
    if first_month == 10:
        return datetime.date(year, 12, 31)
    return datetime.date(year, first_month + 3, 1) - datetime.timedelta(days=1)


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
