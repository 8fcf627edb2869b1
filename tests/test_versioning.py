"""Optimistic versioning on edit pages: a stale form never overwrites a newer save."""

import inspect
import re

import pytest
from django.forms.formsets import BaseFormSet
from django.urls import reverse

from luoshi.ledger.models import LedgerRecord
from tests.factories import LedgerRecordFactory


def form_data(record, **changes):
    data = {
        "unit": record.unit_id,
        "activity_type": record.activity_type_id,
        "date": record.date.isoformat(),
        "title": record.title,
        "expected_participants": 12,
        "actual_participants": 11,
        "audience_count": 0,
        "location": record.location,
        "summary": record.summary,
        "outcome": record.outcome,
        "tags": "",
    }
    return {**data, **changes}


def test_edit_page_carries_the_version(client, users, tree):
    record = LedgerRecordFactory(unit=tree.own, created_by=users.clerk)
    client.force_login(users.clerk)
    html = client.get(reverse("ledger:update", args=[record.pk])).content.decode()
    assert re.search(r'<input type="hidden" name="version" value="0"', html)


def test_second_of_two_stale_forms_is_refused(client, users, tree):
    record = LedgerRecordFactory(unit=tree.own, created_by=users.clerk, title="原标题")
    client.force_login(users.clerk)
    url = reverse("ledger:update", args=[record.pk])
    history = record.history.count()

    first = client.post(url, form_data(record, title="甲的修改", version=0))
    assert first.status_code == 302
    second = client.post(url, form_data(record, title="乙的修改", version=0))  # loaded before
    assert second.status_code == 200
    assert "该记录已被他人修改，请刷新后重试" in second.content.decode()

    record = LedgerRecord.objects.get(pk=record.pk)
    assert record.title == "甲的修改"
    assert record.version == 1
    assert record.history.count() == history + 1

    third = client.post(url, form_data(record, title="乙刷新后的修改", version=1))
    assert third.status_code == 302
    assert LedgerRecord.objects.get(pk=record.pk).title == "乙刷新后的修改"


# --- every edit page of every model (issue 13 item 10) ------------------------------------

# Edit pages outside the mechanism, with the reason.
NOT_VERSIONED = {
    "ProfileView": "one's own profile: only the same person in two tabs could collide",
}


def _edit_views():
    from django.urls import get_resolver
    from django.views.generic.edit import BaseUpdateView

    from luoshi.core.concurrency import OptimisticEditMixin

    found = []

    def walk(resolver):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern)
                continue
            view = getattr(pattern.callback, "view_class", None)
            if view and issubclass(view, BaseUpdateView | OptimisticEditMixin):
                found.append(view)

    walk(get_resolver())
    return found


def test_every_edit_page_checks_the_version_of_a_versioned_model():
    from luoshi.core.concurrency import OptimisticEditMixin, is_versioned

    views = _edit_views()
    assert len(views) > 15
    missing = [
        v.__name__
        for v in views
        if v.__name__ not in NOT_VERSIONED
        and not (issubclass(v, OptimisticEditMixin) and is_versioned(v.model))
    ]
    assert missing == []


# Edit pages whose own form_valid saves without the version check, with the reason.
SAVED_WITHOUT_THE_CHECK = {
    "UserPasswordResetView": "sets a new password: the last reset wins, nothing else is written",
}


def test_no_edit_page_saves_around_the_version_check():
    """The check runs in ``OptimisticEditMixin.form_valid``: a ``form_valid`` earlier in a
    view's MRO that saves without ``super().form_valid`` skips it (the 备案 and 手工评分 pages
    did: a stale form overwrote another person's change)."""
    from luoshi.core.concurrency import OptimisticEditMixin

    around = []
    for view in _edit_views():
        if not issubclass(view, OptimisticEditMixin) or view.__name__ in SAVED_WITHOUT_THE_CHECK:
            continue
        for base in view.__mro__[: view.__mro__.index(OptimisticEditMixin)]:
            method = vars(base).get("form_valid")
            if method and "super().form_valid" not in inspect.getsource(method):
                around.append(f"{view.__name__}: {base.__qualname__}.form_valid")
    assert around == []


def _form_data(response):
    """What the edit page would post unchanged (values as its widgets render them): its form
    and any inline formset of the page (a 备案's speakers)."""
    data = _fields(response.context["form"])
    for name in response.context.keys():  # noqa: SIM118 (a ContextList iterates its Contexts)
        if isinstance(value := response.context[name], BaseFormSet):
            data.update(_fields(value.management_form))
            for form in value:
                data.update(_fields(form))
    return data


def _fields(form) -> dict:
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif value is True:
            data[bound.html_name] = "on"
        else:
            data[bound.html_name] = bound.field.widget.format_value(value) or ""
    return data


def _incident(tree, users):
    from django.utils import timezone

    from luoshi.incidents.models import Incident, Platform

    return Incident.objects.create(
        unit=tree.own,
        responsible_unit=tree.own,
        created_by=users.admin,
        title="原标题",
        discovered_at=timezone.now(),
        platform=Platform.objects.first(),
        summary="概要",
    )


def _risk(tree, users):
    from luoshi.risks.models import RiskArea, RiskLevel, RiskPoint

    return RiskPoint.objects.create(
        unit=tree.own,
        created_by=users.admin,
        area=RiskArea.objects.first(),
        level=RiskLevel.objects.first(),
        description="原标题",
        measures="措施",
        owner=users.admin,
    )


def _event(tree, users):
    from tests.test_events import make_event

    return make_event(tree.own, users.admin, topic="原标题")


def _chain(tree, users):
    from luoshi.events.models import ReviewChain, ReviewChainStep

    chain = ReviewChain.objects.create(unit=tree.own, name="原标题")
    role = users.leader.roles.get()
    ReviewChainStep.objects.create(chain=chain, order=1, label="分管领导审批", role=role)
    return chain


@pytest.mark.parametrize(
    "make, url_name, field",
    [
        (_incident, "incidents:update", "title"),
        (_risk, "risks:update", "description"),
        (_event, "events:update", "topic"),  # a page with an inline formset (speakers)
        (_chain, "events:chain_update", "name"),  # and its steps
    ],
    ids=["incident", "risk", "event", "review-chain"],
)
def test_a_stale_edit_form_never_overwrites_another_users_change(
    client, tree, users, make, url_name, field
):
    """Two people open the same edit page; the second save is refused with the Chinese
    message, their input stays on the form, the first change is kept."""
    record = make(tree, users)
    url = reverse(url_name, args=[record.pk])
    client.force_login(users.admin)
    loaded = _form_data(client.get(url))  # both open the page now
    first = client.post(url, {**loaded, field: "甲的修改"})
    assert first.status_code == 302, first.context and first.context["form"].errors
    second = client.post(url, {**loaded, field: "乙的修改"})
    assert second.status_code == 200
    page = second.content.decode()
    assert "该记录已被他人修改" in page and "乙的修改" in page  # input kept
    record.refresh_from_db()
    assert getattr(record, field) == "甲的修改"
    # saving again on purpose, after seeing the message, is taken
    again = client.post(url, _form_data(second))
    assert again.status_code == 302
    record.refresh_from_db()
    assert getattr(record, field) == "乙的修改"
