"""Races on PostgreSQL: 50 clients take the same workflow step or edit the same record at
the same moment. Exactly one wins, the 49 others get a clear Chinese message, and the
history holds exactly one entry per successful change (no lost update).

Each thread has its own database connection; a barrier releases them together.
"""

import threading

import pytest
from django.db import connection, connections, transaction

from luoshi.core.concurrency import StaleEdit, claim_version
from luoshi.core.workflow import WorkflowError, WorkflowStep
from luoshi.ledger.models import LedgerRecord
from luoshi.tasks import services
from luoshi.tasks.models import AssignmentStatus, TaskAssignment
from tests.factories import LedgerRecordFactory, make_user
from tests.tasks_support import issue, task_world

CLIENTS = 50

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite's test database cannot serve concurrent writers",
)


def race(worker, count=CLIENTS):
    """Run ``worker(i)`` in ``count`` threads released together; return outcomes."""
    barrier = threading.Barrier(count, timeout=60)
    outcomes, errors = [], []
    lock = threading.Lock()

    def run(index):
        try:
            prepared = worker.prepare(index)
            barrier.wait()
            result = worker.act(index, prepared)
            with lock:
                outcomes.append(result)
        except Exception as error:  # surfaced below instead of dying silently in a thread
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:3]
    assert len(outcomes) == count
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_fifty_reviewers_accept_the_same_submission(transactional_db, tree, users):
    world = task_world(tree, users)
    reviewers = [world.issuer] + [
        make_user(f"race_reviewer_{i}", tree.own, "unit_admin") for i in range(CLIENTS - 1)
    ]
    task = issue(world, evidence_required=False)
    assignment = TaskAssignment.objects.get(task=task, unit=world.news)
    services.submit(assignment=assignment, user=world.news_clerk, response="已完成")

    class Accept:
        def prepare(self, i):
            mine = TaskAssignment.objects.select_related("task", "unit").get(pk=assignment.pk)
            assert mine.status == AssignmentStatus.SUBMITTED
            return mine

        def act(self, i, mine):
            try:
                services.accept(assignment=mine, user=reviewers[i])
                return ("ok", "")
            except WorkflowError as error:
                return ("refused", str(error))

    outcomes = race(Accept())
    assert sum(kind == "ok" for kind, _ in outcomes) == 1
    refusals = [message for kind, message in outcomes if kind == "refused"]
    assert len(refusals) == CLIENTS - 1
    assert all("该事项已被他人处理" in m or "当前状态为「已采纳」" in m for m in refusals)
    assert WorkflowStep.objects.filter(object_id=assignment.pk, transition="accept").count() == 1
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED


@pytest.mark.django_db(transaction=True)
def test_fifty_clients_edit_the_same_ledger_record(transactional_db, tree, users):
    record = LedgerRecordFactory(unit=tree.own, created_by=users.clerk, title="原标题")
    history_before = record.history.count()

    class Edit:
        def prepare(self, i):
            return LedgerRecord.objects.get(pk=record.pk)  # every client read version 0

        def act(self, i, mine):
            try:
                with transaction.atomic():
                    claim_version(mine, mine.version)
                    mine.title = f"客户端{i}的标题"
                    mine.save()
                return ("ok", mine.title)
            except StaleEdit as error:
                return ("refused", str(error))

    outcomes = race(Edit())
    winners = [title for kind, title in outcomes if kind == "ok"]
    assert len(winners) == 1
    assert [m for kind, m in outcomes if kind == "refused"] == [
        "该记录已被他人修改，请刷新后重试"
    ] * (CLIENTS - 1)
    record.refresh_from_db()
    assert record.title == winners[0]  # the winner's edit is the one kept, not overwritten
    assert record.version == 1
    assert record.history.count() == history_before + 1  # one history entry per success
