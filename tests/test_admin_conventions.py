"""Admin conventions: each menu group once, 「共 N 条」 counting each record once."""

from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.audit.models import OperationLog
from luoshi.core.navigation import MENU
from luoshi.core.views import DeferredJoinPaginator
from luoshi.risks.models import RiskArea, RiskLevel
from luoshi.tasks.models import Task
from luoshi.units.models import UnitType
from tests.tasks_support import issue, task_world


def test_each_menu_group_appears_once():
    labels = [str(group.label) for group in MENU]
    assert len(labels) == len(set(labels)), labels
    reports = next(g for g in MENU if str(g.label) == "报告")
    assert {str(i.label) for i in reports.items} >= {"报告", "往年报告导入"}


def test_a_filter_across_recipients_counts_each_task_once(tree, users):
    world = task_world(tree, users)
    for n in range(3):
        issue(world, title=f"任务{n}")  # each to two units: two pending assignments
    pending = Task.objects.filter(assignments__status="pending").order_by("-id")
    assert pending.count() == 6  # the join repeats each task
    paginator = DeferredJoinPaginator(pending, 2)
    assert paginator.count == 3
    titles = [t.title for n in paginator.page_range for t in paginator.page(n).object_list]
    assert sorted(titles) == ["任务0", "任务1", "任务2"]
    assert Paginator(pending, 2).count == 6  # what the pages said before


def _admin_client(client, users):
    client.force_login(users.admin)
    return client


def test_every_dictionary_has_a_page_for_the_administrator(client, users):
    page = _admin_client(client, users).get(reverse("dictionaries")).content.decode()
    for name in ("单位类型", "风险领域", "风险等级", "阵地类型", "平台", "活动类型"):
        assert name in page
    client.force_login(users.clerk)
    assert client.get(reverse("dictionaries")).status_code == 403
    url = reverse("dictionary_entries", args=["risks.risklevel"])
    assert client.get(url).status_code == 403


def test_an_entry_is_renamed_reordered_and_disabled_and_the_log_says_so(client, users):
    level = RiskLevel.objects.order_by("order").first()
    url = reverse("dictionary_edit", args=["risks.risklevel", level.pk])
    response = _admin_client(client, users).post(
        url, {"code": level.code, "name": "极低", "color": level.color, "order": 99}
    )
    assert response.status_code == 302
    level.refresh_from_db()
    assert (level.name, level.order, level.is_active) == ("极低", 99, False)
    entry = OperationLog.objects.filter(model_label="risks.risklevel").order_by("id").last()
    assert "启用由「是」改为「否」" in entry.sentence and "名称由" in entry.sentence


def _row(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</tr>", start)]


def test_an_entry_in_use_keeps_its_code_and_cannot_be_deleted(client, tree, users):
    used = UnitType.objects.get(code="bureau")  # the sibling unit is a 局
    client = _admin_client(client, users)
    form = client.get(reverse("dictionary_edit", args=["units.unittype", used.pk]))
    assert "id_code" not in form.content.decode() and "编码不可修改" in form.content.decode()
    client.post(
        reverse("dictionary_edit", args=["units.unittype", used.pk]),
        {"code": "renamed", "name": used.name, "order": used.order, "is_active": "on"},
    )
    used.refresh_from_db()
    assert used.code == "bureau"
    delete = reverse("dictionary_delete", args=["units.unittype", used.pk])
    page = client.post(delete, follow=True).content.decode()
    assert "不能删除，只能停用" in page and UnitType.objects.filter(pk=used.pk).exists()
    spare = UnitType.objects.create(code="spare_type", name="备用类型", order=90)
    entries = client.get(reverse("dictionary_entries", args=["units.unittype"])).content.decode()
    rows = {pk: _row(entries, f"entry-{pk}") for pk in (used.pk, spare.pk)}
    assert "已被记录使用" in rows[used.pk] and "删除" not in rows[used.pk]
    assert "未使用" in rows[spare.pk] and "删除" in rows[spare.pk]
    client.post(reverse("dictionary_delete", args=["units.unittype", spare.pk]))
    assert not UnitType.objects.filter(pk=spare.pk).exists()


def test_a_duplicate_name_is_refused_in_chinese_and_the_input_kept(client, users):
    first, second = RiskArea.objects.order_by("order")[:2]
    url = reverse("dictionary_edit", args=["risks.riskarea", second.pk])
    page = _admin_client(client, users).post(
        url, {"code": second.code, "name": first.name, "order": 7, "is_active": "on"}
    )
    text = page.content.decode()
    assert page.status_code == 200 and "已存在" in text and 'value="7"' in text


def test_the_entries_page_asks_once_per_relation_not_per_entry(client, users):
    client = _admin_client(client, users)
    url = reverse("dictionary_entries", args=["units.unittype"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    queries()  # the first request also reads the session and the permissions
    before = queries()
    for n in range(5):
        UnitType.objects.create(code=f"extra_{n}", name=f"备用类型{n}", order=90 + n)
    assert queries() == before
