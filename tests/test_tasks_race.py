"""THE RACE: two reviewers accept the same submission at the same moment, on PostgreSQL.

Each thread has its own database connection and its own copy of the row (both read
"已提交"); a barrier releases them together. The workflow's conditional UPDATE lets
exactly one win; the other gets a clear WorkflowError and nothing is recorded twice.
"""

import threading

import pytest
from django.db import connection, connections

from luoshi.core.workflow import WorkflowError, WorkflowStep
from luoshi.notices.models import Notice
from luoshi.tasks import services
from luoshi.tasks.models import AssignmentStatus, TaskAssignment
from tests.factories import make_user
from tests.tasks_support import issue, task_world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite's test database cannot serve two writers at once",
)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_exactly_one_wins(transactional_db, tree, users):
    world = task_world(tree, users)
    second_reviewer = make_user("u_unit_admin_2", tree.own, "unit_admin")
    task = issue(world, evidence_required=False)
    assignment = TaskAssignment.objects.get(task=task, unit=world.news)
    services.submit(assignment=assignment, user=world.news_clerk, response="已完成")

    barrier = threading.Barrier(2, timeout=10)
    outcomes, errors = [], []

    def accept(user):
        try:
            mine = TaskAssignment.objects.select_related("task", "unit").get(pk=assignment.pk)
            assert mine.status == AssignmentStatus.SUBMITTED
            barrier.wait()
            services.accept(assignment=mine, user=user)
            outcomes.append(("ok", user.username))
        except WorkflowError as error:
            outcomes.append(("refused", str(error)))
        except Exception as error:  # surfaced below instead of dying silently in a thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(u,)) for u in (world.issuer, second_reviewer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(kind for kind, _detail in outcomes) == ["ok", "refused"]
    refusal = next(detail for kind, detail in outcomes if kind == "refused")
    assert "该事项已被他人处理" in refusal or "当前状态为「已采纳」" in refusal
    assert WorkflowStep.objects.filter(object_id=assignment.pk, transition="accept").count() == 1
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED
    assert Notice.objects.filter(kind=Notice.Kind.ACCEPTED).count() == 1
