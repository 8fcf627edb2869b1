"""The channels a notice can leave the platform by: e-mail (Django's e-mail backend, SMTP
in deployment), and the group robots of 企业微信 and 钉钉 (a JSON POST to the webhook; 钉钉
optionally signed with the robot's secret). Each channel says who receives a notice of a
unit (``recipients``) and sends one message (``send``, raising ``DeliveryError``).

A new channel is a class here added to ``CHANNELS`` (and a choice of ``NoticeChannel``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from luoshi.notices.models import NoticeChannel, UnitNoticeSetting

TIMEOUT_SECONDS = 10
PREFIX = "【落实】"  # also the keyword a robot's 自定义关键词 security setting can require


class DeliveryError(Exception):
    """The message did not go out; the text says why (kept on the delivery record)."""


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str  # absolute, or "" when SITE_URL is not set

    @classmethod
    def of(cls, title: str, body: str, path: str) -> Message:
        base = getattr(settings, "SITE_URL", "").rstrip("/")
        return cls(title=title, body=body, url=f"{base}{path}" if base and path else "")

    def text(self) -> str:
        lines = [f"{PREFIX}{self.title}"]
        if self.body:
            lines.append(self.body)
        if self.url:
            lines.append(_("查看详情：%(url)s") % {"url": self.url})
        return "\n".join(lines)


class EmailChannel:
    code = NoticeChannel.EMAIL

    @staticmethod
    def recipients(setting: UnitNoticeSetting, user) -> list[str]:
        addresses = setting.email_list()
        if setting.email_people and user is not None and user.email:
            addresses.append(user.email)
        return addresses

    @staticmethod
    def send(setting: UnitNoticeSetting, recipient: str, message: Message) -> None:
        backend = getattr(settings, "MAILERS", {}).get("default", {}).get("BACKEND", "")
        if backend.endswith("console.EmailBackend"):  # no EMAIL_HOST: nothing would leave
            raise DeliveryError(_("服务器未配置发信服务器（EMAIL_HOST），邮件未发出"))
        try:
            send_mail(
                subject=f"{PREFIX}{message.title}",
                message=message.text(),
                from_email=None,  # DEFAULT_FROM_EMAIL
                recipient_list=[recipient],
            )
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(_("邮件发送失败：%(error)s") % {"error": error}) from error


def _post_json(url: str, payload: dict) -> None:
    """POST ``payload``; the robots answer ``{"errcode": 0, ...}`` when they took it."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer = json.loads(response.read(65536) or b"{}")
    except urllib.error.HTTPError as error:
        raise DeliveryError(_("机器人地址返回 HTTP %(code)s") % {"code": error.code}) from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise DeliveryError(_("无法连接机器人地址：%(error)s") % {"error": error}) from error
    if not isinstance(answer, dict) or answer.get("errcode", 0) != 0:
        detail = answer.get("errmsg", "") if isinstance(answer, dict) else answer
        raise DeliveryError(
            _("机器人拒收（errcode %(code)s）：%(detail)s")
            % {"code": answer.get("errcode") if isinstance(answer, dict) else "?", "detail": detail}
        )


def _markdown(message: Message) -> str:
    lines = [f"**{PREFIX}{message.title}**"]
    if message.body:
        lines.append(message.body)
    if message.url:
        lines.append(f"[{_('查看详情')}]({message.url})")
    return "\n\n".join(lines)


class WeComRobot:
    code = NoticeChannel.WECOM

    @staticmethod
    def recipients(setting: UnitNoticeSetting, user) -> list[str]:
        return [f"unit:{setting.unit_id}"]  # the unit's group: once per event, not per person

    @staticmethod
    def send(setting: UnitNoticeSetting, recipient: str, message: Message) -> None:
        if not (setting.wecom_enabled and setting.wecom_webhook):
            raise DeliveryError(_("单位已关闭企业微信推送"))
        payload = {"msgtype": "markdown", "markdown": {"content": _markdown(message)}}
        _post_json(setting.wecom_webhook, payload)


def dingtalk_signed_url(webhook: str, secret: str, timestamp_ms: int | None = None) -> str:
    """钉钉 加签: ``timestamp`` (ms) and ``sign`` = base64(HMAC-SHA256(secret,
    "timestamp\\nsecret")), URL-encoded, appended to the webhook."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else round(time.time() * 1000))
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256
    ).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    separator = "&" if "?" in webhook else "?"
    return f"{webhook}{separator}timestamp={timestamp}&sign={sign}"


class DingTalkRobot:
    code = NoticeChannel.DINGTALK

    @staticmethod
    def recipients(setting: UnitNoticeSetting, user) -> list[str]:
        return [f"unit:{setting.unit_id}"]

    @staticmethod
    def send(setting: UnitNoticeSetting, recipient: str, message: Message) -> None:
        if not (setting.dingtalk_enabled and setting.dingtalk_webhook):
            raise DeliveryError(_("单位已关闭钉钉推送"))
        url = setting.dingtalk_webhook
        if setting.dingtalk_secret:
            url = dingtalk_signed_url(url, setting.dingtalk_secret)
        payload = {
            "msgtype": "markdown",
            "markdown": {"title": f"{PREFIX}{message.title}", "text": _markdown(message)},
        }
        _post_json(url, payload)


CHANNELS = {channel.code: channel for channel in (EmailChannel, WeComRobot, DingTalkRobot)}
