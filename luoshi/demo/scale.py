"""Synthetic data at scale, for benchmarks (``manage.py generate_scale``).

Builds one new root unit with a five-level tree under it, users in every unit, and
records in every module in realistic proportions, inserted in bulk: PostgreSQL gets
``COPY ... FROM STDIN`` (psycopg 3), SQLite a prepared ``executemany``. Ids are
generated here (current maximum + 1, sequences reset afterwards), so rows of
different tables can reference each other without reading anything back.

Generated rows carry no simple-history rows and no operation log: they are
benchmark data, not the history of real work. Evidence rows carry file metadata
(name, size, SHA-256) but no stored file.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from luoshi.accounts.models import Role, User
from luoshi.core import rollups
from luoshi.core.defaults import ensure_defaults
from luoshi.events.models import EventFiling
from luoshi.evidence.models import Evidence
from luoshi.inspections.models import Finding, InspectionPlan, InspectionResult
from luoshi.ledger.models import ActivityType, LedgerRecord
from luoshi.ledger.selectors import evidence_present
from luoshi.publications.models import Publication
from luoshi.risks.models import RiskArea, RiskLevel, RiskPoint
from luoshi.tasks.models import Task, TaskAssignment
from luoshi.units.models import Unit, UnitType

BENCH_PASSWORD = "Luoshi@2026bench"  # noqa: S105 - synthetic benchmark accounts only

PROPORTIONS = {
    "users": 5.0,  # per unit
    "evidence": 0.2,  # per ledger record
    "recipients": 0.04,  # task recipients per ledger record
    "publications": 2.0,  # per unit
    "events": 1.0,
    "risks": 1.0,
    "findings": 0.5,
}

TITLES = [
    "党委理论学习中心组专题学习",
    "意识形态工作专题会议",
    "学习贯彻党的创新理论宣讲",
    "网络意识形态工作培训",
    "主题党日活动",
    "新时代文明实践志愿服务",
    "社会主义核心价值观宣传",
    "意识形态领域风险研判",
]
PLACES = ["会议室", "党员活动室", "新时代文明实践站", "报告厅", "线上"]
ASSIGNMENT_STATUSES = ["pending", "submitted", "accepted", "accepted", "returned"]


@dataclass
class ScalePlan:
    units: int = 2000
    records: int = 500_000
    users: int | None = None
    evidence: int | None = None
    recipients: int | None = None
    years: tuple[int, ...] = (2024, 2025, 2026)
    seed: int = 2026
    counts: dict = field(default_factory=dict)

    def amount(self, name: str) -> int:
        explicit = getattr(self, name, None)
        if explicit is not None:
            return explicit
        base = self.records if name in ("evidence", "recipients") else self.units
        return max(1, int(base * PROPORTIONS[name]))


class BulkWriter:
    """Insert rows into a model's table as fast as the backend allows.

    A row is a dict keyed by model field name (``"unit"`` for a foreign key's id). The
    columns come from the model (``_meta.concrete_fields``): a field the row leaves out gets
    ``now`` when it is an ``auto_now``/``auto_now_add`` date, else the field's own default
    (``""`` for text, ``None`` where null is allowed), so a column added to a model never
    breaks the generator. The primary key is written only when the rows give it."""

    def __init__(self, log: Callable[..., object] = print):
        self.log = log
        self.is_pg = connection.vendor == "postgresql"
        self.now = timezone.now()

    def next_id(self, model: type[models.Model]) -> int:
        agg = model._base_manager.aggregate(m=models.Max("pk"))["m"]
        return (agg or 0) + 1

    def fields(
        self, model: type[models.Model], given: Iterable[str]
    ) -> list[tuple[str, str, object]]:
        """[(field name, column, value when the row has none)] of ``model``'s table."""
        given = set(given)
        result = []
        for f in model._meta.concrete_fields:
            if f.primary_key and f.name not in given:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                missing: object = self.now
            else:
                missing = f.get_db_prep_save(f.get_default(), connection)
            result.append((f.name, f.column, missing))
        return result

    def insert(self, model: type[models.Model], rows: Iterable[dict], batch: int = 50_000) -> int:
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return 0
        fields = self.fields(model, first)
        tuples = (
            tuple(row.get(name, missing) for name, _column, missing in fields)
            for row in itertools.chain([first], rows)
        )
        start = time.perf_counter()
        count = self._write(
            model._meta.db_table, [column for _n, column, _m in fields], tuples, batch
        )
        self.log(f"  {model._meta.db_table}: {count} rows in {time.perf_counter() - start:.1f} s")
        return count

    def _write(self, table: str, cols: list[str], rows: Iterable[tuple], batch: int) -> int:
        qn = connection.ops.quote_name
        names = ", ".join(qn(c) for c in cols)
        count = 0
        with connection.cursor() as cursor:
            if self.is_pg:
                with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
                    for row in rows:  # psycopg 3's COPY
                        copy.write_row(row)
                        count += 1
                return count
            sql = f"INSERT INTO {qn(table)} ({names}) VALUES ({', '.join(['%s'] * len(cols))})"
            for chunk in itertools.batched(rows, batch):
                cursor.executemany(sql, chunk)
                count += len(chunk)
        return count

    def reset_sequences(self, model_list: list[type[models.Model]]) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), model_list)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def level_sizes(n: int) -> list[int]:
    """Units per level (root, 2..5) for a five-level tree of ``n`` units: a level-2 unit
    heads about 300 units, a level-3 unit about 30."""
    sizes = [1]
    for fraction in (1 / 300, 1 / 30, 1 / 6):
        sizes.append(max(1, int(n * fraction)))
    sizes.append(max(1, n - sum(sizes)))
    return sizes


