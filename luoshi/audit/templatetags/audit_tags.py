from django import template

from luoshi.audit.signals import history_changes as _history_changes

register = template.Library()


@register.filter
def history_changes(entry):
    return _history_changes(entry)
