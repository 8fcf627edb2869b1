"""Writes of channels and their checks."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from luoshi.channels.models import Channel, ChannelCheck
from luoshi.channels.workflow import CHANNEL_FLOW
from luoshi.core.history import written_by
from luoshi.core.workflow import WorkflowError
from luoshi.evidence import services as evidence_services
from luoshi.notices.services import notify


def refresh_schedule(channel: Channel) -> None:
    """Recompute the last check and the next due date (never checked: due from opening)."""
    last = channel.checks.aggregate(last=Max("checked_on"))["last"]
    channel.last_checked_on = last
    channel.next_check_due = channel.compute_next_due(last)
    # A computed field: written without a history row of its own.
    Channel.objects.filter(pk=channel.pk).update(
        last_checked_on=channel.last_checked_on, next_check_due=channel.next_check_due
    )


@transaction.atomic
def create_channel(*, channel: Channel, user, files=()) -> Channel:
    """Register ``channel`` (unsaved, e.g. ``form.save(commit=False)``) with its evidence."""
    channel.created_by = user
    written_by(channel, user)
    channel.save()
    refresh_schedule(channel)
    for uploaded in files:
        evidence_services.attach_file(owner=channel, uploaded=uploaded, user=user)
    if channel.administrator_id != user.pk:
        notify(
            [channel.administrator],
            title=_("您被设为阵地「%(name)s」的管理员") % {"name": channel.name},
            url=channel.get_absolute_url(),
        )
    return channel


@transaction.atomic
def update_channel(*, form, user) -> Channel:
    channel = form.save()
    refresh_schedule(channel)
    return channel


@transaction.atomic
def record_check(
    *, channel: Channel, user, checked_on, checker, result, findings, rectification="", files=()
) -> ChannelCheck:
    """Record a check of an active channel, attach its evidence, move the next due date."""
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if not channel.is_active:
        raise WorkflowError(_("阵地已关闭，不能再登记检查。"))
    check = ChannelCheck(
        channel=channel,
        unit_id=channel.unit_id,
        created_by=user,
        checked_on=checked_on,
        checker=checker,
        result=result,
        findings=findings,
        rectification=rectification,
    )
    written_by(check, user)
    check.save()
    for uploaded in files:
        evidence_services.attach_file(owner=check, uploaded=uploaded, user=user)
    refresh_schedule(channel)
    return check


@transaction.atomic
def close_channel(*, channel: Channel, user, reason: str, closed_on: datetime.date):
    """Close a channel: a signed workflow step; the channel, its checks and history stay."""
    return CHANNEL_FLOW.apply(
        channel,
        "close",
        user=user,
        comment=reason,
        closed_on=closed_on,
        close_reason=(reason or "").strip(),
    )