@dataclass
class Build:
    """What the steps of ``generate`` share: the plan, the writer, and the units and users
    made so far."""

    plan: ScalePlan
    w: BulkWriter
    rng: random.Random
    tag: str = ""
    root: Unit | None = None
    levels: list[list[tuple[int, str]]] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    first_user: int = 0
    first_unit_user: dict[int, int] = field(default_factory=dict)
    record_unit: list[int] = field(default_factory=list)
    first_record: int = 0
    first_task: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def now(self) -> datetime.datetime:
        return self.w.now

    @property
    def root_pk(self) -> int:
        assert self.root is not None  # made by the first step
        return self.root.pk

    @property
    def unit_ids(self) -> list[int]:
        return [u[0] for level in self.levels for u in level]

    def owned(self, unit_id: int) -> dict:
        """The unit and creator columns of a record of ``unit_id``."""
        return {"unit": unit_id, "created_by": self.first_unit_user.get(unit_id)}

    def step(self, name: str, build: Callable[[Build], object]) -> None:
        t0 = time.perf_counter()
        build(self)
        self.timings[name] = round(time.perf_counter() - t0, 1)


def _unit_rows(b: Build, first_id: int) -> list[dict]:
    """The rows of the four levels below the root (treebeard's materialised path)."""
    unit_types = list(UnitType.objects.order_by("order").values_list("pk", flat=True))
    rows: list[dict] = []
    numchild: dict[int, int] = {b.root_pk: 0}
    uid = first_id
    for depth, size in enumerate(b.sizes[1:], start=2):
        parents, level = b.levels[-1], []
        for i in range(size):
            parent_id, parent_path = parents[i % len(parents)]
            numchild[parent_id] = k = numchild.get(parent_id, 0) + 1
            path = parent_path + Unit._int2str(k).rjust(Unit.steplen, "0")
            numchild[uid] = 0
            level.append((uid, path))
            rows.append(
                {
                    "id": uid,
                    "path": path,
                    "depth": depth,
                    "name": f"第{depth}级单位{uid}",
                    "short_name": f"单位{uid}",
                    "code": f"{b.tag}-{uid}",
                    "order": k,
                    "unit_type": unit_types[min(depth - 1, len(unit_types) - 1)],
                    "is_active": True,
                }
            )
            uid += 1
        b.levels.append(level)
    for row in rows:
        row["numchild"] = numchild[row["id"]]
    Unit.objects.filter(pk=b.root_pk).update(numchild=numchild[b.root_pk])
    return rows


def build_units(b: Build) -> None:
    """A new root and four levels below it."""
    unit_type = UnitType.objects.order_by("order").values_list("pk", flat=True).first()
    b.tag = f"S{Unit.objects.filter(depth=1).count() + 1}"
    with transaction.atomic():
        b.root = Unit.objects.add_root(
            dict(
                name=f"合成市（规模测试 {b.tag}）",
                short_name="合成市",
                code=f"{b.tag}-0",
                unit_type_id=unit_type,
            )
        )
    b.sizes = level_sizes(b.plan.units)
    b.levels = [[(b.root.pk, b.root.path)]]
    b.w.insert(Unit, _unit_rows(b, b.w.next_id(Unit)))
    b.w.reset_sequences([Unit])
    b.counts["units"] = len(b.unit_ids)


