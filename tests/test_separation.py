"""Separation of duties, configurable per deployment (settings.SEPARATION_OF_DUTIES):
an assessment is reviewed by someone other than who computed it; an incident is closed
(办结) only with a leader's sign-off. Switched off, one person may do both."""

import datetime

import pytest
from django.urls import reverse

from luoshi.assessment import services as assessment_services
from luoshi.assessment.workflow import ASSESSMENT
from luoshi.core.workflow import WorkflowError
from luoshi.duty.selectors import latest_pack
from luoshi.incidents import services as incident_services
from luoshi.incidents.models import IncidentStatus
from luoshi.incidents.workflow import INCIDENT_FLOW
from tests.factories import make_user
from tests.test_incidents import STEP_DATA, make_incident

YEAR = datetime.date.today().year


@pytest.fixture
def computed(tree, users):
    assessment = assessment_services.create_assessment(
        unit=tree.root, year=YEAR, pack=latest_pack(), user=users.admin, targets=[tree.own]
    )
    assessment_services.compute(assessment=assessment, user=users.admin)
    ASSESSMENT.apply(assessment, "submit", user=users.admin)
    return assessment


def test_the_computer_may_not_review_the_assessment(computed, users):
    with pytest.raises(WorkflowError, match="按职责分离"):
        ASSESSMENT.apply(computed, "review", user=users.admin)
    assert "review" not in {t.name for t in ASSESSMENT.available(computed, users.admin)}
    # someone else is not barred (the 复核 itself may still wait for manual scores)
    ASSESSMENT.check_separation(users.reviewer, computed, computed.status)
    assert users.admin.pk in ASSESSMENT.barred_actors(computed, computed.status)


def test_switched_off_the_computer_may_review(computed, users, settings):
    settings.SEPARATION_OF_DUTIES = ["incident_signoff"]
    ASSESSMENT.check_separation(users.admin, computed, computed.status)
    assert ASSESSMENT.barred_actors(computed, computed.status) == set()


def _responded(tree, users):
    incident = make_incident(tree.own, users.clerk)
    for step in ("analyze", "handle", "respond"):
        incident_services.take_step(
            incident=incident, step=step, user=users.clerk, data=dict(STEP_DATA[step])
        )
    return incident


def test_only_a_leader_closes_an_incident(client, tree, users):
    incident = _responded(tree, users)
    for handler in (users.clerk, users.unit_admin):
        assert INCIDENT_FLOW.available(incident, handler) == []
        with pytest.raises(WorkflowError, match="办结须由领导签批"):
            incident_services.take_step(
                incident=incident, step="close", user=handler, data=dict(STEP_DATA["close"])
            )
        client.force_login(handler)
        page = client.get(reverse("incidents:step", args=[incident.pk, "close"]), follow=True)
        assert "办结须由领导签批" in page.content.decode()
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESPONDED

    client.force_login(users.leader)
    form = client.get(reverse("incidents:step", args=[incident.pk, "close"]))
    assert 'data-ls-confirm="办结后事件记录不能再修改' in form.content.decode()
    client.post(reverse("incidents:step", args=[incident.pk, "close"]), STEP_DATA["close"])
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED
    assert INCIDENT_FLOW.history(incident).last().actor == users.leader


def test_a_leader_outside_the_unit_gets_404(client, tree, users):
    incident = _responded(tree, users)
    outsider = make_user("u_sibling_leader", tree.sibling, "leader")
    client.force_login(outsider)
    url = reverse("incidents:step", args=[incident.pk, "close"])
    assert client.get(url).status_code == 404
    assert client.post(url, STEP_DATA["close"]).status_code == 404


def test_switched_off_the_handler_closes(tree, users, settings):
    settings.SEPARATION_OF_DUTIES = ["assessment_review"]
    incident = _responded(tree, users)
    assert [t.name for t in INCIDENT_FLOW.available(incident, users.clerk)] == ["close"]
    assert INCIDENT_FLOW.available(incident, users.leader) == []  # reads only, then
    incident_services.take_step(
        incident=incident, step="close", user=users.clerk, data=dict(STEP_DATA["close"])
    )
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED
