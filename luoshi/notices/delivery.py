"""Notices out through each unit's channels (``luoshi.notices.channels``), in the background.

``queue`` (called by ``notify``) records a ``Delivery`` per (event, channel, recipient) —
the unique key that keeps a reminder from going out twice, however often the job that
notifies runs — and queues ``send_deliveries`` after the commit. The background worker
(django-tasks-db's ``db_worker``) sends: a message is claimed before it is sent (never by
two workers), a failure is kept on the record and retried later up to the 参数设置 limit
``notice_max_attempts``; then it stays 「发送失败」 on the 通知发送记录 page, where the
administrator sees why and can send it again. A send interrupted half-way (the worker
died) is never repeated by itself: it may have reached the group already.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.tasks import task, task_backends
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.core import parameters
from luoshi.notices.channels import CHANNELS, DeliveryError, Message
from luoshi.notices.models import Delivery, Notice, UnitNoticeSetting

logger = logging.getLogger(__name__)

BATCH = 200
RETRY_MINUTES = (1, 5, 30, 120, 360)  # after the 1st, 2nd, ... failure
INTERRUPTED_AFTER = datetime.timedelta(hours=1)


def _settings_of(unit_ids: Iterable[int]) -> dict[int, UnitNoticeSetting]:
    settings = UnitNoticeSetting.objects.filter(unit_id__in=set(unit_ids))
    return {s.unit_id: s for s in settings if s.enabled_channels()}


def queue(notices: list[Notice], event: str) -> int:
    """Deliveries of ``notices`` (one event, e.g. one reminder to a unit's submitters)
    through their units' channels; returns how many are new."""
    by_unit = _settings_of(n.recipient.unit_id for n in notices if n.recipient.unit_id)
    deliveries = []
    for notice in notices:
        setting = by_unit.get(notice.recipient.unit_id)
        if setting is None:
            continue
        for code in setting.enabled_channels():
            for recipient in CHANNELS[code].recipients(setting, notice.recipient):
                deliveries.append(_delivery(event, code, recipient, setting.unit_id, notice))
    return _add(deliveries)


def _delivery(event: str, code: str, recipient: str, unit_id: int, notice) -> Delivery:
    return Delivery(
        event=event[:160],
        channel=code,
        recipient=recipient[:254],
        unit_id=unit_id,
        notice=notice if notice.pk else None,  # a test message has no notice
        title=notice.title[:200],
        body=notice.body,
        url=notice.url,
        next_attempt_at=timezone.now(),
    )


def _add(deliveries: list[Delivery]) -> int:
    """Insert the deliveries not recorded yet (the unique key drops the others)."""
    if not deliveries:
        return 0
    keys = {(d.event, d.channel, d.recipient) for d in deliveries}
    before = Delivery.objects.filter(event__in={k[0] for k in keys}).count()
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    added = Delivery.objects.filter(event__in={k[0] for k in keys}).count() - before
    if added:
        transaction.on_commit(enqueue_sending)
    return added


def enqueue_sending(run_after: datetime.datetime | None = None) -> None:
    """Queue ``send_deliveries`` (at ``run_after`` where the backend can defer)."""
    backend = task_backends[send_deliveries.backend]
    if run_after is not None and backend.supports_defer:
        send_deliveries.using(run_after=run_after).enqueue()
    elif run_after is None:
        send_deliveries.enqueue()


@task
def send_deliveries() -> dict:
    return deliver_due()


def deliver_due(now: datetime.datetime | None = None) -> dict:
    """Send every delivery that is due; schedule the next run for the retries waiting."""
    now = now or timezone.now()
    summary = {"sent": 0, "failed": 0, "retry": 0}
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
    for delivery in due.order_by("next_attempt_at", "pk")[:BATCH]:
        outcome = _deliver_one(delivery, now)
        if outcome:
            summary[outcome] += 1
    waiting = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__gt=now)
    next_at = waiting.order_by("next_attempt_at").values_list("next_attempt_at", flat=True)
    if next_at:
        enqueue_sending(run_after=next_at[0])
    return summary


def _claim(delivery: Delivery) -> bool:
    """Take the delivery for this worker: only one of several running workers gets it."""
    claimed = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=None,
        claimed_at=timezone.now(),
    )
    delivery.refresh_from_db(fields=["status", "attempts"])
    return claimed == 1


def _deliver_one(delivery: Delivery, now: datetime.datetime) -> str:
    if not _claim(delivery):
        return ""
    setting = UnitNoticeSetting.objects.filter(unit_id=delivery.unit_id).first()
    message = Message.of(delivery.title, delivery.body, delivery.url)
    try:
        if setting is None:
            raise DeliveryError(_("单位未设置通知渠道"))
        CHANNELS[delivery.channel].send(setting, delivery.recipient, message)
    except DeliveryError as error:
        return _failed(delivery, str(error), now)
    except Exception as error:  # noqa: BLE001 - any failure is kept on the record
        logger.exception("delivery %s failed", delivery.pk)
        return _failed(delivery, f"{type(error).__name__}: {error}", now)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _failed(delivery: Delivery, error: str, now: datetime.datetime) -> str:
    limit = parameters.value("notice_max_attempts")
    if delivery.attempts >= limit:
        status, next_at, outcome = Delivery.Status.FAILED, None, "failed"
    else:
        minutes = RETRY_MINUTES[min(delivery.attempts, len(RETRY_MINUTES)) - 1]
        status, next_at = Delivery.Status.PENDING, now + datetime.timedelta(minutes=minutes)
        outcome = "retry"
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, next_attempt_at=next_at, last_error=error[:500]
    )
    return outcome


def mark_interrupted(now: datetime.datetime | None = None) -> int:
    """Sends that never finished (the worker stopped mid-way) become failures to look at;
    they are not repeated by themselves (the group may have the message already)."""
    cutoff = (now or timezone.now()) - INTERRUPTED_AFTER
    return Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=cutoff).update(
        status=Delivery.Status.FAILED, last_error=_("发送中断，结果未知，未自动重发")
    )


def retry(deliveries) -> int:
    """The administrator sends failed deliveries again (a new round of attempts)."""
    count = deliveries.filter(status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if count:
        transaction.on_commit(enqueue_sending)
    return count


def send_test(setting: UnitNoticeSetting, user) -> int:
    """A test message through each channel the unit has enabled (to its group robots, its
    mailboxes, or else the acting user's own address)."""
    stamp = timezone.localtime()
    notice = Notice(
        recipient=user,
        title=_("测试消息"),
        body=_("这是「%(unit)s」通知渠道的测试消息（%(time)s），收到即说明配置正确。")
        % {"unit": setting.unit, "time": f"{stamp:%Y-%m-%d %H:%M:%S}"},
        url="",
    )
    event = f"test:{setting.unit_id}:{stamp:%Y%m%d%H%M%S%f}"
    deliveries = []
    for code in setting.enabled_channels():
        recipients = CHANNELS[code].recipients(setting, user)
        if code == "email" and not recipients and user.email:
            recipients = [user.email]
        for recipient in recipients:
            deliveries.append(_delivery(event, code, recipient, setting.unit_id, notice))
    return _add(deliveries)
