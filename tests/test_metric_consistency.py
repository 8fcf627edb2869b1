"""Every number is the same number wherever it is shown (issue 15, 「Done when」).

On the run's demo district (``demo_district``, built once per run on ``DEMO_TODAY``; these
tests run with the other demo tests, each in a savepoint), for every metric × every unit (its
own records, and its subtree where units are below it) × the year, and for each unit with units
below a half and a quarter too (the top unit's subtree holds every record): the metric layer's
figure equals the count of the list its link opens (numerator and denominator, each link being
a list query), the duty-progress figure (selector and API, every period of every item), the
dashboard's figure (the year, and each quarter for a unit with units below: the dashboard has
no halves) and the report's fact (the year).
"""

import datetime
from types import SimpleNamespace

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.api import services as api_services
from luoshi.core import metrics
from luoshi.dashboard import selectors as dashboard
from luoshi.duty.models import DutyList
from luoshi.duty.selectors import BEHIND, DONE, list_progress
from luoshi.ledger.models import ActivityType
from luoshi.reports.engine.facts import FactBook
from luoshi.units.models import Unit
from tests.factories import DEMO_TODAY
from tests.list_support import list_queryset

YEAR = DEMO_TODAY.year  # the periods of the demo's year
# "today" of the figures: the list pages count "overdue" and "open" on the day of the run, so
# the figures compared with them are taken on that day too (whatever the demo's day).
TODAY = timezone.localdate()


def _month_end(year, month):
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


PERIODS = {
    "year": (datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)),
    "H1": (datetime.date(YEAR, 1, 1), datetime.date(YEAR, 6, 30)),
    "H2": (datetime.date(YEAR, 7, 1), datetime.date(YEAR, 12, 31)),
    **{f"Q{q}": (datetime.date(YEAR, 3 * q - 2, 1), _month_end(YEAR, 3 * q)) for q in (1, 2, 3, 4)},
}
SPANS = list(PERIODS.values())
HIGH_OUTLETS = ["central", "province"]  # 省级以上

# report fact keys of each rate metric: (numerator, denominator, rate)
REPORT_RATES = {
    "task_series": ("tasks_on_time", "tasks_total", "tasks_rate"),
    "review_coverage": ("pubs_reviewed", "pubs_total", "pubs_review_rate"),
    "event_filing_rate": ("events_filed", "events_held", "events_filing_rate"),
    "incident_closure_rate": ("incidents_closed", "incidents_total", "incidents_closure_rate"),
    "rectification_rate": ("rectification_closed", "rectification_total", "rectification_rate"),
    "channel_check_rate": ("channels_checked", "channels_total", "channels_check_rate"),
}
# dashboard rate figures: metric key -> (panel, figure)
DASHBOARD_RATES = {
    "evidence_completeness": ("ledger", "evidence"),
    "task_series": ("tasks", "on_time"),
    "review_coverage": ("publications", "coverage"),
    "event_filing_rate": ("events", "filing"),
    "incident_closure_rate": ("incidents", "closure"),
    "rectification_rate": ("rectification", "rate"),
}
# dashboard count figures: metric key -> (panel, figure)
DASHBOARD_COUNTS = {
    "ledger_count": ("ledger", "records"),
    "ledger_without_evidence": ("ledger", "missing_evidence"),
    "tasks_assigned": ("tasks", "assigned"),
    "tasks_open": ("tasks", "open"),
    "tasks_overdue": ("tasks", "overdue"),
    "incidents_open": ("incidents", "open"),
    "rectifications_overdue": ("rectification", "overdue"),
}


