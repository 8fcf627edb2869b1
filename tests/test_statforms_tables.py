"""A table field (repeated rows) end to end: designed on the page, filled in the browser and
through the form's own Excel template, a bad cell refused beside it with everything kept,
every unit's rows in the issuer's aggregate with the number columns summed, and exported."""

from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.statforms import services
from luoshi.statforms.models import FormField, Submission
from luoshi.tasks.models import AssignmentStatus, TaskAssignment
from tests.statforms_support import issue_form, stat_world

COLUMNS = "name|活动名称|text\npeople|参加人数|integer\nday|日期|date"


@pytest.fixture
def world(tree, users):
    return stat_world(tree, users)


@pytest.fixture
def task(client, world):
    form = services.create_form(
        unit=world.tree.own, user=world.issuer, code="activities_q", title="宣讲活动统计表"
    )
    version = form.versions.get()
    client.force_login(world.issuer)
    for data in (
        {"code": "talks", "label": "宣讲场次", "kind": "integer", "measure": "场", "required": "on"},
        {"code": "activities", "label": "宣讲活动", "kind": "table", "columns": COLUMNS,
         "required": "on"},
    ):  # fmt: skip
        url = reverse("statforms:field_add", args=[version.pk])
        response = client.post(url, {**data, "order": "0", "metric_params": "{}"})
        assert response.status_code == 302, response.context["form"].errors
    page = client.get(version.get_absolute_url()).content.decode()
    assert "活动名称、参加人数、日期" in page  # the designer shows the table's columns
    services.publish(version=version, user=world.issuer)
    return issue_form(world, version)


def _page(assignment):
    return reverse("statforms:submission", args=[assignment.pk])


def _rows(rows: list[tuple[str, str, str]], action="submit") -> dict:
    data = {"action": action, "f-talks": str(len(rows)), "rows-activities": str(len(rows) + 1)}
    for i, (name, people, day) in enumerate(rows, start=1):
        data.update({f"t-activities-{i}-name": name, f"t-activities-{i}-people": people,
                     f"t-activities-{i}-day": day})  # fmt: skip
    return data


def test_a_table_field_end_to_end(client, world, task):
    news = TaskAssignment.objects.get(task=task.task, unit=world.news)
    theory = TaskAssignment.objects.get(task=task.task, unit=world.theory)

    # the browser: a letter in a number cell is refused beside the cell, every cell kept
    client.force_login(world.news_clerk)
    typed = [("进社区宣讲", "三十", "2026-01-05"), ("进企业宣讲", "20", "2026-01-12")]
    html = client.post(_page(news), _rows(typed)).content.decode()
    assert "第1行「参加人数」：应填写整数，而不是「三十」" in html
    assert 'name="t-activities-1-people" value="三十"' in html
    assert 'name="t-activities-2-name" value="进企业宣讲"' in html
    news.refresh_from_db()
    assert news.status == AssignmentStatus.PENDING
    client.post(_page(news), _rows([("进社区宣讲", "30", "2026-01-05"), typed[1]]))
    news.refresh_from_db()
    assert news.status == AssignmentStatus.SUBMITTED

    # the form's own Excel template: one row per cell, blank rows ignored
    client.force_login(world.theory_clerk)
    content = client.get(reverse("statforms:template", args=[theory.pk])).content
    workbook = openpyxl.load_workbook(BytesIO(content))
    cells = {
        "talks": "1",
        "activities.1.name": "进学校宣讲",
        "activities.1.people": "45",
        "activities.1.day": "2026-02-03",
    }
    for row in workbook.worksheets[0].iter_rows(min_row=2):
        if row[0].value in cells:
            row[3].value = cells[row[0].value]
    assert any(r[0].value == "activities.5.day" for r in workbook.worksheets[0].iter_rows())
    buffer = BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("宣讲.xlsx", buffer.getvalue())
    client.post(_page(theory), {"action": "upload", "file": upload})
    submission = Submission.objects.get(assignment=theory)
    assert submission.values["activities"] == [
        {"name": "进学校宣讲", "people": "45", "day": "2026-02-03"}
    ]
    client.post(_page(theory), _rows([("进学校宣讲", "45", "2026-02-03")]))
    theory.refresh_from_db()
    assert theory.status == AssignmentStatus.SUBMITTED

    # the issuer's aggregate: every unit's rows, the number column summed, and the export
    client.force_login(world.issuer)
    response = client.get(reverse("statforms:aggregate", args=[task.pk]))
    result = response.context["result"]
    (detail,) = result.tables
    assert [(u.name, i, cells[0]) for u, i, cells in detail.rows] == [
        ("新闻科", 1, "进社区宣讲"), ("新闻科", 2, "进企业宣讲"), ("理论科", 1, "进学校宣讲"),
    ]  # fmt: skip
    assert detail.sums == ["", "95", ""]
    sums = dict(zip([f.code for f in result.fields], result.sums, strict=True))
    assert sums == {"talks": "3", "activities": "3 行"}
    assert 'data-testid="table-sums-activities"' in response.content.decode()
    export = client.get(reverse("statforms:aggregate", args=[task.pk]) + "?export=xlsx")
    book = openpyxl.load_workbook(BytesIO(export.content))
    main, table = book.worksheets
    assert [c.value for c in main[2]][2:4] == [2, "2 行"]
    rows = list(table.iter_rows(values_only=True))
    assert rows[0] == ("单位", "行号", "活动名称", "参加人数", "日期")
    assert rows[3] == ("理论科", 1, "进学校宣讲", "45", "2026-02-03")
    assert rows[-1][:4] == ("合计", 3, None, "95")


def test_a_table_cell_name_not_in_the_form_is_refused(client, world, task):
    theory = TaskAssignment.objects.get(task=task.task, unit=world.theory)
    client.force_login(world.theory_clerk)
    content = client.get(reverse("statforms:template", args=[theory.pk])).content
    workbook = openpyxl.load_workbook(BytesIO(content))
    sheet = workbook.worksheets[0]
    sheet.protection.sheet = False
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "activities.1.day":
            row[0].value, row[3].value = "activities.1.place", "礼堂"
    buffer = BytesIO()
    workbook.save(buffer)
    html = client.post(
        _page(theory), {"action": "upload", "file": SimpleUploadedFile("x.xlsx", buffer.getvalue())}
    ).content.decode()
    assert "「activities.1.place」不是本表的表格单元" in html
    assert not FormField.objects.filter(code="place").exists()
    assert Submission.objects.get(assignment=theory).values.get("activities") in (None, [])
