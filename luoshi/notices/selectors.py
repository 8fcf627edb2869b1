"""Reads of 通知公告: what a reader receives, what an author manages, who has read."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from luoshi.notices.models import Announcement, AnnouncementReceipt, Delivery


def received(user):
    """The published announcements addressed to ``user``'s unit, each with ``is_read``."""
    mine = AnnouncementReceipt.objects.filter(announcement=OuterRef("pk"), user=user.pk)
    return (
        Announcement.objects.for_reader(user)
        .select_related("unit")
        .annotate(is_read=Exists(mine))
        .order_by("-published_at", "-id")
    )


def unread_announcements(user):
    return received(user).filter(is_read=False)


def managed(user):
    """Announcements of units in ``user``'s scope (drafts included): the author's side."""
    return Announcement.objects.writable_by(user).select_related("unit", "created_by")


def deliveries_for(user):
    return Delivery.objects.for_user(user).select_related("unit")


@dataclass
class UnitReaders:
    unit: object
    read: list = field(default_factory=list)  # [(user, read_at)]
    unread: list = field(default_factory=list)


def readers_by_unit(announcement: Announcement) -> list[UnitReaders]:
    """The active people of each target unit, split into read (with when) and not read."""
    receipts = dict(announcement.receipts.values_list("user_id", "read_at"))
    units = {u.pk: UnitReaders(u) for u in announcement.target_units.order_by("path")}
    people = get_user_model().objects.filter(unit__in=list(units), is_active=True)
    for person in people.order_by("unit__path", "username"):
        group = units[person.unit_id]
        if person.pk in receipts:
            group.read.append((person, receipts[person.pk]))
        else:
            group.unread.append(person)
    return list(units.values())
