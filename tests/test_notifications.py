"""Notices out through each unit's channels: e-mail to a real SMTP server and the 企业微信 /
钉钉 group robots (a loopback HTTP server), sent by the background job, never twice, retried
on failure up to the 参数设置 limit, failures shown to the administrator."""

import base64
import datetime
import hashlib
import hmac
from urllib.parse import unquote_plus

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from luoshi.core import parameters
from luoshi.notices.channels import dingtalk_signed_url
from luoshi.notices.delivery import deliver_due, mark_interrupted, send_deliveries
from luoshi.notices.models import Delivery, Notice, UnitNoticeSetting
from luoshi.notices.services import notify
from luoshi.tasks import jobs, services
from tests.notify_support import RobotServer, SmtpServer
from tests.tasks_support import issue, task_world

D = datetime.date
SECRET = "SEC0123456789abcdef"


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
            }
        }
        settings.DEFAULT_FROM_EMAIL = "luoshi@example.gov.cn"
        yield server


@pytest.fixture
def robots():
    with RobotServer() as server:
        yield server


@pytest.fixture
def world(tree, users, settings):
    settings.SITE_URL = "https://luoshi.example.gov.cn"
    return task_world(tree, users)


def channels_for(unit, robots, **extra):
    values = {
        "email_enabled": True,
        "email_addresses": "office@news.example.gov.cn",
        "wecom_enabled": True,
        "wecom_webhook": f"{robots.url}/wecom?key=abc",
        "dingtalk_enabled": True,
        "dingtalk_webhook": f"{robots.url}/dingtalk?access_token=xyz",
        "dingtalk_secret": SECRET,
        **extra,
    }
    return UnitNoticeSetting.objects.create(unit=unit, **values)


def later(minutes):
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_a_reminder_goes_out_once_through_every_channel_of_the_unit(world, smtp, robots):
    channels_for(world.news, robots)
    task = issue(world, evidence_required=False, deadline=D(2026, 5, 20))
    Delivery.objects.all().delete()  # the "new task" messages
    assert services.send_reminders(D(2026, 5, 17)).upcoming == 2
    assert deliver_due() == {"sent": 3, "failed": 0, "retry": 0}
    # the reminder job runs again (cron and the worker both, or a rerun): nothing new
    assert services.send_reminders(D(2026, 5, 17)).upcoming == 0
    jobs.run_daily(D(2026, 5, 17))
    assert deliver_due() == {"sent": 0, "failed": 0, "retry": 0}

    [(recipients, mail)] = smtp.mailbox.messages
    assert recipients == ["office@news.example.gov.cn"]
    assert (
        mail["Subject"] == f"【落实】「{task.title}」将于 2026-05-20 截止（还有 3 天），请按时报送"
    )
    assert mail["From"] == "luoshi@example.gov.cn"
    assignment = task.assignments.get(unit=world.news)
    link = f"https://luoshi.example.gov.cn{assignment.get_absolute_url()}"
    assert link in mail.get_content()

    [wecom] = robots.calls_to("/wecom")
    assert wecom.query["key"] == ["abc"]
    assert wecom.body["msgtype"] == "markdown"
    assert "2026-05-20 截止" in wecom.body["markdown"]["content"]
    assert f"[查看详情]({link})" in wecom.body["markdown"]["content"]
    [dingtalk] = robots.calls_to("/dingtalk")
    assert dingtalk.body["markdown"]["title"].startswith("【落实】")
    assert link in dingtalk.body["markdown"]["text"]
    # 理论科 has no channels: its clerk's reminder stays in the app only
    assert not Delivery.objects.filter(unit=world.theory).exists()


def test_dingtalk_signature_is_the_hmac_of_timestamp_and_secret(world, robots):
    channels_for(world.news, robots, email_enabled=False, wecom_enabled=False)
    notify([world.news_clerk], title="签名测试", url="/tasks/", dedupe_key="sign-test")
    deliver_due()
    [call] = robots.calls_to("/dingtalk")
    timestamp = call.query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert call.query["sign"] == [expected]  # parse_qs has decoded the URL encoding
    assert call.query["access_token"] == ["xyz"]
    assert abs(int(timestamp) - timezone.now().timestamp() * 1000) < 3_600_000
    # the documented algorithm, with a known timestamp
    signed = dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=t", "s", 1)
    digest = hmac.new(b"s", b"1\ns", hashlib.sha256).digest()
    assert unquote_plus(signed.split("sign=")[1]) == base64.b64encode(digest).decode()


def test_without_a_secret_no_signature_is_sent(world, robots):
    channels_for(world.news, robots, email_enabled=False, wecom_enabled=False, dingtalk_secret="")
    notify([world.news_clerk], title="无加签", dedupe_key="plain")
    deliver_due()
    [call] = robots.calls_to("/dingtalk")
    assert "sign" not in call.query and "timestamp" not in call.query


def test_a_group_robot_hears_an_event_once_however_many_people_it_concerns(world, robots):
    channels_for(world.news, robots, email_enabled=False, dingtalk_enabled=False)
    second = type(world.news_clerk).objects.create_user(
        "u_news_second", unit=world.news, email="second@example.gov.cn"
    )
    notify([world.news_clerk, second], title="两人同一事件", dedupe_key="event-1")
    notify([world.news_clerk, second], title="两人同一事件", dedupe_key="event-1")
    deliver_due()
    assert len(robots.calls_to("/wecom")) == 1


