"""The one rule of every evidence write (issue 13 items 4 and 5).

* A record in a final state of its workflow (采纳, 销号, 发布 …) keeps its evidence: no
  upload, link, new version or delete, whoever asks, with a Chinese message.
* Evidence is written only by the owner record's own unit (in the user's data scope): the
  issuing side reads a recipient's submission, it never writes into it.
"""

import pytest
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from luoshi.core.workflow import WorkflowError
from luoshi.evidence import services as evidence_services
from luoshi.evidence.models import Evidence
from luoshi.inspections import services as inspection_services
from luoshi.tasks import services as task_services
from tests.factories import pdf_upload
from tests.inspections_support import add_item, child_clerk, make_plan
from tests.tasks_support import issue, task_world

# Evidence owners that are never final, with the reason (anything else must declare it).
NEVER_FINAL = {
    "ledger.ledgerrecord": "台账记录没有审批环节",
    "tasks.task": "任务本身没有终态；各单位的办理（TaskAssignment）采纳后冻结",
    "duty.dutyitem": "责任项在签署后的全年里登记落实情况与佐证",
    "risks.analysismeeting": "研判会议记录没有审批环节",
}


def _writes(client, owner, evidence):
    """Every evidence write on ``owner``: upload, link, new version, delete."""
    content_type = ContentType.objects.get_for_model(type(owner)).pk
    return [
        client.post(
            reverse("evidence:upload", args=[content_type, owner.pk]),
            {"files": [pdf_upload("补充.pdf")]},
        ),
        client.post(
            reverse("evidence:add_link", args=[content_type, owner.pk]),
            {"title": "报道", "url": "https://example.com/a"},
        ),
        client.post(
            reverse("evidence:replace", args=[evidence.pk]),
            {"file": pdf_upload("换.pdf")},
        ),
        client.post(reverse("evidence:delete", args=[evidence.pk])),
    ]


def _assert_frozen(client, owner, user, state):
    evidence = Evidence.objects.get(object_id=owner.pk, is_current=True)
    before = list(Evidence.objects.order_by("pk").values_list("pk", "sha256", "is_current"))
    client.force_login(user)
    for response in _writes(client, owner, evidence):
        assert response.status_code == 302  # back to the record, with the message
        page = client.get(response.url).content.decode()
        assert f"该记录已处于「{state}」状态，佐证材料已冻结" in page
    after = list(Evidence.objects.order_by("pk").values_list("pk", "sha256", "is_current"))
    assert after == before


def test_evidence_of_a_closed_rectification_is_frozen(client, tree, users):
    clerk = child_clerk(tree)
    setup = make_plan(tree, users)
    item = add_item(setup, users, clerk)
    inspection_services.submit(item=item, user=clerk, response="已整改", files=[pdf_upload()])
    inspection_services.close(item=item, user=users.inspector)
    _assert_frozen(client, item, clerk, "已销号")
    # the service refuses too, whoever calls it
    with pytest.raises(WorkflowError, match="已冻结"):
        evidence_services.attach_file(owner=item, uploaded=pdf_upload(), user=clerk)


def test_evidence_of_an_accepted_submission_is_frozen(client, tree, users):
    world = task_world(tree, users)
    task = issue(world, units=[world.news])
    assignment = task.assignments.get(unit=world.news)
    task_services.submit(
        assignment=assignment, user=world.news_clerk, response="已学习", files=[pdf_upload()]
    )
    task_services.accept(assignment=assignment, user=world.issuer)
    _assert_frozen(client, assignment, world.news_clerk, "已采纳")


def test_the_issuer_reads_but_never_writes_a_recipients_evidence(client, tree, users):
    """The issuing unit's 录入员 sees the submission (and downloads its files) but gets 403
    on every write, and nothing is written."""
    world = task_world(tree, users)
    task = issue(world, units=[world.news])
    assignment = task.assignments.get(unit=world.news)
    task_services.submit(
        assignment=assignment, user=world.news_clerk, response="已学习", files=[pdf_upload()]
    )
    evidence = Evidence.objects.get(object_id=assignment.pk, content_type__model="taskassignment")
    before = list(Evidence.objects.order_by("pk").values_list("pk", "sha256", "is_current"))
    client.force_login(users.clerk)  # 宣传部 (the issuer) 录入员
    assert client.get(assignment.get_absolute_url()).status_code == 200
    assert client.get(reverse("evidence:download", args=[evidence.pk])).status_code == 200
    for response in _writes(client, assignment, evidence):
        assert response.status_code == 403
    assert client.get(reverse("evidence:replace", args=[evidence.pk])).status_code == 403
    after = list(Evidence.objects.order_by("pk").values_list("pk", "sha256", "is_current"))
    assert after == before
    # and the service says the same to a caller that is not a page
    with pytest.raises(PermissionDenied, match="本单位"):
        evidence_services.attach_file(owner=assignment, uploaded=pdf_upload(), user=users.clerk)


def test_every_evidence_owner_declares_when_it_is_final():
    """A new module's evidence owner must say which states make it final (its workflow's
    ``frozen``), or which record it is final with (``frozen_with``), or be listed here."""
    from django.apps import apps

    from luoshi.core.workflow import workflows_of

    undeclared = []
    for model in apps.get_models():
        owns = any(
            isinstance(f, GenericRelation) and f.related_model is Evidence
            for f in model._meta.private_fields
        )
        if not owns:
            continue
        label = model._meta.label_lower
        declared = any(w.frozen for w in workflows_of(model)) or hasattr(model, "frozen_with")
        if not declared and label not in NEVER_FINAL:
            undeclared.append(label)
    assert undeclared == []


def test_a_final_parent_freezes_the_records_that_belong_to_it(tree, users):
    from luoshi.core.workflow import frozen_label

    setup = make_plan(tree, users)
    assert frozen_label(setup.result) is None
    type(setup.plan).objects.filter(pk=setup.plan.pk).update(status="completed")
    setup.result.plan.refresh_from_db()
    assert frozen_label(setup.result) == "已完成"
