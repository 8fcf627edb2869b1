"""Sending notices. Every module notifies people through ``notify``."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from luoshi.notices.models import Notice


def notify(
    recipients,
    *,
    title: str,
    url: str = "",
    body: str = "",
    kind=Notice.Kind.INFO,
    dedupe_key: str = "",
) -> int:
    """Send a notice to each recipient; with ``dedupe_key``, at most once per recipient."""
    sent = 0
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        try:
            with transaction.atomic():
                Notice.objects.create(
                    recipient=user,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    url=url,
                    dedupe_key=dedupe_key,
                )
            sent += 1
        except IntegrityError:  # already told about this event
            continue
    return sent


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