def build_users(b: Build) -> None:
    """``users`` accounts spread over the units (one password hash for all); the first user
    of a unit is its unit_admin, the others clerks."""
    n_users, unit_ids = b.plan.amount("users"), b.unit_ids
    password = make_password(BENCH_PASSWORD)
    b.first_user = first = b.w.next_id(User)
    user_unit = {first + i: unit_ids[i % len(unit_ids)] for i in range(n_users)}
    b.w.insert(
        User,
        (
            {
                "id": uid,
                "password": password,
                "username": f"{b.tag.lower()}_u{uid}",
                "is_active": True,
                "date_joined": b.now,
                "unit": unit_id,
                "full_name": f"用户{uid}",
                "language": "zh-hans",
            }
            for uid, unit_id in user_unit.items()
        ),
    )
    b.w.reset_sequences([User])
    for uid, unit_id in user_unit.items():
        b.first_unit_user.setdefault(unit_id, uid)
    roles = {r.code: r.pk for r in Role.objects.all()}
    b.w.insert(
        User.groups.through,
        (
            {"user": uid, "group": roles.get(_role_of(b, uid, unit_id), roles.get("clerk"))}
            for uid, unit_id in user_unit.items()
        ),
    )
    b.counts["users"] = n_users


def _role_of(b: Build, user_id: int, unit_id: int) -> str:
    return "unit_admin" if b.first_unit_user[unit_id] == user_id else "clerk"


def bench_accounts(b: Build) -> dict[str, int]:
    """The named accounts the benchmarks log in with: {username: id}."""
    result = {}
    for username, unit_id, role in (
        (f"{b.tag.lower()}_root", b.root_pk, "unit_admin"),
        (f"{b.tag.lower()}_mid", b.levels[1][0][0], "unit_admin"),
        (f"{b.tag.lower()}_clerk", b.levels[-1][0][0], "clerk"),
    ):
        user = User.objects.create_user(username, password=BENCH_PASSWORD, unit_id=unit_id)
        user.groups.add(Role.objects.get(code=role))
        result[username] = user.pk
    return result


def _record_rows(b: Build) -> Iterator[dict]:
    """Three in four records in the two lowest levels, the rest anywhere."""
    types = list(ActivityType.objects.values_list("pk", "needs_outlet"))
    unit_ids, years, r = b.unit_ids, b.plan.years, b.rng.random
    leaf_heavy = [u[0] for u in b.levels[-1] + b.levels[-2]]
    for i in range(b.plan.records):
        pool = leaf_heavy if r() < 0.75 else unit_ids
        unit_id = b.record_unit[i] = pool[int(r() * len(pool))]
        type_id, outlet = types[int(r() * len(types))]
        day = datetime.date(years[int(r() * len(years))], 1, 1) + datetime.timedelta(
            days=int(r() * 360)
        )
        expected = 10 + int(r() * 60)
        yield {
            "id": b.first_record + i,
            **b.owned(unit_id),
            "activity_type": type_id,
            "date": day,
            "title": f"{TITLES[i % len(TITLES)]}（{i}）",
            "expected_participants": expected,
            "actual_participants": expected - int(r() * 5),
            "location": PLACES[i % len(PLACES)],
            "summary": "围绕学习贯彻党的创新理论，开展专题学习研讨，结合本单位实际部署工作。",
            "outcome": "参会人员交流发言，形成学习体会。",
            "tags": "理论学习" if i % 3 == 0 else "",
            "outlet_name": "示范日报" if outlet else "",
            "outlet_level": "city" if outlet else "",
        }


def build_ledger(b: Build) -> None:
    b.first_record = b.w.next_id(LedgerRecord)
    b.record_unit = [0] * b.plan.records
    b.w.insert(LedgerRecord, _record_rows(b))
    b.w.reset_sequences([LedgerRecord])
    b.counts["ledger"] = b.plan.records


