"""Excel import of units and users (组织机构 → Excel 导入): templates, all-or-nothing
validation naming row and column, scope of the importer, roles the importer may grant,
re-import refused or skipped, forced password change of imported users."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from luoshi.accounts.models import User
from luoshi.core.background import ImportJob
from luoshi.units.models import Unit

UNIT_HEADERS = ["单位编码", "单位名称", "简称", "上级单位编码", "单位类型", "排序"]
USER_HEADERS = ["用户名", "姓名", "单位编码", "角色", "职务", "联系电话", "电子邮箱"]
INITIAL = "Chushi-mima-2026"


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def xlsx(headers, rows, name="导入.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def units_file(rows):
    return xlsx(UNIT_HEADERS, rows)


def users_file(rows):
    return xlsx(USER_HEADERS, rows)


def post_units(client, upload, duplicates="refuse"):
    return client.post(
        reverse("accounts:import_units"), {"file": upload, "duplicates": duplicates}, follow=True
    )


def post_users(client, upload, duplicates="refuse", password=INITIAL):
    data = {"file": upload, "duplicates": duplicates, "password1": password, "password2": password}
    return client.post(reverse("accounts:import_users"), data, follow=True)


def result(response) -> dict:
    return response.context["result"]


def errors(response):
    return [(e["row"], e["column"], e["message"]) for e in result(response)["errors"]]


GOOD_UNITS = [
    ["T12", "理论科", "", "T1", "其他", 2],
    ["T121", "理论一组", "一组", "T12", "其他", 1],  # parent: an earlier row
    ["T13", "网信科", "", "T1", "局", None],
]


# --- units ---------------------------------------------------------------------------------


def test_the_units_template_has_the_columns_and_the_help_sheet(client, users):
    client.force_login(users.unit_admin)
    response = client.get(reverse("accounts:import_units_template"))
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == UNIT_HEADERS
    assert rows[1][3] == "T1"  # the example sits under the importer's own unit
    assert workbook.sheetnames[1] == "填写说明"


def test_a_good_units_file_creates_the_subtree_in_order(client, users, tree):
    client.force_login(users.unit_admin)
    response = post_units(client, units_file(GOOD_UNITS))
    assert 'data-testid="import-done"' in response.content.decode()
    assert result(response)["count"] == 3
    theory = Unit.objects.get(code="T12")
    group = Unit.objects.get(code="T121")
    assert Unit.objects.get_parent(theory) == tree.own
    assert Unit.objects.get_parent(group) == theory and group.short_name == "一组"
    assert Unit.objects.get(code="T13").unit_type.code == "bureau"
    assert theory.history.first().history_user == users.unit_admin
    assert Unit.objects.for_user(users.unit_admin).filter(code="T121").exists()


def test_a_bad_row_writes_nothing_and_names_row_and_column(client, users):
    client.force_login(users.unit_admin)
    before = Unit.objects.count()
    rows = [
        *GOOD_UNITS,
        ["T14", "", "", "T1", "其他", 1],  # no name
        ["T15", "宣讲科", "", "T1", "不存在的类型", 1],
        ["T16", "后排科", "", "T17", "其他", 1],  # parent comes later
        ["T17", "前排科", "", "T1", "其他", 1],
    ]
    response = post_units(client, units_file(rows))
    page = response.content.decode()
    assert 'data-testid="import-errors"' in page and "未导入任何记录" in page
    found = errors(response)
    assert (5, "单位名称", "必填项，不能为空") in found
    assert any(r == 6 and c == "单位类型" and "不是有效选项" in m for r, c, m in found)
    assert any(r == 7 and c == "上级单位编码" and "须排在前面" in m for r, c, m in found)
    assert len(found) == 3
    assert Unit.objects.count() == before


def test_a_parent_outside_the_importers_scope_is_refused(client, users, tree):
    client.force_login(users.unit_admin)  # scope: T1 and below
    response = post_units(client, units_file([["T21", "教育局下属科", "", "T2", "其他", 1]]))
    assert errors(response) == [
        (
            2,
            "上级单位编码",
            "上级单位 T2 不存在、已停用或不在您的数据范围内；本文件中的上级单位须排在前面",
        )
    ]
    assert not Unit.objects.filter(code="T21").exists()


def test_only_a_superuser_imports_a_root_unit(client, users):
    client.force_login(users.unit_admin)
    response = post_units(client, units_file([["R1", "另一个区委", "", "", "区委", 1]]))
    assert errors(response) == [(2, "上级单位编码", "请填写上级单位编码")]


def test_reimporting_units_is_refused_or_skipped(client, users):
    client.force_login(users.unit_admin)
    assert result(post_units(client, units_file(GOOD_UNITS)))["count"] == 3
    again = post_units(client, units_file(GOOD_UNITS))
    assert [(r, c) for r, c, _m in errors(again)] == [
        (2, "单位编码"),
        (3, "单位编码"),
        (4, "单位编码"),
    ]
    refusal = "单位编码 T12 已存在（或在本文件中重复）；如需跳过，请在「遇到重复」中选择跳过"
    assert errors(again)[0][2] == refusal
    more = [*GOOD_UNITS, ["T122", "理论二组", "", "T12", "其他", 2]]
    skipped = post_units(client, units_file(more), duplicates="skip")
    assert result(skipped)["count"] == 1 and result(skipped)["skipped"] == 3
    assert Unit.objects.filter(code__in=["T12", "T121", "T13", "T122"]).count() == 4


def test_importing_units_needs_the_permission(client, users):
    client.force_login(users.clerk)
    assert client.get(reverse("accounts:import_units")).status_code == 403
    assert client.get(reverse("accounts:import_units_template")).status_code == 403
    assert client.get(reverse("accounts:import_users")).status_code == 403


# --- users ---------------------------------------------------------------------------------

GOOD_USERS = [
    ["xc_zhang", "张宣传", "T1", "录入员", "干事", "13800000000", "zhang@example.gov.cn"],
    ["xc_li", "李新闻", "T11", "clerk、审核员", "", "", ""],
]


def test_the_users_template_lists_the_roles_the_importer_may_grant(client, users):
    client.force_login(users.unit_admin)
    response = client.get(reverse("accounts:import_users_template"))
    workbook = load_workbook(BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == USER_HEADERS
    notes = " ".join(str(r[0]) for r in workbook["填写说明"].iter_rows(values_only=True) if r[0])
    assert "录入员" in notes and "系统管理员" not in notes


def test_a_good_users_file_creates_users_who_must_change_the_password(client, users, tree):
    client.force_login(users.unit_admin)
    response = post_users(client, users_file(GOOD_USERS))
    assert result(response)["count"] == 2
    zhang = User.objects.get(username="xc_zhang")
    assert zhang.unit == tree.own and zhang.full_name == "张宣传"
    assert sorted(zhang.groups.values_list("role__code", flat=True)) == ["clerk"]
    li = User.objects.get(username="xc_li")
    assert sorted(li.groups.values_list("role__code", flat=True)) == ["clerk", "reviewer"]
    assert zhang.must_change_password and zhang.check_password(INITIAL)
    # the password's hash does not stay with the job
    assert all("password_hash" not in job.params for job in ImportJob.objects.all())
    client.logout()
    signed_in = client.post(reverse("login"), {"username": "xc_zhang", "password": INITIAL})
    assert signed_in.status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("password_change"))


def test_a_bad_user_row_writes_nothing(client, users):
    client.force_login(users.unit_admin)
    rows = [
        *GOOD_USERS,
        ["bad user!", "坏用户名", "T1", "录入员", "", "", "not-an-email"],
        ["xc_wang", "王", "T1", "不存在的角色", "", "", ""],
    ]
    response = post_users(client, users_file(rows))
    found = errors(response)
    assert {(r, c) for r, c, _m in found} == {(4, "用户名"), (4, "电子邮箱"), (5, "角色")}
    assert (
        "「不存在的角色」不存在或您无权授予" in dict(((r, c), m) for r, c, m in found)[(5, "角色")]
    )
    assert not User.objects.filter(username__in=["xc_zhang", "xc_li", "xc_wang"]).exists()


def test_a_unit_outside_scope_or_a_role_above_the_importer_is_refused(client, users):
    client.force_login(users.unit_admin)
    rows = [
        ["edu_1", "教育局人员", "T2", "录入员", "", "", ""],  # T2: a sibling, out of scope
        ["boss_1", "想当管理员", "T1", "系统管理员", "", "", ""],  # 全部 scope: not grantable
    ]
    found = errors(post_users(client, users_file(rows)))
    assert found == [
        (2, "单位编码", "单位编码 T2 不存在或不在您的数据范围内"),
        (3, "角色", "角色「系统管理员」不存在或您无权授予"),
    ]
    assert not User.objects.filter(username__in=["edu_1", "boss_1"]).exists()


def test_reimporting_users_is_refused_or_skipped(client, users):
    client.force_login(users.unit_admin)
    post_users(client, users_file(GOOD_USERS))
    again = post_users(client, users_file([GOOD_USERS[0]]))
    assert [(r, c) for r, c, _m in errors(again)] == [(2, "用户名")]
    assert errors(again)[0][2].startswith(f"用户名 {GOOD_USERS[0][0]} 已存在（或在本文件中重复）")
    upper = [["XC_ZHANG", *GOOD_USERS[0][1:]], ["xc_new", "新人", "T1", "录入员", "", "", ""]]
    skipped = post_users(client, users_file(upper), duplicates="skip")
    assert result(skipped)["count"] == 1 and result(skipped)["skipped"] == 1
    assert User.objects.filter(username__iexact="xc_zhang").count() == 1


def test_the_initial_password_must_pass_the_password_rules(client, users):
    client.force_login(users.unit_admin)
    response = post_users(client, users_file(GOOD_USERS), password="123")
    assert response.status_code == 200 and response.redirect_chain == []
    assert response.context["form"].has_error("password1")
    assert not User.objects.filter(username="xc_zhang").exists()


def test_a_file_that_is_not_excel_is_refused_on_the_page(client, users):
    client.force_login(users.unit_admin)
    upload = SimpleUploadedFile("x.xlsx", b"not a zip", content_type="application/octet-stream")
    response = post_units(client, upload)
    assert response.redirect_chain == []
    assert "不是有效的 Excel" in response.content.decode()
