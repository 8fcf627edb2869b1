"""The main pages of the demo a user opens: every menu item and the first record of each kind."""

from django.urls import reverse

from luoshi.assessment.models import Assessment
from luoshi.core.navigation import menu_for
from luoshi.duty.models import DutyItem, DutyList, Pack
from luoshi.inspections.models import InspectionPlan, InspectionResult, RectificationItem
from luoshi.ledger.models import LedgerRecord
from luoshi.tasks.models import Task, TaskAssignment

RECORDS = [
    LedgerRecord,
    Task,
    TaskAssignment,
    DutyList,
    DutyItem,
    InspectionPlan,
    InspectionResult,
    RectificationItem,
    Assessment,
]


def pages_for(user) -> list[str]:
    urls = [item["url"] for group in menu_for(user, "/") for item in group["items"]]
    for model in RECORDS:
        record = model.objects.for_user(user).order_by("pk").first()
        if record is not None and hasattr(record, "get_absolute_url"):
            urls.append(record.get_absolute_url())
    pack = Pack.objects.order_by("pk").first()
    if pack is not None:
        urls.append(reverse("duty:pack_detail", args=[pack.pk]))
    assessment = Assessment.objects.for_user(user).order_by("pk").first()
    if assessment is not None:
        score = assessment.scores.order_by("pk").first()
        if score is not None:
            urls.append(reverse("assessment:sheet", args=[assessment.pk, score.unit_id]))
    return urls