def build_evidence(b: Build) -> None:
    """Evidence metadata on ledger records (no stored file)."""
    n_evidence = b.plan.amount("evidence")
    ct = ContentType.objects.get_for_model(LedgerRecord).pk
    first = b.w.next_id(Evidence)

    def rows() -> Iterator[dict]:
        for i in range(n_evidence):
            k = (i * 7919) % b.plan.records  # spread over the records
            digest = hashlib.sha256(str(i).encode()).hexdigest()
            yield {
                "id": first + i,
                **b.owned(b.record_unit[k]),
                "content_type": ct,
                "object_id": b.first_record + k,
                "kind": "file",
                "title": f"会议照片{i}",
                "file": f"scale/{digest[:2]}/{digest}.jpg",
                "original_name": f"photo{i}.jpg",
                "content_type_detected": "image/jpeg",
                "size": 200_000 + i % 800_000,
                "sha256": digest,
                "version": 1,
                "is_current": True,
            }

    b.w.insert(Evidence, rows())
    b.w.reset_sequences([Evidence])
    b.counts["evidence"] = n_evidence


def _task_targets(b: Build, t: int, issuer: int, wanted: int) -> list[int]:
    """Recipients of task ``t``: the big task goes to the first units, the others to up to
    ``wanted`` units below their issuer, from a random start."""
    unit_ids = b.unit_ids
    if t == 0:
        return unit_ids[1 : wanted + 1]
    prefix = dict(u for level in b.levels for u in level)
    start, targets = b.rng.randrange(len(unit_ids)), []
    for j in range(len(unit_ids)):
        u = unit_ids[(start + j) % len(unit_ids)]
        if u != issuer and prefix[u].startswith(prefix[issuer]):
            targets.append(u)
            if len(targets) >= wanted:
                break
    return targets


def _assignment_row(b: Build, aid: int, task_id: int, unit_id: int) -> dict:
    status = ASSIGNMENT_STATUSES[aid % len(ASSIGNMENT_STATUSES)]
    done = status != "pending"
    return {
        "id": aid,
        "unit": unit_id,
        "task": task_id,
        "status": status,
        "response": "已按要求完成。" if done else "",
        "first_submitted_at": b.now if done else None,
        "submitted_at": b.now if done else None,
        "submitted_by": b.first_unit_user.get(unit_id) if done else None,
        "accepted_at": b.now if status == "accepted" else None,
    }