def test_people_get_their_own_copy_when_the_unit_asks(world, smtp, robots):
    world.news_clerk.email = "clerk@example.gov.cn"
    world.news_clerk.save()
    channels_for(world.news, robots, email_people=True, wecom_enabled=False, dingtalk_enabled=False)
    notify([world.news_clerk], title="退回修改", dedupe_key="returned-1")
    deliver_due()
    assert sorted(r for rcpts, _ in smtp.mailbox.messages for r in rcpts) == [
        "clerk@example.gov.cn",
        "office@news.example.gov.cn",
    ]


def test_a_failure_is_recorded_then_retried_until_the_limit(world, robots, settings):
    settings.NOTICE_MAX_ATTEMPTS = 3
    channels_for(world.news, robots, email_enabled=False, dingtalk_enabled=False)
    robots.answers = [(500, {}), (200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    notify([world.news_clerk], title="重试", dedupe_key="retry-1")

    assert deliver_due() == {"sent": 0, "failed": 0, "retry": 1}
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "HTTP 500" in delivery.last_error
    assert deliver_due() == {"sent": 0, "failed": 0, "retry": 0}  # not due yet
    assert deliver_due(now=later(2)) == {"sent": 0, "failed": 0, "retry": 1}
    delivery.refresh_from_db()
    assert "errcode 93000" in delivery.last_error and "invalid webhook url" in delivery.last_error
    assert deliver_due(now=later(60)) == {"sent": 1, "failed": 0, "retry": 0}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, "")
    assert len(robots.calls_to("/wecom")) == 3


def test_after_the_last_attempt_the_failure_waits_for_the_administrator(
    world, robots, client, users
):
    parameters.change(parameters.registry.PARAMETERS["notice_max_attempts"], "1", user=users.admin)
    channels_for(world.news, robots, email_enabled=False, dingtalk_enabled=False)
    robots.answers = [(503, {})]
    notify([world.news_clerk], title="失败可见", dedupe_key="fail-1")
    assert deliver_due() == {"sent": 0, "failed": 1, "retry": 0}
    assert deliver_due(now=later(600)) == {"sent": 0, "failed": 0, "retry": 0}

    client.force_login(users.admin)
    page = client.get(reverse("notices:deliveries"), {"status": "failed"})
    assert "失败可见" in page.text and "HTTP 503" in page.text
    client.post(reverse("notices:delivery_retry"))
    assert deliver_due() == {"sent": 1, "failed": 0, "retry": 0}
    assert len(robots.calls_to("/wecom")) == 2


def test_a_send_cut_off_half_way_is_not_repeated(world, robots):
    channels_for(world.news, robots, email_enabled=False, dingtalk_enabled=False)
    notify([world.news_clerk], title="中断", dedupe_key="cut-1")
    Delivery.objects.update(status="sending", claimed_at=later(-120))
    assert mark_interrupted() == 1
    assert deliver_due() == {"sent": 0, "failed": 0, "retry": 0}
    assert Delivery.objects.get().last_error == "发送中断，结果未知，未自动重发"
    assert robots.calls == []


def test_sending_waits_for_the_worker_not_the_request(
    world, robots, django_capture_on_commit_callbacks
):
    channels_for(world.news, robots, email_enabled=False, dingtalk_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        issue(world, evidence_required=False)  # the "new task" notices
    assert Delivery.objects.filter(status="pending").count() == 1
    assert robots.calls == []
    queued = DBTaskResult.objects.filter(task_path="luoshi.notices.delivery.send_deliveries")
    assert queued.filter(status="READY").count() == 1
    send_deliveries.call()  # what the db_worker runs
    assert len(robots.calls_to("/wecom")) == 1


def test_the_unit_settings_page_and_its_test_message(world, robots, client, users):
    url = reverse("notices:unit_channels", args=[world.news.pk])
    client.force_login(users.unit_admin)
    bad = client.post(url, {"wecom_enabled": "on", "email_enabled": "on", "email_addresses": "a@b"})
    assert "启用企业微信推送须填写机器人地址。" in bad.text
    assert "邮箱地址格式不对：a@b" in bad.text
    assert not UnitNoticeSetting.objects.exists()
    saved = client.post(
        url,
        {"dingtalk_enabled": "on", "dingtalk_webhook": f"{robots.url}/dingtalk?access_token=1"},
    )
    assert saved.status_code == 302
    client.post(reverse("notices:unit_channels_test", args=[world.news.pk]))
    assert robots.calls == []  # queued for the worker, not sent in the request
    deliver_due()
    [call] = robots.calls_to("/dingtalk")
    assert "测试消息" in call.body["markdown"]["text"]
    page = client.get(url)
    assert "已发送" in page.text


def test_unit_settings_are_scoped(world, client, users):
    client.force_login(users.unit_admin)  # 宣传部's unit administrator: 宣传部 and below
    assert (
        client.get(reverse("notices:unit_channels", args=[world.tree.sibling.pk])).status_code
        == 404
    )
    client.force_login(users.clerk)
    assert client.get(reverse("notices:unit_channels", args=[world.news.pk])).status_code == 403
    client.force_login(users.sibling_clerk)
    assert client.get(reverse("notices:deliveries")).status_code == 403


def test_the_notice_itself_is_still_in_the_app(world, robots):
    channels_for(world.news, robots, email_enabled=False, dingtalk_enabled=False)
    notify([world.news_clerk], title="站内仍有", dedupe_key="inapp")
    assert Notice.objects.filter(recipient=world.news_clerk, title="站内仍有").exists()


def test_without_an_smtp_server_e_mail_fails_visibly(world, robots, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    channels_for(world.news, robots, wecom_enabled=False, dingtalk_enabled=False)
    notify([world.news_clerk], title="无邮件服务器", dedupe_key="no-smtp")
    deliver_due()
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and "EMAIL_HOST" in delivery.last_error
