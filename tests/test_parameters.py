"""参数设置: the system administrator changes the 等保 controls, reminder days, upload limits
and grade bands at run time; bad values are refused in Chinese with the input kept; every
change is in the operation log; the settings stay the defaults; reads cost no query."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from luoshi.accounts import otp, policy
from luoshi.assessment.selectors import grade_for, grades_of
from luoshi.audit.chain import log_retention
from luoshi.audit.models import OperationLog
from luoshi.core import parameters, registry
from luoshi.core.parameters import SystemParameter
from luoshi.evidence.validation import check_upload
from tests.factories import PASSWORD


def edit(client, key, value):
    return client.post(reverse("parameter_edit", args=[key]), {"value": value})


@pytest.fixture
def admin_client(client, users):
    client.force_login(users.admin)
    return client


def test_the_page_lists_every_parameter_with_its_value_and_default(admin_client, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    page = admin_client.get(reverse("parameters"))
    text = page.text
    for label in (
        "密码有效期",
        "登录失败几次后要求验证码",
        "必须使用动态口令（TOTP）的角色",
        "每个用户同时在线会话数",
        "操作日志与登录日志保留天数",
        "单个佐证文件大小上限",
        "到期提醒提前天数",
        "考核等次分数线",
        "首次登录及管理员重置后强制修改密码",
    ):
        assert label in text, label
    assert "好≥90；较好≥80；一般≥60；差" in text


def test_only_the_system_administrator_sees_and_changes_parameters(client, users):
    for user in (users.unit_admin, users.clerk, users.leader):
        client.force_login(user)
        assert client.get(reverse("parameters")).status_code == 403
        assert edit(client, "password_max_age_days", "1").status_code == 403
    assert not SystemParameter.objects.exists()
    client.force_login(users.admin)
    assert client.get(reverse("parameter_edit", args=["no_such_key"])).status_code == 404


def test_a_change_applies_at_once_and_is_logged(admin_client, users, settings):
    settings.LOGIN_CAPTCHA_AFTER_FAILURES = 0  # the deployment's default: no captcha
    response = edit(admin_client, "login_captcha_after_failures", "1")
    assert response.status_code == 302
    assert policy.captcha_after_failures() == 1
    entry = OperationLog.objects.get(model_label="core.systemparameter")
    assert entry.user == users.admin
    assert entry.object_repr == "登录失败几次后要求验证码"
    assert entry.changes == [{"field": "登录失败几次后要求验证码", "old": "0", "new": "1"}]
    # what the parameter controls: one failed sign-in now asks for a captcha
    admin_client.logout()
    failed = admin_client.post(reverse("login"), {"username": "u_clerk", "password": "wrong"})
    assert "captcha" in failed.context["form"].fields


def test_password_expiry_follows_the_parameter(client, users, settings):
    from luoshi.accounts.models import User

    settings.PASSWORD_MAX_AGE_DAYS = 0  # no expiry by default
    User.objects.filter(pk=users.clerk.pk).update(
        password_changed_at=timezone.now() - timezone.timedelta(days=31)
    )
    parameters.change(registry.PARAMETERS["password_max_age_days"], "30", user=users.admin)
    client.post(reverse("login"), {"username": "u_clerk", "password": PASSWORD})
    assert client.get(reverse("home"))["Location"].startswith(reverse("password_change"))


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "log_retention_days",
            "30",
            "不能少于 183 天：《网络安全法》要求网络日志留存不少于六个月。",
        ),
        ("password_max_age_days", "九十", "请输入整数。"),
        ("password_max_age_days", "-1", "不能小于 0。"),
        ("session_limit_per_user", "1000", "不能大于 100。"),
        ("evidence_max_bytes", "abc", "请输入以 MB 为单位的数字，如 50。"),
        ("remind_days_before", "", "请填写取值。"),
        ("assessment_grades", "好≥80；较好≥90；差", "第 2 个等次的分数线应低于上一个。"),
        ("assessment_grades", "好≥90；较好；差", "第 2 个等次缺少分数线（≥多少分）。"),
        ("assessment_grades", "好≥190；差", "第 1 个等次的分数线应在 0 到 100 之间。"),
        ("password_change_at_first_login", "也许", "选择一个有效的选项"),
    ],
)
def test_bad_values_are_refused_beside_the_field_and_kept(admin_client, key, value, message):
    response = admin_client.post(reverse("parameter_edit", args=[key]), {"value": value})
    assert response.status_code == 200
    assert message in response.text
    if value:
        assert f'value="{value}"' in response.text or value in response.text
    assert not SystemParameter.objects.exists()
    assert not OperationLog.objects.filter(model_label="core.systemparameter").exists()


def test_log_retention_below_six_months_is_refused_even_in_code(users, settings):
    spec = registry.PARAMETERS["log_retention_days"]
    with pytest.raises(ValidationError, match="不能少于 183 天"):
        parameters.change(spec, "182", user=users.admin)
    parameters.change(spec, "400", user=users.admin)
    assert log_retention().days == 400


def test_the_setting_is_the_default_until_a_value_is_stored(users, settings):
    spec = registry.PARAMETERS["remind_days_before"]
    settings.TASK_REMIND_DAYS_BEFORE = 7
    assert parameters.value("remind_days_before") == 7
    parameters.change(spec, "2", user=users.admin)
    settings.TASK_REMIND_DAYS_BEFORE = 9
    assert parameters.value("remind_days_before") == 2
    assert parameters.restore_default(spec, user=users.admin)
    assert parameters.value("remind_days_before") == 9
    restored = OperationLog.objects.filter(object_id="remind_days_before").order_by("id").last()
    assert restored.changes[0]["new"] == "9（恢复默认）"


def test_otp_roles_are_role_codes_that_exist(users, admin_client):
    bad = admin_client.post(
        reverse("parameter_edit", args=["otp_required_roles"]), {"value": ["nobody"]}
    )
    assert bad.status_code == 200 and not SystemParameter.objects.exists()
    edit(admin_client, "otp_required_roles", ["clerk"])
    assert otp.required_for(users.clerk) and not otp.required_for(users.leader)
    entry = OperationLog.objects.get(model_label="core.systemparameter")
    assert entry.changes[0]["new"] == "录入员"  # in words, not the role code


def test_upload_limits_follow_the_parameters(users):
    parameters.change(registry.PARAMETERS["evidence_max_bytes"], "1", user=users.admin)
    big = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024), "application/pdf")
    with pytest.raises(ValidationError) as refused:
        check_upload(big)
    assert "超过上限 1.0\xa0MB" in refused.value.messages[0]


def test_grade_bands_apply_where_the_pack_sets_none(users):
    spec = registry.PARAMETERS["assessment_grades"]
    parameters.change(spec, "优秀 ≥ 95；良好>=85；合格≥60；不合格", user=users.admin)
    assessment = SimpleNamespace(grades=[], pack=SimpleNamespace(grades=[]))
    grades = grades_of(assessment)
    assert [g["name"] for g in grades] == ["优秀", "良好", "合格", "不合格"]
    assert grade_for(90, grades)[0] == "良好"
    assert parameters.display(spec, grades) == "优秀≥95；良好≥85；合格≥60；不合格"
    pack_grades = [{"name": "好", "at_least": 90.0}, {"name": "差", "at_least": 0.0}]
    assert grades_of(SimpleNamespace(grades=[], pack=SimpleNamespace(grades=pack_grades))) == (
        pack_grades
    )


def test_reads_cost_no_query_and_other_processes_see_a_change_soon(
    users, django_assert_num_queries, monkeypatch
):
    parameters.reset_cache()
    parameters.value("session_limit_per_user")  # loads the stored values once
    with django_assert_num_queries(0):
        for _ in range(100):
            parameters.value("session_limit_per_user")
            parameters.value("password_history_count")
    # another process stores a value: seen here once the cached values are CACHE_SECONDS old
    SystemParameter.objects.create(key="session_limit_per_user", value="1")
    assert parameters.value("session_limit_per_user") != 1
    clock = parameters.time.monotonic() + parameters.CACHE_SECONDS + 1
    monkeypatch.setattr(parameters.time, "monotonic", lambda: clock)
    assert parameters.value("session_limit_per_user") == 1


def test_an_unchanged_value_is_not_logged(admin_client, settings):
    settings.PASSWORD_HISTORY_COUNT = 5
    edit(admin_client, "password_history_count", "6")
    edit(admin_client, "password_history_count", "6")
    assert OperationLog.objects.filter(model_label="core.systemparameter").count() == 1
