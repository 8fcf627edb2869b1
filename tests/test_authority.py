"""业务指导范围: the 区委宣传部 directs units that are not below it, along business lines.

It issues a task to a 街道 and reviews its submission; it never edits the 街道's own
records; removing the authority removes the access; units outside stay 404.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.accounts.models import Role
from luoshi.audit.models import OperationLog
from luoshi.core.authority import BusinessLine, Guidance
from luoshi.core.scope import in_write_scope
from luoshi.inspections.forms import PlanForm
from luoshi.risks.forms import CampaignForm
from luoshi.tasks.models import AssignmentStatus, Task, TaskAssignment
from tests.factories import LedgerRecordFactory, make_unit, make_user, pdf_upload


@pytest.fixture
def world(tree, users):
    street = make_unit("城关街道", "T3", parent=tree.root, type_code="street")
    community = make_unit("文昌社区", "T31", parent=street, type_code="village")
    outside = make_unit("区人武部", "T4", parent=tree.root)
    street.refresh_from_db()
    guidance = Guidance.objects.create(unit=tree.own, capacity="区委意识形态工作领导小组办公室")
    guidance.lines.set(BusinessLine.objects.filter(code__in=["tasks", "risks"]))
    guidance.units.set([street])
    return SimpleNamespace(
        tree=tree,
        users=users,
        street=street,
        community=community,
        outside=outside,
        guidance=guidance,
        issuer=users.unit_admin,
        street_clerk=make_user("u_street_clerk", street, "clerk"),
        outside_clerk=make_user("u_outside_clerk", outside, "clerk"),
    )


def _issue(client, world, units, title="报送意识形态工作责任制落实情况"):
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    return client.post(
        reverse("tasks:task_create"),
        {
            "unit": world.tree.own.pk,
            "title": title,
            "requirements": "请各乡镇街道报送上半年落实情况。",
            "deadline": deadline.isoformat(),
            "recipient_units": [u.pk for u in units],
        },
        follow=True,
    )


def _issued_to_street(client, world) -> TaskAssignment:
    client.force_login(world.issuer)
    response = _issue(client, world, [world.street])
    assert response.status_code == 200
    task = Task.objects.get(title="报送意识形态工作责任制落实情况")
    return task.assignments.get()


def test_the_publicity_department_issues_to_a_street_it_directs_and_reviews(client, world):
    client.force_login(world.issuer)
    page = client.get(reverse("tasks:task_create"))
    choices = set(page.context["form"].fields["recipient_units"].queryset)
    assert {world.street, world.community} <= choices  # directed, with subordinates
    assert world.outside not in choices and world.tree.sibling not in choices
    assignment = _issued_to_street(client, world)
    assert assignment.unit == world.street

    client.force_login(world.street_clerk)
    client.post(
        reverse("tasks:submit", args=[assignment.pk]),
        {"submit-response": "已召开专题会议研究部署", "submit-files": [pdf_upload()]},
    )
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED

    client.force_login(world.issuer)
    detail = client.get(reverse("tasks:assignment_detail", args=[assignment.pk]))
    assert detail.status_code == 200 and detail.context["can_review"]
    client.post(reverse("tasks:accept", args=[assignment.pk]), {"comment": "内容完整"})
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED


def test_directing_is_not_editing_the_street_s_own_ledger(client, world):
    record = LedgerRecordFactory(unit=world.street, created_by=world.street_clerk)
    assert not in_write_scope(world.issuer, record)
    for user in (world.issuer, world.users.clerk):
        client.force_login(user)
        assert client.get(reverse("ledger:update", args=[record.pk])).status_code == 404
        assert client.get(reverse("ledger:detail", args=[record.pk])).status_code == 404
        response = client.post(reverse("ledger:delete", args=[record.pk]))
        assert response.status_code == 404


def test_removing_the_authority_removes_the_access(client, world):
    assignment = _issued_to_street(client, world)
    assert client.get(reverse("tasks:assignment_detail", args=[assignment.pk])).status_code == 200
    world.guidance.delete()

    assert client.get(reverse("tasks:assignment_detail", args=[assignment.pk])).status_code == 404
    assert client.post(reverse("tasks:accept", args=[assignment.pk])).status_code == 404
    page = client.get(reverse("tasks:task_create"))
    assert world.street not in set(page.context["form"].fields["recipient_units"].queryset)
    response = _issue(client, world, [world.street], title="第二次下发")
    assert not Task.objects.filter(title="第二次下发").exists()
    assert "不在其中" in response.content.decode() or "有效" in response.content.decode()


def test_units_outside_the_authority_stay_404(client, world):
    client.force_login(world.outside_clerk)
    task = Task.objects.create(
        unit=world.outside,
        title="人武部的任务",
        requirements="…",
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    own = TaskAssignment.objects.create(task=task, unit=world.outside)
    client.force_login(world.issuer)
    assert client.get(reverse("tasks:assignment_detail", args=[own.pk])).status_code == 404
    assert client.get(reverse("tasks:task_detail", args=[task.pk])).status_code == 404
    response = _issue(client, world, [world.outside], title="越权下发")
    assert not Task.objects.filter(title="越权下发").exists()
    assert response.status_code == 200


def test_authority_follows_the_line_and_the_role(client, world):
    world.guidance.lines.set(BusinessLine.objects.filter(code="risks"))  # not tasks
    client.force_login(world.issuer)
    page = client.get(reverse("tasks:task_create"))
    assert world.street not in set(page.context["form"].fields["recipient_units"].queryset)

    world.guidance.lines.set(BusinessLine.objects.filter(code="tasks"))
    world.guidance.role = Role.objects.get(code="reviewer")
    world.guidance.save()
    page = client.get(reverse("tasks:task_create"))  # the unit_admin does not hold it
    assert world.street not in set(page.context["form"].fields["recipient_units"].queryset)
    world.issuer.groups.add(world.guidance.role)
    page = client.get(reverse("tasks:task_create"))
    assert world.street in set(page.context["form"].fields["recipient_units"].queryset)


def test_the_administrator_manages_it_on_a_logged_page(client, world):
    client.force_login(world.users.unit_admin)
    assert client.get(reverse("units:guidance")).status_code == 403
    client.force_login(world.users.admin)
    page = client.get(reverse("units:guidance"))
    assert page.status_code == 200 and "城关街道" in page.content.decode()
    lines = BusinessLine.objects.filter(code="inspections")
    response = client.post(
        reverse("units:guidance_create"),
        {
            "unit": world.tree.sibling.pk,
            "capacity": "区教育工作领导小组办公室",
            "lines": [line.pk for line in lines],
            "units": [world.street.pk],
            "with_subordinates": "on",
        },
    )
    assert response.status_code == 302
    created = Guidance.objects.get(unit=world.tree.sibling)
    assert list(created.units.all()) == [world.street]
    entry = OperationLog.objects.filter(model_label="core.guidance", object_id=str(created.pk))
    assert entry.exists()

    refused = client.post(
        reverse("units:guidance_create"),
        {"unit": world.street.pk, "lines": [lines[0].pk], "units": [world.street.pk]},
    )
    assert "被指导单位不能包含指导单位本身" in refused.content.decode()
    client.post(reverse("units:guidance_delete", args=[created.pk]))
    assert not Guidance.objects.filter(pk=created.pk).exists()
    assert OperationLog.objects.filter(
        model_label="core.guidance", object_id=str(created.pk), action="-"
    ).exists()


def test_campaigns_and_inspections_follow_their_own_lines(world):
    roots = CampaignForm(user=world.issuer).fields["subtree_root"].queryset
    assert world.street in roots  # the world's guidance has the risks line
    inspected = PlanForm(user=world.issuer).fields["inspected_units"].queryset
    assert world.street not in inspected  # but not the inspections line
    world.guidance.lines.add(BusinessLine.objects.get(code="inspections"))
    issuer = type(world.issuer).objects.get(pk=world.issuer.pk)  # a new request
    assert world.street in PlanForm(user=issuer).fields["inspected_units"].queryset
    assert world.outside not in PlanForm(user=issuer).fields["inspected_units"].queryset
