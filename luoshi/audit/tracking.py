"""Writing operation-log entries: for every record, from whichever source saw the change.

* records with django-simple-history (``history``): its signal (``luoshi.audit.signals``);
* every other record of luoshi's apps (tasks, assessments, inspections, reports, dictionaries
  …): here, by reading the stored row before a save and comparing after it;
* every workflow step (``WorkflowStep``): one entry naming the step and its comment.

An entry names the record a reader looks for: a row that belongs to another record (a score
of an assessment, a version of a report, ``frozen_with``/``PARTS``) is logged as a part of
that record, so the record's 「操作记录」 shows it.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalChanges, HistoricalRecords

from luoshi.audit import describe
from luoshi.audit.models import OperationLog
from luoshi.core.client_address import client_address

# Rows that belong to another record and have no page of their own: model -> its owner.
PARTS = {
    "reports.reportversion": "report",
    "inspections.checklistline": "plan",
    "inspections.scoreline": "result",
    "events.eventspeaker": "filing",
    "events.reviewchainstep": "chain",
    "duty.packitem": "pack",
}
# Records whose creation has its own word.
CREATE_VERBS = {"tasks.task": _("下发"), "reports.report": _("生成")}
# Models that are logs, sessions or machinery themselves, never logged here.
UNTRACKED_APPS = {"audit", "health", "sessions", "contenttypes", "admin", "otp_totp"}
UNTRACKED = {
    "core.workflowstep",
    "core.importjob",
    "accounts.passwordhistory",
    "accounts.usersession",
    "api.apitoken",  # logged by luoshi.api.services without the token
    "notices.notice",
    "dashboard.dashboard",
    "exchange.importedobject",
    "units.unityearstat",
    "core.systemparameter",  # logged in words by audit.signals.log_parameter_change
    "core.rollup",  # bookkeeping of the metric layer, rebuilt from the records
    "notices.delivery",  # a message's sending attempts (通知发送记录 shows them)
    "notices.announcementreceipt",  # who read an announcement (its 阅读情况 shows it)
}
SKIPPED_FIELDS = {"id", "version", "created_at", "updated_at", "created_by", "last_login"}


def owner_of(instance):
    """(the record a reader looks for, the part of it ``instance`` is, or "")."""
    label = instance._meta.label_lower
    attr = PARTS.get(label) or getattr(type(instance), "frozen_with", None)
    try:
        parent = getattr(instance, attr, None) if attr else None
    except ObjectDoesNotExist:  # the owner went first (a cascade)
        parent = None
    if parent is None:
        return instance, ""
    return parent, f"{instance._meta.verbose_name}「{instance}」"


def unit_of(instance) -> int | None:
    """The id of the unit whose data ``instance`` is (its ``scope_spec``), or None."""
    spec = getattr(type(instance), "scope_spec", None)
    if spec is None:
        return None
    if spec.unit == "":
        return instance.pk
    *path, last = spec.unit.split("__")
    target = instance
    for name in path:
        target = getattr(target, name, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)


def current_request():
    return getattr(HistoricalRecords.context, "request", None)


def current_user():
    request = current_request()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def write(instance, action: str, changes: list[dict], **extra) -> OperationLog:
    """One entry about ``instance`` (logged under its owner, see ``owner_of``)."""
    target, part = owner_of(instance)
    meta = type(target)._meta
    fields = {
        "time": timezone.now(),
        "user": current_user(),
        "ip": client_address(current_request()),
        "unit_id": unit_of(target),
        "part": part[:200],
        **extra,
    }
    return OperationLog.objects.create(
        action=action,
        model_label=meta.label_lower,
        model_name=str(meta.verbose_name),
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        changes=changes,
        **fields,
    )


def is_tracked(model) -> bool:
    """Logged here: luoshi's own records without simple-history."""
    meta = model._meta
    return (
        model.__module__.startswith("luoshi.")
        and not meta.abstract
        and not meta.proxy
        and not issubclass(model, HistoricalChanges)
        and not hasattr(meta, "simple_history_manager_attribute")
        and meta.app_label not in UNTRACKED_APPS
        and meta.label_lower not in UNTRACKED
    )


def is_logged(model) -> bool:
    """Has ``model`` an operation log (through simple-history or here)?"""
    meta = model._meta
    return is_tracked(model) or (
        hasattr(meta, "simple_history_manager_attribute") and meta.app_label not in UNTRACKED_APPS
    )


def _fields(model) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED_FIELDS and not isinstance(f, models.AutoField)
    ]


def _remember(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None or not is_tracked(sender):
        return
    names = [f.attname for f in _fields(sender)]
    instance._audit_before = sender._base_manager.filter(pk=instance.pk).values(*names).first()


def diff(instance, before: dict) -> list[dict]:
    changes = []
    for field in _fields(type(instance)):
        old, new = before.get(field.attname), getattr(instance, field.attname)
        if old != new and not (old in (None, "") and new in (None, "")):
            changes.append(describe.change(field, old, new))
    return changes


def _saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw or not is_tracked(sender):
        return
    if created:
        verb = CREATE_VERBS.get(sender._meta.label_lower, "")
        # Outside a request (a service called by a job or a command) the creator is named.
        user = current_user() or getattr(instance, "created_by", None)
        write(instance, OperationLog.Action.CREATE, [], verb=str(verb), user=user)
        return
    before = instance.__dict__.pop("_audit_before", None)
    changes = diff(instance, before) if before is not None else []
    if changes:
        write(instance, OperationLog.Action.UPDATE, changes)


def _deleted(sender, instance, **kwargs) -> None:
    if is_tracked(sender):
        write(instance, OperationLog.Action.DELETE, [])


def connect() -> None:
    for model in apps.get_models():
        if is_tracked(model):
            uid = f"audit.track.{model._meta.label_lower}"
            pre_save.connect(_remember, sender=model, dispatch_uid=f"{uid}.pre")
            post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}.post")
            post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}.delete")
