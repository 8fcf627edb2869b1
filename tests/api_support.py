"""The API tests' world: a unit tree, one row of every exposed model in 宣传部 (own),
新闻科 (child) and 教育局 (sibling), and token-holding users. Built once per module."""

import datetime
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone

from luoshi.accounts.models import Role
from luoshi.api import services as api_services
from luoshi.assessment.models import Assessment
from luoshi.channels.models import Channel, ChannelType
from luoshi.core.scope import DataScope
from luoshi.duty import services as duty_services
from luoshi.duty.selectors import latest_pack
from luoshi.events.models import EventFiling
from luoshi.evidence import services as evidence_services
from luoshi.evidence.models import Evidence
from luoshi.incidents.models import Incident, Platform
from luoshi.inspections.models import Finding, InspectionPlan, InspectionResult, RectificationItem
from luoshi.publications.models import Publication
from luoshi.risks.models import RiskArea, RiskLevel, RiskPoint
from luoshi.tasks.models import Task, TaskAssignment
from luoshi.units.models import Unit
from tests.factories import LedgerRecordFactory, make_unit, make_user, png_upload

PLACES = ("own", "child", "sibling")
TODAY = timezone.localdate()
NOW = timezone.now()

# endpoint → its model (for the independent oracle: the row's unit path)
ENDPOINTS = [
    "units",
    "people",
    "duty-lists",
    "tasks",
    "task-assignments",
    "ledger-records",
    "evidence",
    "channels",
    "events",
    "publications",
    "incidents",
    "risks",
    "inspections",
    "rectifications",
    "assessments",
]


@contextmanager
def evidence_files_in(folder):
    field = Evidence._meta.get_field("file")
    original = field.storage
    field.storage = FileSystemStorage(location=str(folder))
    try:
        yield
    finally:
        field.storage = original


def _role(code, scope, perms):
    role = Role.objects.create(name=f"接口测试-{code}", code=f"api-{code}", data_scope=scope)
    role.permissions.set(perms)
    return role


def _rows(unit, author, root_task):
    pack = latest_pack()
    ledger = LedgerRecordFactory(unit=unit, created_by=author, title=f"接口记录-{unit.code}")
    plan = InspectionPlan.objects.create(
        unit=unit,
        created_by=author,
        title=f"督查-{unit.code}",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=5),
    )
    result = InspectionResult.objects.create(plan=plan, unit=unit, created_by=author)
    finding = Finding.objects.create(
        unit=unit, created_by=author, result=result, plan=plan, description="记录不全"
    )
    person = make_user(f"api_person_{unit.code}", unit, full_name=f"人员{unit.code}")
    return {
        "units": unit,
        "people": person,
        "duty-lists": duty_services.generate_duty_list(
            unit=unit, year=TODAY.year, pack=pack, user=author
        ),
        "tasks": Task.objects.create(
            unit=unit,
            created_by=author,
            title=f"任务-{unit.code}",
            requirements="报送学习情况",
            deadline=TODAY + datetime.timedelta(days=7),
        ),
        "task-assignments": TaskAssignment.objects.create(
            task=root_task, unit=unit, created_by=author
        ),
        "ledger-records": ledger,
        "evidence": evidence_services.attach_file(
            owner=ledger, uploaded=png_upload(f"{unit.code}.png"), user=author
        ),
        "channels": Channel.objects.create(
            unit=unit,
            created_by=author,
            channel_type=ChannelType.objects.get(code="wechat"),
            name=f"公众号-{unit.code}",
            account="wx",
            administrator=person,
            filing_status="not_required",
            opened_on=TODAY - datetime.timedelta(days=30),
            check_interval_months=3,
        ),
        "events": EventFiling.objects.create(
            unit=unit,
            created_by=author,
            kind="lecture",
            topic=f"讲座-{unit.code}",
            synopsis="解读全会精神",
            start_at=NOW + datetime.timedelta(days=3),
            end_at=NOW + datetime.timedelta(days=3, hours=2),
            expected_audience=100,
        ),
        "publications": Publication.objects.create(
            unit=unit, created_by=author, author=author, title=f"稿件-{unit.code}", body="正文"
        ),
        "incidents": Incident.objects.create(
            unit=unit,
            created_by=author,
            responsible_unit=unit,
            title=f"事件-{unit.code}",
            discovered_at=NOW - datetime.timedelta(hours=5),
            platform=Platform.objects.get(code="short_video"),
            summary="网传视频",
        ),
        "risks": RiskPoint.objects.create(
            unit=unit,
            created_by=author,
            area=RiskArea.objects.get(code="online"),
            level=RiskLevel.objects.get(code="red"),
            description="转载把关不严",
            measures="落实三审",
        ),
        "inspections": plan,
        "rectifications": RectificationItem.objects.create(
            unit=unit,
            created_by=author,
            finding=finding,
            owner=person,
            deadline=TODAY + datetime.timedelta(days=10),
        ),
        "assessments": Assessment.objects.create(
            unit=unit, created_by=author, name=f"考核-{unit.code}", year=TODAY.year, pack=pack
        ),
    }


