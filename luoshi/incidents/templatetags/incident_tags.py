import datetime

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(value: datetime.timedelta | None) -> str:
    """A timedelta as 「1天3小时」「2小时5分钟」「40分钟」."""
    if value is None:
        return ""
    minutes = max(int(value.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d天%(h)d小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d小时%(m)d分钟") % {"h": hours, "m": minutes}
    return _("%(m)d分钟") % {"m": minutes}


def hours(value: datetime.timedelta | None):
    """For exports: a number of hours with one decimal."""
    return None if value is None else round(value.total_seconds() / 3600, 1)