def build_tasks(b: Build) -> None:
    """Tasks × recipients: one large issue from the root, the rest from level 2 (each heads
    ≥ 100 units), 100 recipients each."""
    n_recipients, per_task = b.plan.amount("recipients"), 100
    big = min(len(b.unit_ids) - 1, max(1, n_recipients // 20))
    issuers = [b.root_pk] + [u[0] for u in b.levels[1]]
    n_tasks = 1 + max(0, math.ceil((n_recipients - big) / per_task))
    b.first_task = b.w.next_id(Task)
    tasks, assignments = [], []
    aid = b.w.next_id(TaskAssignment)
    for t in range(n_tasks):
        issuer = b.root_pk if t == 0 else issuers[t % len(issuers)]
        deadline = datetime.date(b.plan.years[-1], 1, 1) + datetime.timedelta(days=(t * 13) % 360)
        tasks.append(
            {
                "id": b.first_task + t,
                **b.owned(issuer),
                "deadline": deadline,
                "title": f"关于报送{deadline:%Y年%m月}意识形态工作情况的通知"
                if t
                else "全市大排查任务",
                "requirements": "请按要求报送工作情况并附佐证材料。",
                "evidence_required": True,
            }
        )
        wanted = big if t == 0 else min(per_task, n_recipients - len(assignments))
        for u in _task_targets(b, t, issuer, wanted):
            assignments.append(_assignment_row(b, aid, b.first_task + t, u))
            aid += 1
    b.w.insert(Task, tasks)
    b.w.insert(TaskAssignment, assignments)
    b.w.reset_sequences([Task, TaskAssignment])
    b.counts.update(tasks=n_tasks, task_recipients=len(assignments))


def build_publications(b: Build) -> None:
    first, unit_ids, now = b.w.next_id(Publication), b.unit_ids, b.now
    n = b.counts["publications"] = b.plan.amount("publications")
    statuses = ["draft", "published", "published", "published"]
    b.w.insert(
        Publication,
        (
            {
                "id": first + i,
                **b.owned(u := unit_ids[i % len(unit_ids)]),
                "title": f"稿件{i}",
                "channel_name": "微信公众号",
                "body": "正文",
                "status": statuses[i % 4],
                "author": b.first_unit_user.get(u, b.first_user),
                "submitted_at": now if i % 4 else None,
                "published_at": now if i % 4 else None,
                "published_url": "https://example.org/a" if i % 4 else "",
            }
            for i in range(n)
        ),
    )
    b.w.reset_sequences([Publication])


def build_events(b: Build) -> None:
    first, unit_ids, now = b.w.next_id(EventFiling), b.unit_ids, b.now
    n = b.counts["events"] = b.plan.amount("events")
    b.w.insert(
        EventFiling,
        (
            {
                "id": first + i,
                **b.owned(unit_ids[i % len(unit_ids)]),
                "kind": "lecture",
                "topic": f"讲座{i}",
                "synopsis": "内容简介",
                "start_at": (start := now - datetime.timedelta(days=i % 700)),
                "end_at": start + datetime.timedelta(hours=2),
                "venue": "报告厅",
                "expected_audience": 100,
                "status": "held",
                "current_step": 0,
                "submitted_at": start,
                "approved_at": start,
                "actual_audience": 90,
                "held_summary": "顺利举办",
            }
            for i in range(n)
        ),
    )
    b.w.reset_sequences([EventFiling])


def build_risks(b: Build) -> None:
    areas = list(RiskArea.objects.values_list("pk", flat=True))
    levels = list(RiskLevel.objects.values_list("pk", flat=True))
    n = b.counts["risks"] = b.plan.amount("risks")
    if not (areas and levels):
        return
    first, unit_ids, years = b.w.next_id(RiskPoint), b.unit_ids, b.plan.years
    b.w.insert(
        RiskPoint,
        (
            {
                "id": first + i,
                **b.owned(unit_ids[i % len(unit_ids)]),
                "area": areas[i % len(areas)],
                "level": levels[i % len(levels)],
                "description": f"风险点{i}",
                "measures": "落实防控措施",
                "status": "controlling",
                "identified_on": datetime.date(years[i % len(years)], 1 + i % 12, 1),
            }
            for i in range(n)
        ),
    )
    b.w.reset_sequences([RiskPoint])


def build_inspections(b: Build) -> None:
    """One inspection plan by the root over level-2/3 units; results and findings."""
    inspected = [u[0] for u in b.levels[1] + b.levels[2]]
    plan = InspectionPlan.objects.create(
        unit_id=b.root_pk,
        title="规模测试督查",
        status="draft",
        starts_on=datetime.date(b.plan.years[-1], 3, 1),
        ends_on=datetime.date(b.plan.years[-1], 6, 30),
    )
    first_result = b.w.next_id(InspectionResult)
    b.w.insert(
        InspectionResult,
        (
            {"id": first_result + i, "unit": u, "plan": plan.pk, "status": "pending"}
            for i, u in enumerate(inspected)
        ),
    )
    first = b.w.next_id(Finding)
    n = b.counts["findings"] = b.plan.amount("findings")
    b.w.insert(
        Finding,
        (
            {
                "id": first + i,
                "unit": inspected[i % len(inspected)],
                "plan": plan.pk,
                "result": first_result + i % len(inspected),
                "description": f"问题{i}：学习记录不完整",
                "requirement": "限期整改",
            }
            for i in range(n)
        ),
    )
    b.w.reset_sequences([InspectionResult, Finding])


def build_other_modules(b: Build) -> None:
    """Publications, events, risks, inspection findings."""
    for build in (build_publications, build_events, build_risks, build_inspections):
        build(b)


def derive_flags_and_rollups(b: Build) -> None:
    """What the rows written with SQL imply: the evidence flag, then the rollups."""
    with transaction.atomic():
        LedgerRecord.objects.filter(pk__gte=b.first_record).update(has_evidence=evidence_present())
        rollups.rebuild()


def analyze(b: Build) -> None:
    if b.w.is_pg:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def generate(plan: ScalePlan, log: Callable[..., object] = print) -> dict:
    """Generate the data set described by ``plan``; returns counts and timings."""
    ensure_defaults()
    started = time.perf_counter()
    b = Build(plan, BulkWriter(log), random.Random(plan.seed))
    b.step("units", build_units)
    b.step("users", build_users)
    users = bench_accounts(b)
    b.step("ledger", build_ledger)
    b.step("evidence", build_evidence)
    b.step("tasks", build_tasks)
    b.step("other modules", build_other_modules)
    b.step("evidence flag and rollups", derive_flags_and_rollups)
    if b.w.is_pg:
        b.step("analyze", analyze)
    b.timings["total"] = round(time.perf_counter() - started, 1)
    return {
        "tag": b.tag,
        "root": b.root_pk,
        "mid_unit": b.levels[1][0][0],
        "levels": b.sizes,
        "users": users,
        "counts": b.counts,
        "big_task": b.first_task,
        "timings": b.timings,
    }
