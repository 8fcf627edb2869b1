"""Fill the operation log from simple-history and the login log from auth signals."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.signals import post_create_historical_record

from luoshi.audit import chain
from luoshi.audit.models import LoginLog, OperationLog
from luoshi.core.client_address import client_address
from luoshi.core.parameters import SystemParameter, parameter_changed

client_ip = client_address  # the former name, for callers not yet moved to luoshi.core


@receiver(post_save, sender=OperationLog)
@receiver(post_save, sender=LoginLog)
def seal_new_log_rows(sender, created, **kwargs):
    if created:
        chain.seal_after_commit(sender)


# Labels for inherited fields whose Django names do not fit luoshi's vocabulary.
FIELD_LABELS = {"groups": _("角色")}


def _display(field, value):
    if value is None:
        return ""
    if field.many_to_many:  # simple-history gives the through rows as dicts
        key = field.m2m_reverse_field_name()
        ids = [row[key] for row in value]
        return "、".join(sorted(str(o) for o in field.related_model.objects.filter(pk__in=ids)))
    return str(value)[:200]


def history_changes(history_instance):
    """Field-level changes of an update, as [{field, old, new}] with display names."""
    if history_instance.history_type != "~":
        return []
    previous = history_instance.prev_record
    if previous is None:
        return []
    delta = history_instance.diff_against(previous, foreign_keys_are_objs=False)
    meta = type(history_instance.instance)._meta
    changes = []
    for change in delta.changes:
        field = meta.get_field(change.field)
        changes.append(
            {
                "field": str(FIELD_LABELS.get(change.field, field.verbose_name)),
                "old": _display(field, change.old),
                "new": _display(field, change.new),
            }
        )
    return changes


@receiver(post_create_historical_record)
def log_operation(sender, instance, history_instance, history_user=None, **kwargs):
    from simple_history.models import HistoricalRecords

    changes = history_changes(history_instance)
    if history_instance.history_type == "~" and not changes:
        return  # e.g. only last_login moved: nothing a reader of the log cares about
    request = getattr(HistoricalRecords.context, "request", None)
    meta = type(instance)._meta
    OperationLog.objects.create(
        time=history_instance.history_date,
        user=history_user if getattr(history_user, "pk", None) else None,
        action=history_instance.history_type,
        model_label=meta.label_lower,
        model_name=str(meta.verbose_name),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
        ip=client_address(request),
    )


@receiver(parameter_changed)
def log_parameter_change(sender, spec, old, new, user=None, **kwargs):
    """参数设置: every change (and every return to the default) in the operation log."""
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    OperationLog.objects.create(
        time=timezone.now(),
        user=user if getattr(user, "pk", None) else None,
        action=OperationLog.Action.UPDATE,
        model_label=SystemParameter._meta.label_lower,
        model_name=str(SystemParameter._meta.verbose_name),
        object_id=spec.key,
        object_repr=str(spec.label)[:200],
        changes=[{"field": str(spec.label), "old": old, "new": new}],
        ip=client_address(request),
    )


def _login_log(request, event, username, user=None, path=""):
    LoginLog.objects.create(
        path=path[:300],
        username=(username or "")[:150],
        user=user,
        event=event,
        ip=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
    )


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    _login_log(request, LoginLog.Event.SUCCESS, user.get_username(), user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        _login_log(request, LoginLog.Event.LOGOUT, user.get_username(), user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    _login_log(request, LoginLog.Event.FAILURE, credentials.get("username", ""))


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    _login_log(request, LoginLog.Event.LOCKED, username)


def log_permission_denied(request) -> None:
    """A signed-in user was refused (403): who, where, from which address."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    _login_log(request, LoginLog.Event.DENIED, user.get_username(), user, path=request.path)
