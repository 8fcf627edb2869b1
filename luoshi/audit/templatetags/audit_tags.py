from django import template
from django.urls import reverse

from luoshi.audit.selectors import entries_of
from luoshi.audit.signals import history_changes as _history_changes
from luoshi.audit.tracking import is_logged

register = template.Library()


@register.filter
def history_changes(entry):
    return _history_changes(entry)


@register.simple_tag
def object_log(obj, limit: int = 30):
    """The latest entries of ``obj``'s operation log (for its page)."""
    return list(entries_of(obj).select_related("user")[:limit])


@register.simple_tag
def object_log_url(obj) -> str:
    """The address of ``obj``'s 「操作记录」, or "" when the record is not logged."""
    meta = getattr(obj, "_meta", None)  # also through a lazy object (request.user)
    if meta is None or getattr(obj, "pk", None) is None or not is_logged(meta.model):
        return ""
    return reverse("audit:object", args=[obj._meta.label_lower, obj.pk])
