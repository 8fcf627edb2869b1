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
import math
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from luoshi.core import rollups

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


def _now():
    return timezone.now()


class BulkWriter:
    """Insert plain tuples into a model's table as fast as the backend allows."""

    def __init__(self, log=print):
        self.log = log
        self.is_pg = connection.vendor == "postgresql"
        self.now = _now()

    def next_id(self, model) -> int:
        agg = model._base_manager.aggregate(m=models.Max("pk"))["m"]
        return (agg or 0) + 1

    def columns(self, model, names):
        fields = [model._meta.get_field(n) for n in names]
        return [f.column for f in fields]

    def defaults(self, model, names) -> tuple[list[str], tuple]:
        """The model's other NOT NULL fields with a default (e.g. the optimistic ``version``),
        so a column added to a model never breaks the generator: (names, values)."""
        given = {model._meta.get_field(n).name for n in names}
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.name not in given and not f.null and f.has_default() and not f.primary_key
        ]
        values = tuple(f.get_db_prep_save(f.get_default(), connection) for f in fields)
        return [f.name for f in fields], values

    def insert(self, model, names, rows, batch=50_000) -> int:
        table = model._meta.db_table
        extra_names, extra_values = self.defaults(model, names)
        if extra_names:
            names = [*names, *extra_names]
            rows = (tuple(row) + extra_values for row in rows)
        cols = self.columns(model, names)
        qn = connection.ops.quote_name
        count = 0
        start = time.perf_counter()
        with connection.cursor() as cursor:
            if self.is_pg:
                raw = cursor.cursor  # psycopg 3 cursor
                sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in cols)}) FROM STDIN"
                with raw.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                sql = (
                    f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in cols)}) "
                    f"VALUES ({', '.join(['%s'] * len(cols))})"
                )
                chunk = []
                for row in rows:
                    chunk.append(row)
                    if len(chunk) >= batch:
                        cursor.executemany(sql, chunk)
                        count += len(chunk)
                        chunk = []
                if chunk:
                    cursor.executemany(sql, chunk)
                    count += len(chunk)
        self.log(f"  {table}: {count} rows in {time.perf_counter() - start:.1f} s")
        return count

    def reset_sequences(self, model_list):
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


