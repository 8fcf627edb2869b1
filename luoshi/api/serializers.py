"""Read serializers of the API. Foreign keys are ids, plus the unit's name for display;
every related object a list shows is ``select_related`` in ``views`` (a fixed number of
queries per page, whatever the page size). People are exposed without any secret."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luoshi.accounts.models import User
from luoshi.assessment.models import Assessment
from luoshi.channels.models import Channel
from luoshi.duty.models import DutyList
from luoshi.events.models import EventFiling
from luoshi.evidence.models import Evidence
from luoshi.incidents.models import Incident
from luoshi.inspections.models import InspectionPlan, RectificationItem
from luoshi.ledger.models import ActivityType, LedgerRecord
from luoshi.publications.models import Publication
from luoshi.risks.models import RiskPoint
from luoshi.tasks.models import Task, TaskAssignment
from luoshi.units.models import Unit


class UnitOwned(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)


def unit_record(names: str) -> list[str]:
    """The fields of a unit's record: its id, its unit and the unit's name, then ``names``
    (space-separated, in the order the API gives them)."""
    return ["id", "unit", "unit_name", *names.split()]


def status_label(source="get_status_display"):
    return serializers.CharField(source=source, read_only=True)


class UnitSerializer(serializers.ModelSerializer):
    unit_type = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "code", "unit_type", "path", "depth", "is_active"]


class PersonSerializer(UnitOwned):
    unit_name = serializers.CharField(source="unit.name", read_only=True, default="")

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "title", "unit", "unit_name", "is_active"]


class ActivityTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityType
        fields = ["id", "code", "name", "needs_outlet", "description", "is_active"]


class LedgerRecordSerializer(UnitOwned):
    activity_type_name = serializers.CharField(source="activity_type.name", read_only=True)

    class Meta:
        model = LedgerRecord
        fields = unit_record(
            "activity_type activity_type_name date title expected_participants"
            " actual_participants audience_count location summary outcome tags outlet_name"
            " outlet_level created_by created_at updated_at"
        )


class LedgerRecordCreateSerializer(serializers.Serializer):
    """The multipart form of ``POST /api/ledger-records/`` (validated by the site's own form)."""

    unit = serializers.IntegerField(help_text=_("单位 ID（须在本人数据范围内）"))
    activity_type = serializers.IntegerField(help_text=_("活动类型 ID（见 activity-types）"))
    date = serializers.DateField()
    title = serializers.CharField(max_length=200)
    expected_participants = serializers.IntegerField(required=False, min_value=0)
    actual_participants = serializers.IntegerField(required=False, min_value=0)
    audience_count = serializers.IntegerField(required=False, min_value=0)
    location = serializers.CharField(required=False, max_length=200)
    outlet_name = serializers.CharField(required=False, max_length=100)
    outlet_level = serializers.ChoiceField(
        required=False, choices=LedgerRecord._meta.get_field("outlet_level").choices
    )
    summary = serializers.CharField(required=False)
    outcome = serializers.CharField(required=False)
    tags = serializers.CharField(required=False, max_length=200)
    evidence_files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text=_("佐证文件，可多个")
    )


class LedgerRecordCreateJsonSerializer(LedgerRecordCreateSerializer):
    """The JSON body of ``POST /api/v1/ledger-records/`` (no files: add them by multipart)."""

    evidence_files = None


