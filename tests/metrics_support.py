"""What the metric tests share: the count of the list a figure's link opens, the check that
every figure on a page equals its list, and a screening campaign with every case."""

import html

from luoshi.risks import services as risk_services
from tests.factories import make_unit, make_user
from tests.risks_support import fill_checklist, launch, make_risk


def listed(client, url: str) -> int:
    """The number of records the list at ``url`` shows the signed-in user (all its pages)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["paginator"].count


def numbers_equal_their_lists(client, page: str, values) -> None:
    """Every value's number equals the count of the list its link opens, and the page links
    to it (a rate: its denominator's list, at least)."""
    for value in values:
        urls = [(value.count, value.count_url)]
        if value.metric.is_rate:
            urls.append((value.total, value.total_url))
        for number, url in urls:
            assert listed(client, url) == number, (value.metric.key, url)
        assert html.escape(urls[-1][1]) in page, urls[-1][1]


def screened_campaign(users, tree):
    """A campaign launched by 宣传部 to its subtree (新闻科, 甲科, 乙科): 新闻科 completed with
    two points (and has a third registered outside the campaign), 甲科 completed declaring
    none, 乙科 has not reported. Returns the campaign and a clerk per unit (by unit pk)."""
    units = [tree.child, make_unit("甲科", "T12", parent=tree.own)]
    units.append(make_unit("乙科", "T13", parent=tree.own))
    clerks = {u.pk: make_user(f"c_{u.code}", u, "clerk") for u in units}
    campaign = launch(users.unit_admin, tree.own, tree.own)
    by_unit = {s.unit_id: s for s in campaign.screenings.all()}
    first = by_unit[tree.child.pk]
    make_risk(tree.child, screening=first)
    make_risk(tree.child, level="blue", screening=first)
    make_risk(tree.child)  # registered outside the campaign: not one of its points
    fill_checklist(first)
    risk_services.submit_screening(screening=first, user=clerks[tree.child.pk])
    second = by_unit[units[1].pk]
    second.no_risk_declared, second.no_risk_reason = True, "已逐项核查"
    fill_checklist(second)
    risk_services.submit_screening(screening=second, user=clerks[second.unit_id])
    return campaign, clerks
