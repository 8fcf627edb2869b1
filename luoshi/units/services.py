"""Writes to the unit tree. Records keep their unit foreign key, so moving a subtree
keeps every record with its unit, and scope follows the new position at once."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from luoshi.audit.services import log_change
from luoshi.core import rollups
from luoshi.core.history import written_by
from luoshi.units.models import Unit, UnitYearStat


@transaction.atomic
def create_unit(*, parent: Unit | None, history_user=None, **fields) -> Unit:
    """``history_user``: who is named in the unit's history when there is no request (an
    import running as a background job)."""
    unit = Unit(**fields)
    if history_user is not None:
        written_by(unit, history_user)
    if parent is None:
        return Unit.objects.add_root(instance=unit)
    return Unit.objects.add_child(parent, instance=unit)


@transaction.atomic
def update_unit(*, unit: Unit, order_changed: bool) -> Unit:
    unit.save()
    if order_changed:  # keep siblings sorted by (order, code)
        unit.refresh_from_db()
        parent = Unit.objects.get_parent(unit)
        if parent is not None:
            Unit.objects.move(unit, parent, "sorted-child")
    return unit


@transaction.atomic
def move_unit(*, unit: Unit, new_parent: Unit) -> Unit:
    if new_parent.path.startswith(unit.path):
        raise ValidationError(_("不能把单位移动到它自己或它的下级单位之下。"))
    old_parent = Unit.objects.get_parent(unit)
    with rollups.tracking_subtree(unit):  # the records below change ancestors
        Unit.objects.move(unit, new_parent, "sorted-child")
    unit.refresh_from_db()
    # A move rewrites paths with SQL only (no save, no history): log it explicitly.
    change = {"field": _("上级单位"), "old": str(old_parent or ""), "new": str(new_parent)}
    log_change(unit, [change])
    return unit


@transaction.atomic
def set_active(*, unit: Unit, active: bool) -> int:
    """Deactivate a unit with its whole subtree, or reactivate just this unit."""
    if active:
        unit.is_active = True
        unit.save(update_fields=["is_active", "updated_at"])
        return 1
    units = list(Unit.objects.filter(path__startswith=unit.path, is_active=True))
    for item in units:  # one save each so the history and operation log see it
        item.is_active = False
        item.save(update_fields=["is_active", "updated_at"])
    return len(units)


def deactivation_notice(unit: Unit) -> str:
    """What 停用（含下级） will do, said before it is done."""
    below = Unit.objects.filter(path__startswith=unit.path, is_active=True).exclude(pk=unit.pk)
    count = below.count()
    if not count:
        return _("将停用%(name)s；之后可以重新启用。确定停用吗？") % {"name": unit.name}
    return _("将停用%(name)s及其下属%(count)d个单位；重新启用时须逐个启用。确定停用吗？") % {
        "name": unit.name,
        "count": count,
    }


@transaction.atomic
def delete_unit(*, unit: Unit) -> None:
    """Only an empty leaf can be deleted; a unit with records is only deactivated."""
    if Unit.objects.get_children_count(unit):
        raise ValidationError(_("该单位有下级单位，不能删除；可以停用。"))
    try:
        UnitYearStat.objects.filter(unit=unit).delete()
        unit.delete()
    except ProtectedError as error:
        raise ValidationError(_("该单位已有业务记录或人员，不能删除，只能停用。")) from error


@transaction.atomic
def set_year_stat(*, unit: Unit, year: int, party_members: int) -> UnitYearStat:
    stat, _created = UnitYearStat.objects.update_or_create(
        unit=unit, year=year, defaults={"party_members": party_members}
    )
    return stat