def generate(plan: ScalePlan, log=print) -> dict:
    """Generate the data set described by ``plan``; returns counts and timings."""
    from luoshi.accounts.models import Role, User
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

    ensure_defaults()
    rng = random.Random(plan.seed)
    w = BulkWriter(log)
    now = w.now
    started = time.perf_counter()
    timings = {}

    def lap(name, t0):
        timings[name] = round(time.perf_counter() - t0, 1)

    # ---- units: a new root and four levels below it -------------------------------
    t0 = time.perf_counter()
    unit_types = list(UnitType.objects.order_by("order").values_list("pk", flat=True))
    tag = f"S{Unit.objects.filter(depth=1).count() + 1}"
    with transaction.atomic():
        root = Unit.objects.add_root(
            dict(
                name=f"合成市（规模测试 {tag}）",
                short_name="合成市",
                code=f"{tag}-0",
                unit_type_id=unit_types[0],
            )
        )
    sizes = level_sizes(plan.units)
    next_unit = w.next_id(Unit)
    levels = [[(root.pk, root.path)]]
    rows = []
    numchild = {root.pk: 0}
    for depth, size in enumerate(sizes[1:], start=2):
        parents = levels[-1]
        level = []
        per_parent_counter = {}
        for i in range(size):
            parent_id, parent_path = parents[i % len(parents)]
            k = per_parent_counter.get(parent_id, 0) + 1
            per_parent_counter[parent_id] = k
            path = parent_path + Unit._int2str(k).rjust(Unit.steplen, "0")
            uid = next_unit
            next_unit += 1
            numchild[parent_id] = numchild.get(parent_id, 0) + 1
            numchild[uid] = 0
            level.append((uid, path))
            rows.append(
                [
                    uid,
                    path,
                    depth,
                    0,
                    f"第{depth}级单位{uid}",
                    f"单位{uid}",
                    f"{tag}-{uid}",
                    unit_types[min(depth - 1, len(unit_types) - 1)],
                    k,
                    True,
                    now,
                    now,
                ]
            )
        levels.append(level)
    for row in rows:
        row[3] = numchild[row[0]]
    names = [
        "id",
        "path",
        "depth",
        "numchild",
        "name",
        "short_name",
        "code",
        "unit_type",
        "order",
        "is_active",
        "created_at",
        "updated_at",
    ]
    w.insert(Unit, names, (tuple(r) for r in rows))
    Unit.objects.filter(pk=root.pk).update(numchild=numchild[root.pk])
    w.reset_sequences([Unit])
    all_units = [u for level in levels for u in level]
    unit_ids = [u[0] for u in all_units]
    unit_path = dict(all_units)
    leaf_heavy = [u[0] for u in levels[-1]] + [u[0] for u in levels[-2]]
    lap("units", t0)

    # ---- users (one password hash for all) ------------------------------------------
    t0 = time.perf_counter()
    n_users = plan.amount("users")
    password = make_password(BENCH_PASSWORD)
    first_user = w.next_id(User)
    user_unit = {}

    def user_rows():
        for i in range(n_users):
            uid = first_user + i
            unit_id = unit_ids[i % len(unit_ids)]
            user_unit[uid] = unit_id
            yield (
                uid,
                password,
                None,
                False,
                f"{tag.lower()}_u{uid}",
                "",
                "",
                "",
                False,
                True,
                now,
                unit_id,
                f"用户{uid}",
                "",
                "",
                "zh-hans",
            )

    w.insert(
        User,
        [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "unit",
            "full_name",
            "title",
            "phone",
            "language",
        ],
        user_rows(),
    )
    w.reset_sequences([User])
    roles = {r.code: r.pk for r in Role.objects.all()}
    groups = User.groups.through
    first_unit_user = {}
    for uid, unit_id in user_unit.items():
        first_unit_user.setdefault(unit_id, uid)

    def group_rows():
        for uid, unit_id in user_unit.items():
            code = "unit_admin" if first_unit_user[unit_id] == uid else "clerk"
            yield (uid, roles.get(code, roles.get("clerk")))

    w.insert(groups, ["user", "group"], group_rows())
    lap("users", t0)

    # named accounts the benchmarks log in with
    mid_unit = levels[1][0][0]
    bench_users = {}
    for username, unit_id, role in (
        (f"{tag.lower()}_root", root.pk, "unit_admin"),
        (f"{tag.lower()}_mid", mid_unit, "unit_admin"),
        (f"{tag.lower()}_clerk", levels[-1][0][0], "clerk"),
    ):
        user = User.objects.create_user(username, password=BENCH_PASSWORD, unit_id=unit_id)
        user.groups.add(roles[role])
        bench_users[username] = user.pk

    # ---- ledger records -------------------------------------------------------------
    t0 = time.perf_counter()
    types = list(ActivityType.objects.values_list("pk", "needs_outlet"))
    first_record = w.next_id(LedgerRecord)
    n_records = plan.records
    years = plan.years
    record_unit = [0] * n_records
    # Weight: three in four records in the two lowest levels, the rest anywhere.

    def record_rows():
        r = rng.random
        for i in range(n_records):
            unit_id = (
                leaf_heavy[int(r() * len(leaf_heavy))]
                if r() < 0.75
                else unit_ids[int(r() * len(unit_ids))]
            )
            record_unit[i] = unit_id
            type_id, outlet = types[int(r() * len(types))]
            year = years[int(r() * len(years))]
            day = datetime.date(year, 1, 1) + datetime.timedelta(days=int(r() * 360))
            expected = 10 + int(r() * 60)
            yield (
                first_record + i,
                now,
                now,
                unit_id,
                first_unit_user.get(unit_id),
                type_id,
                day,
                f"{TITLES[i % len(TITLES)]}（{i}）",
                expected,
                expected - int(r() * 5),
                None,
                PLACES[i % len(PLACES)],
                "围绕学习贯彻党的创新理论，开展专题学习研讨，结合本单位实际部署工作。",
                "参会人员交流发言，形成学习体会。",
                "理论学习" if i % 3 == 0 else "",
                "示范日报" if outlet else "",
                "city" if outlet else "",
                0,
            )

    w.insert(
        LedgerRecord,
        [
            "id",
            "created_at",
            "updated_at",
            "unit",
            "created_by",
            "activity_type",
            "date",
            "title",
            "expected_participants",
            "actual_participants",
            "audience_count",
            "location",
            "summary",
            "outcome",
            "tags",
            "outlet_name",
            "outlet_level",
            "version",
        ],
        record_rows(),
    )
    w.reset_sequences([LedgerRecord])
    lap("ledger", t0)

    # ---- evidence metadata on ledger records ------------------------------------------
    t0 = time.perf_counter()
    n_evidence = plan.amount("evidence")
    ct = ContentType.objects.get_for_model(LedgerRecord).pk
    first_evidence = w.next_id(Evidence)

    def evidence_rows():
        for i in range(n_evidence):
            k = (i * 7919) % n_records  # spread over the records
            digest = hashlib.sha256(str(i).encode()).hexdigest()
            yield (
                first_evidence + i,
                now,
                now,
                record_unit[k],
                first_unit_user.get(record_unit[k]),
                ct,
                first_record + k,
                "file",
                f"会议照片{i}",
                f"scale/{digest[:2]}/{digest}.jpg",
                f"photo{i}.jpg",
                "image/jpeg",
                200_000 + i % 800_000,
                digest,
                "",
                1,
                None,
                True,
            )

    w.insert(
        Evidence,
        [
            "id",
            "created_at",
            "updated_at",
            "unit",
            "created_by",
            "content_type",
            "object_id",
            "kind",
            "title",
            "file",
            "original_name",
            "content_type_detected",
            "size",
            "sha256",
            "url",
            "version",
            "previous",
            "is_current",
        ],
        evidence_rows(),
    )
    w.reset_sequences([Evidence])
    lap("evidence", t0)

    # ---- tasks × recipients: one large issue from the root, the rest from level 2/3 ---
    t0 = time.perf_counter()
    n_recipients = plan.amount("recipients")
    big = min(len(unit_ids) - 1, max(1, n_recipients // 20))
    issuers = [root.pk] + [u[0] for u in levels[1]]  # each heads ≥ 100 units
    per_task = 100
    n_tasks = 1 + max(0, math.ceil((n_recipients - big) / per_task))
    first_task = w.next_id(Task)
    task_rows, assignment_rows = [], []
    first_assignment = w.next_id(TaskAssignment)
    aid = first_assignment
    statuses = ["pending", "submitted", "accepted", "accepted", "returned"]
    for t in range(n_tasks):
        issuer = root.pk if t == 0 else issuers[t % len(issuers)]
        deadline = datetime.date(years[-1], 1, 1) + datetime.timedelta(days=(t * 13) % 360)
        task_rows.append(
            (
                first_task + t,
                now,
                now,
                issuer,
                first_unit_user.get(issuer),
                None,
                False,
                f"关于报送{deadline:%Y年%m月}意识形态工作情况的通知" if t else "全市大排查任务",
                "请按要求报送工作情况并附佐证材料。",
                deadline,
                True,
                "",
                None,
                "",
                None,
                None,
            )
        )
        prefix = unit_path[issuer]
        if t == 0:
            targets = unit_ids[1 : big + 1]
        else:
            start = rng.randrange(len(unit_ids))
            targets = []
            wanted = min(per_task, n_recipients - len(assignment_rows))
            for j in range(len(unit_ids)):
                u = unit_ids[(start + j) % len(unit_ids)]
                if u != issuer and unit_path[u].startswith(prefix):
                    targets.append(u)
                    if len(targets) >= wanted:
                        break
        for u in targets:
            status = statuses[aid % len(statuses)]
            done = status != "pending"
            assignment_rows.append(
                (
                    aid,
                    now,
                    now,
                    u,
                    None,
                    first_task + t,
                    status,
                    "已按要求完成。" if done else "",
                    now if done else None,
                    now if done else None,
                    first_unit_user.get(u) if done else None,
                    now if status == "accepted" else None,
                )
            )
            aid += 1
    w.insert(
        Task,
        [
            "id",
            "created_at",
            "updated_at",
            "unit",
            "created_by",
            "subtree_root",
            "direct_only",
            "title",
            "requirements",
            "deadline",
            "evidence_required",
            "duty_item_code",
            "schedule",
            "period_key",
            "period_start",
            "period_end",
        ],
        task_rows,
    )
    w.insert(
        TaskAssignment,
        [
            "id",
            "created_at",
            "updated_at",
            "unit",
            "created_by",
            "task",
            "status",
            "response",
            "first_submitted_at",
            "submitted_at",
            "submitted_by",
            "accepted_at",
        ],
        assignment_rows,
    )
    w.reset_sequences([Task, TaskAssignment])
    lap("tasks", t0)

    # ---- publications, events, risks, inspection findings ---------------------------
    t0 = time.perf_counter()
    pub_statuses = ["draft", "published", "published", "published"]
    first_pub = w.next_id(Publication)
    w.insert(
        Publication,
        [
            "id",
            "created_at",
            "updated_at",
            "unit",
            "created_by",
            "title",
            "channel_name",
            "body",
            "author",
            "status",
            "submitted_at",
            "published_url",
            "published_at",
        ],
        (
            (
                first_pub + i,
                now,
                now,
                (u := unit_ids[i % len(unit_ids)]),
                first_unit_user.get(u),
                f"稿件{i}",
                "微信公众号",
                "正文",
                first_unit_user.get(u, first_user),
                pub_statuses[i % 4],
                now if i % 4 else None,
                "https://example.org/a" if i % 4 else "",
                now if i % 4 else None,
            )
            for i in range(plan.amount("publications"))
        ),
    )
    first_event = w.next_id(EventFiling)
    w.insert(
        EventFiling,
        [
            "id",
            "created_at",
            "updated_at",
            "unit",
            "created_by",
            "kind",
            "topic",
            "synopsis",
            "start_at",
            "end_at",
            "venue",
            "online_platform",
            "expected_audience",
            "status",
            "current_step",
            "submitted_at",
            "approved_at",
            "actual_audience",
            "held_summary",
            "ledger_record",
        ],
        (
            (
                first_event + i,
                now,
                now,
                (u := unit_ids[i % len(unit_ids)]),
                first_unit_user.get(u),
                "lecture",
                f"讲座{i}",
                "内容简介",
                (start := now - datetime.timedelta(days=i % 700)),
                start + datetime.timedelta(hours=2),
                "报告厅",
                "",
                100,
                "held",
                0,
                start,
                start,
                90,
                "顺利举办",
                None,
            )
            for i in range(plan.amount("events"))
        ),
    )
    areas = list(RiskArea.objects.values_list("pk", flat=True))
    risk_levels = list(RiskLevel.objects.values_list("pk", flat=True))
    if areas and risk_levels:
        first_risk = w.next_id(RiskPoint)
        w.insert(
            RiskPoint,
            [
                "id",
                "created_at",
                "updated_at",
                "unit",
                "created_by",
                "area",
                "level",
                "description",
                "cause",
                "measures",
                "owner",
                "deadline",
                "identified_on",
                "status",
                "screening",
            ],
            (
                (
                    first_risk + i,
                    now,
                    now,
                    (u := unit_ids[i % len(unit_ids)]),
                    first_unit_user.get(u),
                    areas[i % len(areas)],
                    risk_levels[i % len(risk_levels)],
                    f"风险点{i}",
                    "",
                    "落实防控措施",
                    None,
                    None,
                    datetime.date(years[i % len(years)], 1 + i % 12, 1),
                    "controlling",
                    None,
                )
                for i in range(plan.amount("risks"))
            ),
        )
    # One inspection plan by the root over level-2/3 units; results and findings.
    inspected = [u[0] for u in levels[1] + levels[2]]
    iplan = InspectionPlan.objects.create(
        unit_id=root.pk,
        title="规模测试督查",
        starts_on=datetime.date(years[-1], 3, 1),
        ends_on=datetime.date(years[-1], 6, 30),
        status="draft",
    )
    first_result = w.next_id(InspectionResult)
    w.insert(
        InspectionResult,
        [
            "id",
            "created_at",
            "updated_at",
            "unit",
            "created_by",
            "plan",
            "status",
            "inspected_on",
            "summary",
            "total_score",
            "recorded_by",
        ],
        (
            (first_result + i, now, now, u, None, iplan.pk, "pending", None, "", None, None)
            for i, u in enumerate(inspected)
        ),
    )
    first_finding = w.next_id(Finding)
    w.insert(
        Finding,
        [
            "id",
            "created_at",
            "updated_at",
            "unit",
            "created_by",
            "result",
            "plan",
            "description",
            "requirement",
        ],
        (
            (
                first_finding + i,
                now,
                now,
                inspected[i % len(inspected)],
                None,
                first_result + i % len(inspected),
                iplan.pk,
                f"问题{i}：学习记录不完整",
                "限期整改",
            )
            for i in range(plan.amount("findings"))
        ),
    )
    w.reset_sequences([Publication, EventFiling, RiskPoint, InspectionResult, Finding])
    lap("other modules", t0)

    # ---- what the rows written with SQL imply: the evidence flag, the rollups ---------
    t0 = time.perf_counter()
    with transaction.atomic():
        LedgerRecord.objects.filter(pk__gte=first_record).update(has_evidence=evidence_present())
        rollups.rebuild()
    lap("evidence flag and rollups", t0)

    if w.is_pg:
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        lap("analyze", t0)
    timings["total"] = round(time.perf_counter() - started, 1)
    return {
        "tag": tag,
        "root": root.pk,
        "mid_unit": mid_unit,
        "levels": sizes,
        "users": bench_users,
        "counts": {
            "units": len(unit_ids),
            "users": n_users,
            "ledger": n_records,
            "evidence": n_evidence,
            "tasks": n_tasks,
            "task_recipients": len(assignment_rows),
            "publications": plan.amount("publications"),
            "events": plan.amount("events"),
            "risks": plan.amount("risks"),
            "findings": plan.amount("findings"),
        },
        "big_task": first_task,
        "timings": timings,
    }
