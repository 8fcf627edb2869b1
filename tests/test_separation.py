"""Separation of duties, configurable per deployment (settings.SEPARATION_OF_DUTIES):
an assessment is reviewed by someone other than who computed it; an incident is closed
(办结) only with a leader's sign-off. Switched off, one person may do both. Always in force:
the writer of a 稿件 or a 备案 never reviews it (the core ``Separation``'s ``authors``)."""

import datetime

import pytest
from django.urls import reverse

from luoshi.assessment import services as assessment_services
from luoshi.assessment.workflow import ASSESSMENT
from luoshi.core.workflow import WorkflowError, WorkflowStep
from luoshi.duty.selectors import latest_pack
from luoshi.events import services as event_services
from luoshi.events.models import EventStatus
from luoshi.events.workflow import EVENT_FLOW
from luoshi.incidents import services as incident_services
from luoshi.incidents.models import IncidentStatus
from luoshi.incidents.workflow import INCIDENT_FLOW
from luoshi.publications import services as publication_services
from luoshi.publications.models import PublicationStatus
from luoshi.publications.selectors import eligible_reviewers
from luoshi.publications.workflow import PUBLICATION_FLOW
from tests.factories import make_user
from tests.test_events import make_event, post_decide
from tests.test_incidents import STEP_DATA, make_incident
from tests.test_publications import make_item, post_review

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


def _steps_of(obj) -> int:
    flows = [PUBLICATION_FLOW.name, EVENT_FLOW.name]
    return WorkflowStep.objects.filter(object_id=obj.pk, workflow__in=flows).count()


def test_the_author_may_not_review_their_own_publication(client, tree, users):
    author = make_user("u_clerk_reviewer", tree.own, "clerk", "reviewer")
    item = make_item(tree.own, author)
    publication_services.submit(item=item, user=author)
    written = _steps_of(item)
    # not told, not offered, refused through the URL with nothing written
    assert not author.notices.exists() and users.reviewer.notices.exists()
    assert author not in eligible_reviewers(item, item.status)
    client.force_login(author)
    assert 'data-testid="review-form"' not in client.get(item.get_absolute_url()).content.decode()
    for decision, comment in (("approve", ""), ("reject", "自己退回")):
        page = post_review(client, item, "first", decision, comment).content.decode()
        assert "本事项由您起草，按职责分离，您不能办理「初审」。" in page
    item.refresh_from_db()
    assert item.status == PublicationStatus.FIRST and _steps_of(item) == written

    client.force_login(users.reviewer)  # another reviewer may
    assert 'data-testid="review-form"' in client.get(item.get_absolute_url()).content.decode()
    post_review(client, item, "first", comment="同意")
    item.refresh_from_db()
    assert item.status == PublicationStatus.SECOND
    assert PUBLICATION_FLOW.history(item).last().actor == users.reviewer


def test_who_entered_a_publication_may_not_review_it_either(tree, users):
    # a reviewer typed the draft in for the clerk (created_by), the clerk signs it (author)
    item = make_item(tree.own, users.clerk)
    item.created_by = users.reviewer
    item.save(update_fields=["created_by"])
    publication_services.submit(item=item, user=users.clerk)
    assert PUBLICATION_FLOW.barred_actors(item, item.status) == {users.clerk.pk, users.reviewer.pk}
    with pytest.raises(WorkflowError, match="本事项由您起草"):
        publication_services.review(item=item, user=users.reviewer, step="first", approve=True)
    item.refresh_from_db()
    assert item.status == PublicationStatus.FIRST


def test_the_organizer_may_not_review_their_own_event(client, tree, users):
    organizer = make_user("u_clerk_leader", tree.own, "clerk", "leader")
    event = make_event(tree.own, organizer)
    event_services.submit(event=event, user=organizer)
    event.refresh_from_db()
    written = _steps_of(event)
    assert not organizer.notices.exists() and users.leader.notices.exists()
    assert EVENT_FLOW.available(event, organizer) == []
    client.force_login(organizer)
    detail = client.get(event.get_absolute_url()).content.decode()
    assert 'data-testid="decision-form"' not in detail
    for decision, comment in (("approve", ""), ("refuse", "自己不批")):
        page = post_decide(client, event, decision, comment).content.decode()
        assert "本事项由您填报，按职责分离，您不能办理「审核」。" in page
    event.refresh_from_db()
    assert (event.status, event.current_step) == (EventStatus.REVIEWING, 0)
    assert _steps_of(event) == written

    client.force_login(users.leader)  # another reviewer of the step may
    assert 'data-testid="decision-form"' in client.get(event.get_absolute_url()).content.decode()
    post_decide(client, event, comment="同意")
    event.refresh_from_db()
    assert (event.status, event.current_step) == (EventStatus.REVIEWING, 1)
    assert EVENT_FLOW.history(event).last().actor == users.leader