@pytest.fixture(scope="module")
def demo(_demo_district_once, django_db_blocker):
    """What the tests read of the run's demo district: the leader who sees all of it, its
    units and the metric variants compared (tests request ``demo_district`` as well, for
    their savepoint)."""
    with django_db_blocker.unblock():
        leader = User.objects.get(username="qw_leader")  # 区委副书记: the whole district
        codes = list(ActivityType.objects.order_by("order").values_list("code", flat=True))
        units = list(Unit.objects.filter(is_active=True).order_by("path"))
    variants = [("ledger_count", {})] + [("ledger_count", {"activity_type": c}) for c in codes]
    summed = {k for k, m in metrics.registry().items() if m.summed}
    variants += [
        (key, {}) for key in sorted(metrics.registry()) if key not in {"ledger_count"} | summed
    ]
    variants += [  # figures of the statistics forms: sums of accepted values
        ("statform_figure", {"figure": "party_members"}),
        ("statform_rate", {"figure": "xxqg_downloads", "of": "party_members"}),
        # sums of ledger fields and 省级以上媒体上稿 (report facts)
        ("ledger_participants", {"activity_type": "training"}),
        ("ledger_audience", {"activity_type": "outreach_talk"}),
        ("ledger_attendance", {}),  # a rate of two sums: 实到 ÷ 应到
        ("ledger_attendance", {"activity_type": "study_group"}),
        ("ledger_count", {"activity_type": "publicity", "outlet_level": HIGH_OUTLETS}),
    ]
    inner = [
        u for u in units if any(o.depth > u.depth and o.path.startswith(u.path) for o in units)
    ]
    # A unit with no unit below has one set of records whichever the scope: its own.
    cases = [(u, s) for u in units for s in ((False, True) if u in inner else (False,))]
    return SimpleNamespace(leader=leader, units=units, inner=inner, cases=cases, variants=variants)


def _listed(user, url: str, summed: str = ""):
    """How many records the list page at ``url`` shows ``user``; for a metric that sums a
    field, the sum of it."""
    queryset = list_queryset(user, url)
    if summed:
        return metrics.figure(queryset.aggregate(n=Sum(summed))["n"])
    return queryset.count()


@pytest.fixture
def listed(demo):
    """``_listed`` for the leader, each link counted once in a test: several figures link to
    the same list (a rate's denominator is another metric's count, one list serves several
    metrics), and the test's data do not change between two counts."""
    counts: dict[tuple[str, str], object] = {}

    def count(url: str, summed: str = ""):
        if (url, summed) not in counts:
            counts[url, summed] = _listed(demo.leader, url, summed)
        return counts[url, summed]

    return count


def _values(demo, key, params, unit, subtree, periods=SPANS):
    return metrics.values(
        key,
        user=demo.leader,
        unit=unit,
        subtree=subtree,
        periods=periods,
        params=params,
        today=TODAY,
    )


QUARTERS = (None, 1, 2, 3, 4)  # the dashboard's periods: the year and each quarter
LINKED = ("year", "H1", "Q3")  # one of each kind of period: each link is a list query


def _periods(demo, unit, kinds):
    """Every kind of period for a unit with units below; the year for the others. Where a
    period begins and ends does not depend on the unit, and the subtree of the district's
    top unit holds every record: each record stands in a figure of each kind of period."""
    return kinds if unit in demo.inner else kinds[:1]


def test_every_figure_equals_the_list_its_link_opens(demo_district, demo, listed):
    checked = 0
    for key, params in demo.variants:
        for unit, subtree in demo.cases:
            found = dict(zip(PERIODS, _values(demo, key, params, unit, subtree), strict=True))
            for name in _periods(demo, unit, LINKED):
                value = found[name]
                where = (key, params, unit.code, subtree, name)
                summed = value.metric.summed
                assert listed(value.count_url, summed) == value.count, where
                if value.metric.is_rate:
                    total_summed = value.metric.total_summed or summed
                    assert listed(value.total_url, total_summed) == value.total, where
                    assert value.count <= value.total, where
                if value.metric.averaged:
                    mean = _mean_of_list(demo.leader, value, value.metric.averaged)
                    assert mean == value.mean, where
                checked += 1
    walked = sum(len(_periods(demo, unit, LINKED)) for unit, _ in demo.cases)
    assert checked == len(demo.variants) * walked


def _mean_of_list(user, value, averaged: str):
    """An averaged metric's figure recomputed from the records its link lists (the response
    or handling time of each listed incident; a field of each listed record, e.g. a form
    value's number)."""
    listed = list(list_queryset(user, value.count_url))
    if not listed:
        return None
    moments = {"response": "responded_at", "handling": "handled_at"}
    if averaged in moments:
        amount = sum(
            (getattr(i, moments[averaged]) - i.discovered_at for i in listed), datetime.timedelta()
        )
    else:
        amount = sum(getattr(i, averaged) for i in listed)
    return value.metric.mean(amount, len(listed))


def test_every_cell_of_a_breakdown_equals_its_list(demo_district, demo, listed):
    """The risk heat map (area × level) and the channels by status: each cell is the count of
    the list its link opens; the cells add up to the metric."""
    checked = 0
    for key, fields in (
        ("risks_open", ("area", "level")),
        ("risk_points", ("area", "level")),
        ("channels", ("status",)),
    ):
        for unit, subtree in demo.cases:
            start, end = PERIODS["year"]
            cells = metrics.breakdown(
                key,
                user=demo.leader,
                unit=unit,
                subtree=subtree,
                fields=fields,
                start=start,
                end=end,
            )
            whole = _values(demo, key, {}, unit, subtree)[0]
            assert sum(v.count for v in cells.values()) == whole.count, (key, unit.code)
            for cell, value in cells.items():
                where = (key, unit.code, subtree, cell)
                assert listed(value.count_url) == value.count, where
                checked += 1
    assert checked > 20


