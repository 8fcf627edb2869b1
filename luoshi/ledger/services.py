from django.db import transaction

from luoshi.core.history import written_by
from luoshi.evidence import services as evidence_services
from luoshi.ledger.models import LedgerRecord


@transaction.atomic
def create_record(*, form, user, files=()) -> LedgerRecord:
    record = form.save(commit=False)
    record.created_by = user
    record.save()
    for uploaded in files:
        evidence_services.attach_file(owner=record, uploaded=uploaded, user=user)
    return record


@transaction.atomic
def delete_record(*, record: LedgerRecord) -> None:
    evidence_services.delete_all_for(record)
    record.delete()


@transaction.atomic
def record_activity(*, unit, activity_type, date, title, user, **fields) -> LedgerRecord:
    """A ledger record written by another module (e.g. a held event), not through a form."""
    record = LedgerRecord(
        unit=unit,
        activity_type=activity_type,
        date=date,
        title=title[:200],
        created_by=user,
        **fields,
    )
    written_by(record, user)
    record.full_clean()
    record.save()
    return record
