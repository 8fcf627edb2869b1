"""Sending notices. Every module notifies people through ``notify``."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.core.workflow import WorkflowError
from luoshi.notices import delivery
from luoshi.notices.models import Announcement, AnnouncementReceipt, Notice
from luoshi.notices.workflow import ANNOUNCEMENT
from luoshi.units.models import Unit


def notify(
    recipients,
    *,
    title: str,
    url: str = "",
    body: str = "",
    kind=Notice.Kind.INFO,
    dedupe_key: str = "",
) -> int:
    """Send a notice to each recipient; with ``dedupe_key``, at most once per recipient.
    The new notices also go out through their units' channels (e-mail, group robots:
    ``luoshi.notices.delivery``), once per event and recipient, in the background."""
    created = []
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        try:
            with transaction.atomic():
                notice = Notice.objects.create(
                    recipient=user,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    url=url,
                    dedupe_key=dedupe_key,
                )
        except IntegrityError:  # already told about this event
            continue
        created.append(notice)
    if created:
        delivery.queue(created, event=dedupe_key or f"notice:{created[0].pk}")
    return len(created)


def mark_read(user, notice_ids=None) -> int:
    notices = Notice.objects.for_user(user).unread()
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    return notices.update(read_at=timezone.now())


def mark_done(*, url: str, before) -> int:
    """The notices about the record at ``url`` sent before ``before`` are done: a step was
    taken on the record (submitted, reviewed, closed), so they are marked read for everyone."""
    if not url:
        return 0
    return Notice.objects.filter(url=url, read_at=None, created_at__lt=before).update(
        read_at=timezone.now()
    )


# --- 通知公告 ---------------------------------------------------------------------------------


def announcement_readers(announcement: Announcement):
    return get_user_model().objects.filter(unit__in=announcement.target_units.all(), is_active=True)


def publish(announcement: Announcement, *, user) -> None:
    """Publish (no edit afterwards) and tell the people of the target units, through the
    in-app inbox and their units' channels. Every target unit must be in the publisher's
    scope."""
    if not announcement.target_units.exists():
        raise WorkflowError(_("请先选择发送单位。"))
    outside = announcement.target_units.exclude(pk__in=Unit.objects.for_user(user).values("pk"))
    if outside.exists():
        raise WorkflowError(
            _("发送单位「%(units)s」不在您的管理范围内。")
            % {"units": "、".join(str(u) for u in outside[:5])}
        )
    ANNOUNCEMENT.apply(announcement, "publish", user=user, published_at=timezone.now())
    notify(
        announcement_readers(announcement),
        title=_("通知公告：%(title)s") % {"title": announcement.title},
        body=announcement.body[:300],
        url=announcement.get_absolute_url(),
        dedupe_key=f"announcement:{announcement.pk}",
    )


def withdraw(announcement: Announcement, *, user) -> None:
    ANNOUNCEMENT.apply(announcement, "withdraw", user=user, withdrawn_at=timezone.now())


def mark_announcement_read(announcement: Announcement, user) -> bool:
    """Record that ``user`` opened ``announcement`` (once); its notice is read too."""
    _receipt, created = AnnouncementReceipt.objects.get_or_create(
        announcement=announcement, user=user
    )
    Notice.objects.for_user(user).unread().filter(url=announcement.get_absolute_url()).update(
        read_at=timezone.now()
    )
    return created