def _api_rows(client, user, duty_list, subtree):
    key = api_services.create_token(
        user=user, name="核对", expires_at=timezone.now() + datetime.timedelta(hours=1)
    )[1]
    response = client.get(
        f"/api/duty-lists/{duty_list.pk}/progress/?subtree={int(subtree)}",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 200
    return {row["code"]: row for row in response.json()}


def test_duty_progress_page_and_api_state_the_metric(demo_district, demo, client):
    lists = list(DutyList.objects.filter(year=YEAR).select_related("unit"))
    assert lists
    compared = 0
    for duty_list in lists:
        for subtree in (False, True):
            api = _api_rows(client, demo.leader, duty_list, subtree)
            for row in list_progress(duty_list, user=demo.leader, subtree=subtree, today=TODAY):
                item = row.item
                if row.manual or not row.periods:
                    continue
                measured = [p for p in row.periods if p.count is not None]
                found = metrics.values(
                    item.indicator_kind,
                    user=demo.leader,
                    unit=duty_list.unit,
                    subtree=subtree,
                    periods=[(p.start, p.end) for p in measured],
                    params=item.indicator_params,
                    today=TODAY,
                )
                api_periods = {p["key"]: p for p in api[item.code]["periods"]}
                for period, value in zip(measured, found, strict=True):
                    where = (duty_list.unit.code, item.code, subtree, period.key)
                    assert (period.count, period.total) == (value.count, value.total), where
                    assert period.url == value.count_url, where
                    theirs = api_periods[period.key]
                    assert (theirs["count"], theirs["total"]) == (value.count, value.total), where
                    compared += 1
    assert compared > 100


def test_dashboard_states_the_metric(demo_district, demo):
    compared = 0
    for unit in demo.units:
        for quarter in _periods(demo, unit, QUARTERS):
            period = dashboard.period_for(YEAR, quarter)
            data = dashboard.dashboard(demo.leader, unit, period, today=TODAY)
            span = [(period.start, period.end)]
            records = metrics.values(
                "ledger_count", user=demo.leader, unit=unit, subtree=True, periods=span
            )[0]
            figure = data.panels["ledger"].figure("records").current
            assert figure.value == records.count, (unit.code, quarter)
            for key, (panel, name) in DASHBOARD_COUNTS.items():
                value = metrics.values(
                    key, user=demo.leader, unit=unit, subtree=True, periods=span, today=TODAY
                )[0]
                shown = data.panels[panel].figure(name).current
                where = (unit.code, quarter, key)
                assert (shown.value, shown.url) == (value.count, value.count_url), where
            response = metrics.values(
                "incident_response_hours", user=demo.leader, unit=unit, subtree=True, periods=span
            )[0]
            extra = data.panels["incidents"].extra
            assert extra["response_hours"] == response.mean, (unit.code, quarter)
            assert extra["responded"].value == response.count, (unit.code, quarter)
            risks = metrics.value(  # open now, whatever the period
                "risks_open", user=demo.leader, unit=unit, subtree=True, start=TODAY, end=TODAY
            )
            heat = data.panels["risks"]
            assert heat.figure("open").current.value == risks.count, (unit.code, quarter)
            assert sum(c.value for row in heat.extra["rows"] for c in row["cells"]) == risks.count
            for key, (panel, name) in DASHBOARD_RATES.items():
                value = metrics.values(
                    key, user=demo.leader, unit=unit, subtree=True, periods=span, today=TODAY
                )[0]
                shown = data.panels[panel].figure(name).current
                where = (unit.code, quarter, key)
                assert (shown.count.value, shown.total.value) == (value.count, value.total), where
                assert shown.value == value.rate, where
                assert shown.count.url == value.count_url, where
                compared += 1
    walked = sum(len(_periods(demo, unit, QUARTERS)) for unit in demo.units)
    assert compared == walked * len(DASHBOARD_RATES)


def _stated(value: metrics.Value) -> tuple:
    return value.count, value.count_url


def test_dashboard_ledger_chart_states_the_metric(demo_district, demo):
    """工作台账's chart: each type's 本期 / 上年 is ``ledger_count`` of that type over the
    whole period and the same period a year earlier, each month's bar that type's month, the
    previous year's line every record of each month; each linking to the value's own
    ``count_url`` (the metric layer's figures, not sums of months nor links built by hand)."""
    names = dict(ActivityType.objects.values_list("name", "code"))
    compared = 0
    for unit in demo.units:
        for quarter in _periods(demo, unit, QUARTERS):
            period = dashboard.period_for(YEAR, quarter)
            previous = period.previous()
            months = [m for m in range(1, 13) if period.start.month <= m <= period.end.month]
            cur = [(datetime.date(YEAR, m, 1), _month_end(YEAR, m)) for m in months]
            prev = [(datetime.date(YEAR - 1, m, 1), _month_end(YEAR - 1, m)) for m in months]
            whole = [(period.start, period.end), (previous.start, previous.end)]
            chart = (
                dashboard.dashboard(demo.leader, unit, period, today=TODAY).panels["ledger"].chart
            )
            where = (unit.code, quarter)

            def metric(periods, params=None, unit=unit):
                return metrics.values(
                    "ledger_count",
                    user=demo.leader,
                    unit=unit,
                    subtree=True,
                    periods=periods,
                    params=params,
                    today=TODAY,
                )

            every = metric(prev)
            assert [(p["value"], p["url"]) for p in chart["previous"]] == [
                _stated(v) for v in every
            ], where
            series = {s["name"]: s["data"] for s in chart["series"]}
            for row in chart["by_type"]:
                found = metric(cur + whole, {"activity_type": names[row["name"]]})
                this, before = found[-2:]
                assert (row["cur"], row["cur_url"]) == _stated(this), (*where, row["name"])
                assert (row["prev"], row["prev_url"]) == _stated(before), (*where, row["name"])
                monthly = [_stated(v) for v in found[:-2]]
                stated = [(p["value"], p["url"]) for p in series.get(row["name"], [])]
                assert stated == (monthly if this.count else []), (*where, row["name"])
                compared += 1
            assert sum(row["cur"] for row in chart["by_type"]) == metric(whole)[0].count, where
    assert compared > len(demo.units)


def test_report_facts_state_the_metric(demo_district, demo):
    codes = [p["activity_type"] for key, p in demo.variants if key == "ledger_count" and p]
    year = [PERIODS["year"]]
    for unit, subtree in demo.cases:
        book = FactBook(unit, YEAR, user=demo.leader, subtree=subtree, today=TODAY)

        def metric(key, params=None, unit=unit, subtree=subtree):
            return _values(demo, key, params, unit, subtree, periods=year)[0]

        for code in codes:
            value = metric("ledger_count", {"activity_type": code})
            fact = book.get(f"ledger:{code}")
            assert (fact.value, fact.url) == (value.count, value.count_url), (unit.code, code)
        for key, (count_key, total_key, rate_key) in REPORT_RATES.items():
            value = metric(key)
            where = (unit.code, subtree, key)
            assert book.get(count_key).value == value.count, where
            assert book.get(total_key).value == value.total, where
            rate = book.get(rate_key).value
            assert rate == (None if value.rate is None else float(value.rate)), where
        assert book.get("screenings").value == metric("risk_screening").count
        attendance = metric("ledger_attendance", {"activity_type": "study_group"})
        fact = book.get("study_attendance")  # 实到 ÷ 应到 of the records its link lists
        stated = None if attendance.rate is None else float(attendance.rate)
        assert (fact.value, fact.url) == (stated, attendance.total_url), unit.code
        listed = list_queryset(demo.leader, fact.url)
        sums = listed.aggregate(a=Sum("actual_participants"), e=Sum("expected_participants"))
        recomputed = metrics.rate_of(sums["a"] or 0, sums["e"] or 0)
        assert fact.value == (None if recomputed is None else float(recomputed)), unit.code
        sums = {
            "training_participants": ("ledger_participants", {"activity_type": "training"}),
            "talk_audience": ("ledger_audience", {"activity_type": "outreach_talk"}),
            "publicity_high": (
                "ledger_count",
                {"activity_type": "publicity", "outlet_level": HIGH_OUTLETS},
            ),
        }
        for fact_key, (key, params) in sums.items():
            value = metric(key, params)
            fact = book.get(fact_key)
            assert (fact.value, fact.url) == (value.count, value.url), (unit.code, fact_key)
        for key, fact_key in (
            ("risks_open", "risks_open"),
            ("risks_resolved", "risks_resolved"),
            ("rectifications_unclosed", "rectification_open"),
            ("inspected_units", "inspected_units"),  # 督查单位N家次: the results listed
        ):
            value = metric(key)
            fact = book.get(fact_key)
            assert (fact.value, fact.url) == (value.count, value.url), (unit.code, key)
            assert _listed(demo.leader, fact.url) == fact.value, (unit.code, key)
        below = book.get("subordinate_units")  # 所属N个单位: the list its link opens
        assert _listed(demo.leader, below.url) == below.value, unit.code
        plans = metric("inspection_plans")  # 督查N次: the plans 督查通报 reports
        fact = book.get("inspection_plans")
        assert (fact.value, fact.url) == (plans.count, plans.url), unit.code
        assert plans.count == len(book.issued_plans()), unit.code
        handling = metric("incident_handling_hours")
        hours = book.get("incidents_hours")
        assert hours.value == (float(handling.mean) if handling.count else 0.0)


def test_report_duty_facts_state_the_page_they_link(demo_district, demo, client):
    """明确责任事项 / 已完成事项 / 进度滞后事项 of a report are the items their link lists,
    and the last two the tally of the list's page (the unit's own progress, or its subtree's
    for a report with the units below)."""
    client.force_login(demo.leader)
    compared = 0
    for unit, subtree in demo.cases:
        book = FactBook(unit, YEAR, user=demo.leader, subtree=subtree, today=TODAY)
        done, behind, items = (book.get(k) for k in ("duty_done", "duty_behind", "duty_items"))
        if not done.url:
            continue
        where = (unit.code, subtree)
        for fact in (done, behind, items):  # exactly the items its link lists
            assert _listed(demo.leader, fact.url) == fact.value, (*where, fact.key)
            opened = client.get(fact.url)  # the page a reader opens from 数据核对
            assert opened.status_code == 200, (*where, fact.key)
            assert opened.context["paginator"].count == fact.value, (*where, fact.key)
        scope = {"scope": "subtree"} if subtree else {}
        page = client.get(reverse("duty:detail", args=[book._duty_list.pk]), scope)
        tally = page.context["tally"]  # and the tally of the list's own page
        assert (done.value, behind.value) == (tally[DONE], tally[BEHIND]), where
        compared += 1
    assert compared > 2