@contextmanager
def build_world(evidence_dir):
    """Yield the world inside a transaction that is rolled back afterwards."""
    with transaction.atomic():
        root = make_unit("示范区委", "A0", type_code="district_committee")
        own = make_unit("区委宣传部", "A1", parent=root, type_code="publicity_dept")
        child = make_unit("新闻科", "A11", parent=own)
        sibling = make_unit("区教育局", "A2", parent=root, type_code="bureau")
        fresh = {u.pk: u for u in Unit.objects.all()}
        tree = SimpleNamespace(
            root=fresh[root.pk], own=fresh[own.pk], child=fresh[child.pk], sibling=fresh[sibling.pk]
        )
        author = make_user("api_author", tree.root, "admin")
        view_perms = Permission.objects.filter(codename__startswith="view_")
        reader = make_user("api_reader", tree.own)
        reader.groups.add(_role("reader", DataScope.SUBTREE, view_perms))
        blind = make_user("api_blind", tree.own)
        blind.groups.add(_role("blind", DataScope.SUBTREE, []))
        clerk = make_user("api_clerk", tree.own, "clerk")
        fuzzer = make_user("api_fuzzer", tree.own, "clerk")  # reads everything, writes ledger
        fuzzer.groups.add(Role.objects.get(code="api-reader"))
        child_clerk = make_user("api_child_clerk", tree.child, "clerk")
        root_task = Task.objects.create(
            unit=tree.root,
            created_by=author,
            title="报送学习贯彻情况",
            requirements="请报送",
            deadline=TODAY + datetime.timedelta(days=7),
            evidence_required=False,
        )
        with evidence_files_in(evidence_dir):
            rows = {place: _rows(getattr(tree, place), author, root_task) for place in PLACES}
        until = NOW + datetime.timedelta(days=30)
        keys = {
            name: api_services.create_token(user=user, name=f"测试-{name}", expires_at=until)[1]
            for name, user in {
                "reader": reader,
                "blind": blind,
                "clerk": clerk,
                "child_clerk": child_clerk,
                "fuzzer": fuzzer,
            }.items()
        }
        yield SimpleNamespace(
            tree=tree,
            author=author,
            reader=reader,
            blind=blind,
            clerk=clerk,
            child_clerk=child_clerk,
            rows=rows,
            keys=keys,
            root_task=root_task,
        )
        transaction.set_rollback(True)


def auth(key):
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


# The fixtures every API test module uses: ``from tests.api_support import api_fixtures`` and
# ``evidence_dir, world, _module_evidence_storage = api_fixtures()`` at module level.
def api_fixtures():
    @pytest.fixture(scope="module")
    def evidence_dir(tmp_path_factory):
        return tmp_path_factory.mktemp("api-evidence")

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker, evidence_dir):
        with django_db_blocker.unblock(), build_world(evidence_dir) as built:
            yield built

    @pytest.fixture(autouse=True)
    def _module_evidence_storage(_private_evidence_root, evidence_dir):
        with evidence_files_in(evidence_dir):
            yield

    return evidence_dir, world, _module_evidence_storage
