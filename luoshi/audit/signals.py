"""Fill the operation log from simple-history and the login log from auth signals."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from luoshi.audit import chain, describe, tracking
from luoshi.audit.models import LoginLog, OperationLog
from luoshi.core.client_address import client_address
from luoshi.core.parameters import SystemParameter, parameter_changed
from luoshi.core.workflow import WorkflowStep, workflows_of

client_ip = client_address  # the former name, for callers not yet moved to luoshi.core


@receiver(post_save, sender=OperationLog)
@receiver(post_save, sender=LoginLog)
def seal_new_log_rows(sender, created, **kwargs):
    if created:
        chain.seal_after_commit(sender)


# Labels for inherited fields whose Django names do not fit luoshi's vocabulary.
FIELD_LABELS = {"groups": _("角色")}


def history_changes(history_instance) -> list[dict]:
    """Field-level changes of an update, as [{field, old, new}] in the pages' words."""
    if history_instance.history_type != "~":
        return []
    previous = history_instance.prev_record
    if previous is None:
        return []
    delta = history_instance.diff_against(previous, foreign_keys_are_objs=False)
    meta = type(history_instance.instance)._meta
    return [
        describe.change(meta.get_field(c.field), c.old, c.new, FIELD_LABELS) for c in delta.changes
    ]


@receiver(post_create_historical_record)
def log_operation(sender, instance, history_instance, history_user=None, **kwargs):
    changes = history_changes(history_instance)
    if history_instance.history_type == "~" and not changes:
        return  # e.g. only last_login moved: nothing a reader of the log cares about
    tracking.write(
        instance,
        history_instance.history_type,
        changes,
        time=history_instance.history_date,
        user=history_user if getattr(history_user, "pk", None) else None,
    )


@receiver(parameter_changed)
def log_parameter_change(sender, spec, old, new, user=None, **kwargs):
    """参数设置: every change (and every return to the default) in the operation log."""
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


@receiver(post_save, sender=WorkflowStep)
def log_step(sender, instance, created, raw=False, **kwargs):
    """Every workflow step, in the log of the record it was taken on."""
    if not created or raw:
        return
    target = instance.target
    labels = {w.name: w for w in workflows_of(type(target))}
    flow = labels.get(instance.workflow)
    state = flow.state_label if flow else str
    tracking.write(
        target,
        OperationLog.Action.STEP,
        [
            {
                "field": str(_("状态")),
                "old": state(instance.from_state),
                "new": state(instance.to_state),
            }
        ],
        time=instance.at,
        user=instance.actor,
        unit_id=instance.unit_id,
        verb=instance.label,
        comment=instance.comment,
    )


tracking.connect()


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
