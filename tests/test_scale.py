"""generate_scale builds a consistent data set, and list pages cost a fixed number of
queries whatever their page size (the budget is ≤ 10, issue 8)."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from luoshi.accounts.models import User
from luoshi.demo.scale import BENCH_PASSWORD, ScalePlan, generate, level_sizes
from luoshi.evidence.models import Evidence
from luoshi.ledger.models import LedgerRecord
from luoshi.tasks.models import Task, TaskAssignment
from luoshi.units.models import Unit

QUERY_BUDGET = 10
# Pages whose filter offers a picker read from the database: one query more for its choices.
PICKER_QUERIES = {"tasks:assignments": 1}  # 报送计划, picked by name


@pytest.fixture(scope="module")
def _scale_once(django_db_setup, django_db_blocker):
    """The generated data set, once for the module, in a transaction rolled back after it
    (each test runs in a savepoint inside it: nothing a test writes reaches the next)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate(ScalePlan(units=120, records=3000, recipients=400), log=lambda *_: None)
        transaction.set_rollback(True)


@pytest.fixture
def scale(_scale_once, db):
    return _scale_once


def test_level_sizes_make_five_levels_of_the_requested_total():
    sizes = level_sizes(20_000)
    assert len(sizes) == 5 and sum(sizes) == 20_000
    assert sizes[0] == 1 and sizes[1] < sizes[2] < sizes[3] < sizes[4]
    assert 250 <= 20_000 / sizes[1] <= 350  # a level-2 unit heads about 300 units


def test_generated_tree_is_a_valid_five_level_tree(scale):
    root = Unit.objects.get(pk=scale["root"])
    subtree = Unit.objects.filter(path__startswith=root.path)
    assert subtree.count() == 120
    assert sorted(set(subtree.values_list("depth", flat=True))) == [1, 2, 3, 4, 5]
    assert all(not problems for problems in Unit.objects.find_problems())
    # numchild agrees with the children actually present
    for unit in subtree.filter(depth__lte=3):
        assert (
            unit.numchild
            == Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).count()
        )


def test_generated_records_reference_consistent_rows(scale):
    counts = scale["counts"]
    assert LedgerRecord.objects.count() == counts["ledger"] == 3000
    assert Evidence.objects.count() == counts["evidence"] == 600
    # evidence is on a ledger record of the same unit
    evidence = Evidence.objects.select_related("content_type").first()
    record = LedgerRecord.objects.get(pk=evidence.object_id)
    assert evidence.unit_id == record.unit_id
    assert TaskAssignment.objects.count() == counts["task_recipients"]
    assert counts["task_recipients"] >= 360  # ≈ the 400 asked for (small subtrees cap it)
    big = Task.objects.get(pk=scale["big_task"])
    assert big.assignments.count() == 20  # the large issue: 5 % of the recipients
    # every recipient is below the issuing unit
    for a in TaskAssignment.objects.select_related("unit", "task__unit")[:200]:
        assert a.unit.path.startswith(a.task.unit.path) and a.unit_id != a.task.unit_id
    # new rows get fresh ids from the sequences afterwards
    assert LedgerRecord.objects.create(
        unit_id=record.unit_id, activity_type_id=record.activity_type_id, date=record.date
    ).pk > max(LedgerRecord.objects.exclude(title="").values_list("pk", flat=True))


def test_bench_accounts_log_in_and_see_their_subtree(client, scale):
    user = User.objects.get(username=f"{scale['tag'].lower()}_mid")
    assert user.check_password(BENCH_PASSWORD)
    client.force_login(user)
    response = client.get(reverse("ledger:list"))
    assert response.status_code == 200
    mid = Unit.objects.get(pk=scale["mid_unit"])
    visible = LedgerRecord.objects.for_user(User.objects.get(pk=scale["users"]["s1_mid"]))
    assert visible.count() == LedgerRecord.objects.filter(unit__path__startswith=mid.path).count()
    assert response.context["paginator"].count == visible.count()


def test_command_writes_a_summary(tmp_path, db):
    out = tmp_path / "summary.json"
    call_command("generate_scale", units=40, records=200, json=str(out), stdout=io.StringIO())
    summary = json.loads(out.read_text())
    assert summary["counts"]["units"] == 40 and summary["counts"]["ledger"] == 200


LIST_PAGES = [
    "ledger:list",
    "tasks:task_list",
    "tasks:inbox",
    "tasks:assignments",
    "risks:list",
    "inspections:plans",
    "events:list",
    "publications:list",
    "incidents:list",
    "channels:list",
]


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    statements = [q["sql"] for q in ctx.captured_queries]
    # Transaction control (BEGIN/COMMIT/SAVEPOINT) is not a query; the session read and
    # refresh go to Redis in production (REDIS_URL, see test_deploy.py), not the database.
    return [
        s
        for s in statements
        if not s.upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))
        and "django_session" not in s
    ]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_page_query_count_is_fixed_and_within_budget(
    client, settings, scale, name, monkeypatch
):
    client.force_login(User.objects.get(username=f"{scale['tag'].lower()}_root"))
    url = reverse(name)
    view = resolve(url).func.view_class
    counts, rows, total = {}, {}, 0
    for size in (5, 50):
        monkeypatch.setattr(view, "paginate_by", size)
        client.get(url)  # warm per-process caches (content types)
        queries = _queries(client, url)
        counts[size] = len(queries)
        context = client.get(url).context
        rows[size], total = len(context["object_list"]), context["paginator"].count
    assert counts[5] == counts[50], (name, counts)
    assert counts[50] <= QUERY_BUDGET + PICKER_QUERIES.get(name, 0), (name, counts[50])
    assert rows == {5: min(5, total), 50: min(50, total)}  # the page really grew
    if name in {"ledger:list", "risks:list", "events:list", "publications:list"}:
        assert total > 50


def test_list_count_is_capped_and_said_so(client, settings, scale):
    settings.LIST_COUNT_CAP = 100
    client.force_login(User.objects.get(username=f"{scale['tag'].lower()}_root"))
    # counted from the rows (one date only is no metric's filter): up to the cap
    response = client.get(reverse("ledger:list") + "?date_from=2000-01-01")
    paginator = response.context["paginator"]
    assert paginator.count == 100 and paginator.capped
    assert "超过 100 条" in response.content.decode()
    # the whole scope, every date: the metric layer's exact count (rollups), not capped
    paginator = client.get(reverse("ledger:list")).context["paginator"]
    assert paginator.count == LedgerRecord.objects.count() > 100 and not paginator.capped
    # below the cap the count is exact and not flagged
    mid = Unit.objects.get(pk=scale["mid_unit"])
    exact = LedgerRecord.objects.filter(unit__path__startswith=mid.path, date__year=2025).count()
    settings.LIST_COUNT_CAP = 100_000
    response = client.get(reverse("ledger:list") + f"?unit={mid.pk}&year=2025")
    assert response.context["paginator"].count == exact
    assert not response.context["paginator"].capped


def test_deep_page_holds_the_same_rows_as_plain_offset_pagination(client, scale):
    client.force_login(User.objects.get(username=f"{scale['tag'].lower()}_root"))
    response = client.get(reverse("ledger:list") + "?page=7")
    shown = [r.pk for r in response.context["object_list"]]
    expected = list(LedgerRecord.objects.order_by("-date", "-id").values_list("pk", flat=True))
    assert shown == expected[120:140]