class EvidenceSerializer(UnitOwned):
    owner_type = serializers.CharField(source="content_type.model", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = unit_record(
            "owner_type object_id kind title original_name content_type_detected size sha256"
            " url version is_current created_by created_at download_url"
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, evidence):
        if evidence.kind != Evidence.Kind.FILE:
            return None
        return reverse("api:evidence-download", args=[evidence.pk])


class DutyListSerializer(UnitOwned):
    status_label = status_label()

    class Meta:
        model = DutyList
        fields = unit_record("year pack pack_code status status_label signed_by signed_at")


class PeriodProgressSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    count = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField(allow_null=True)
    met = serializers.BooleanField()
    state = serializers.CharField()
    url = serializers.CharField()


class ItemProgressSerializer(serializers.Serializer):
    code = serializers.CharField(source="item.code")
    name = serializers.CharField(source="item.name")
    area_name = serializers.CharField(source="item.area_name")
    manual = serializers.BooleanField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    target = serializers.CharField()
    summary = serializers.CharField()
    count = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()
    periods = PeriodProgressSerializer(many=True)


class TaskSerializer(UnitOwned):
    # the task page's figures (``tasks.selectors.with_figures``): 接收单位 (withdrawn ones
    # left out), 已提交 (awaiting review), 已采纳
    assignment_count = serializers.IntegerField(
        source="recipients.count", read_only=True, help_text=_("接收单位数（不含已撤回的）")
    )
    submitted_count = serializers.IntegerField(
        source="submitted.count", read_only=True, help_text=_("已提交、待审核的单位数")
    )
    accepted_count = serializers.IntegerField(
        source="accepted.count", read_only=True, help_text=_("已采纳的单位数")
    )

    class Meta:
        model = Task
        fields = unit_record(
            "title requirements deadline evidence_required duty_item_code period_key"
            " assignment_count submitted_count accepted_count created_at"
        )


class TaskAssignmentSerializer(UnitOwned):
    task_title = serializers.CharField(source="task.title", read_only=True)
    deadline = serializers.DateField(source="task.deadline", read_only=True)
    issuing_unit = serializers.IntegerField(source="task.unit_id", read_only=True)
    status_label = status_label()

    class Meta:
        model = TaskAssignment
        fields = [
            "id",
            "task",
            "task_title",
            "issuing_unit",
            "deadline",
            "unit",
            "unit_name",
            "status",
            "status_label",
            "response",
            "first_submitted_at",
            "submitted_at",
            "accepted_at",
        ]


class TaskSubmitJsonSerializer(serializers.Serializer):
    """A submission as JSON (validated by the site's own submit form)."""

    response = serializers.CharField(help_text=_("办理情况"))


class TaskSubmitSerializer(TaskSubmitJsonSerializer):
    """The multipart form of a submission, with evidence files."""

    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text=_("佐证文件，可多个")
    )


class EvidenceLinkCreateSerializer(serializers.Serializer):
    """A link as evidence of a record (validated by the site's own link form)."""

    owner_type = serializers.CharField(help_text=_("所属记录类型，如 ledgerrecord、taskassignment"))
    object_id = serializers.IntegerField(help_text=_("所属记录 ID"))
    title = serializers.CharField(max_length=200)
    url = serializers.URLField(max_length=500)


class ChannelSerializer(UnitOwned):
    channel_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_label = status_label()

    class Meta:
        model = Channel
        fields = unit_record(
            "channel_type name account administrator filing_status filing_number opened_on"
            " closed_on check_interval_months status status_label last_checked_on"
            " next_check_due"
        )


class EventFilingSerializer(UnitOwned):
    status_label = status_label()

    class Meta:
        model = EventFiling
        fields = unit_record(
            "kind topic synopsis start_at end_at venue online_platform expected_audience"
            " status status_label submitted_at approved_at actual_audience ledger_record"
        )


class PublicationSerializer(UnitOwned):
    status_label = status_label()

    class Meta:
        model = Publication
        fields = unit_record(
            "title channel_name author status status_label submitted_at published_url published_at"
        )


class IncidentSerializer(UnitOwned):
    platform = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_label = status_label()

    class Meta:
        model = Incident
        fields = unit_record(
            "title discovered_at platform summary source_url level responsible_unit status"
            " status_label analyzed_at handled_at responded_at closed_at"
        )


class RiskPointSerializer(UnitOwned):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    level = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_label = status_label()

    class Meta:
        model = RiskPoint
        fields = unit_record(
            "area level description cause measures owner deadline identified_on status status_label"
        )


class InspectionPlanSerializer(UnitOwned):
    status_label = status_label()

    class Meta:
        model = InspectionPlan
        fields = unit_record("title description starts_on ends_on status status_label")


class RectificationItemSerializer(UnitOwned):
    description = serializers.CharField(source="finding.description", read_only=True)
    requirement = serializers.CharField(source="finding.requirement", read_only=True)
    plan = serializers.IntegerField(source="finding.plan_id", read_only=True)
    status_label = status_label()

    class Meta:
        model = RectificationItem
        fields = unit_record(
            "plan finding description requirement owner deadline status status_label response"
            " submitted_at closed_at"
        )


class AssessmentSerializer(UnitOwned):
    status_label = status_label()

    class Meta:
        model = Assessment
        fields = unit_record("name year pack status status_label computed_at published_at")
