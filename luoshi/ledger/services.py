from django.db import transaction

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
