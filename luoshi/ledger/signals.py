"""Imported from ``LedgerConfig.ready`` (models are loaded by then)."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_migrate, post_save

from luoshi.evidence.models import Evidence
from luoshi.ledger.models import ActivityType, LedgerRecord
from luoshi.ledger.selectors import refresh_has_evidence
from luoshi.ledger.wording import ensure_report_wording


def fill_report_wording(sender, **kwargs):
    """After the last luoshi app migrated (and core created the default activity types)."""
    luoshi_apps = [
        c
        for c in apps.get_app_configs()
        if c.name.startswith("luoshi.") and c.models_module is not None
    ]
    if luoshi_apps and sender.label == luoshi_apps[-1].label:
        ensure_report_wording(ActivityType)


def evidence_changed(sender, instance, raw=False, **kwargs):
    """An evidence item of a ledger record was saved or deleted: its ``has_evidence``
    follows (``replace_file`` retires the old version by UPDATE, then saves the new one)."""
    if raw or instance.content_type_id != ContentType.objects.get_for_model(LedgerRecord).pk:
        return
    refresh_has_evidence([instance.object_id])


def connect():
    post_migrate.connect(fill_report_wording, dispatch_uid="ledger.fill_report_wording")
    post_save.connect(evidence_changed, sender=Evidence, dispatch_uid="ledger.evidence_saved")
    post_delete.connect(evidence_changed, sender=Evidence, dispatch_uid="ledger.evidence_deleted")
