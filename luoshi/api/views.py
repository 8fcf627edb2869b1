"""REST API views. Every queryset starts from ``for_user`` (or the app's selector built on
it): a record out of the user's scope does not exist (404); a missing model permission is
403. Writes go through the apps' own forms and services, so the API and the pages accept
and refuse exactly the same input, with the same Chinese messages; they take JSON or
multipart (files). Errors have one shape (luoshi.api.exceptions)."""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.utils.datastructures import MultiValueDict
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework import mixins, routers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse

from luoshi.accounts.models import User
from luoshi.api import serializers as s
from luoshi.api.exceptions import Conflict, invalid
from luoshi.api.filters import filterset_for
from luoshi.api.permissions import ModelPermissions
from luoshi.assessment.models import Assessment
from luoshi.channels.models import Channel
from luoshi.core.filters import parse_id
from luoshi.duty import selectors as duty_selectors
from luoshi.duty.models import DutyList
from luoshi.events.models import EventFiling
from luoshi.evidence import services as evidence_services
from luoshi.evidence import views as evidence_views
from luoshi.evidence.forms import EvidenceLinkForm
from luoshi.evidence.models import Evidence
from luoshi.evidence.selectors import readable_evidence
from luoshi.incidents.models import Incident
from luoshi.inspections.models import InspectionPlan, RectificationItem
from luoshi.ledger import services as ledger_services
from luoshi.ledger.forms import LedgerRecordForm
from luoshi.ledger.models import ActivityType, LedgerRecord
from luoshi.publications.models import Publication
from luoshi.risks.models import RiskPoint
from luoshi.tasks import selectors as task_selectors
from luoshi.tasks import services as task_services
from luoshi.tasks.forms import SubmitForm
from luoshi.tasks.models import Task, TaskAssignment
from luoshi.tasks.workflow import SUBMIT_PERMISSION
from luoshi.units.models import Unit

DETAIL = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(help_text="中文说明"),
        "code": serializers.CharField(help_text="错误代码，如 not_found、conflict、invalid"),
    },
)
ERRORS = inline_serializer(
    "InvalidInput",
    {
        "detail": serializers.CharField(),
        "code": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="每个字段的错误信息（整体错误在 non_field_errors）",
        ),
    },
)


# Writes accept JSON, or multipart when files come along.
class JSONObjectParser(JSONParser):
    """A JSON write carries an object of fields: any other JSON value (a number, a list) is a
    400 in the API's error format, never a 500 in the view that reads its fields. The fields
    reach Django forms as a browser would post them (a ``MultiValueDict`` of texts): a number
    or an object where text goes is its text (a date field then says it is no date), a list
    several values, never a crash on a type no form expects (found by
    tests/test_api_schema.py's fuzzing: ``"date": 4.6e16``)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(_("请求体须为 JSON 对象（字段名: 值）。"))
        return MultiValueDict({name: _as_sent(value) for name, value in data.items()})


def _as_sent(value) -> list:
    """A JSON value as a form posts it: the field's values (a list gives several, as a
    multiple choice), each text, true/false or null."""
    values = value if isinstance(value, list) else [value]
    return [v if v is None or isinstance(v, bool | str) else _text_of(v) for v in values]


def _text_of(value) -> str:
    return str(value) if isinstance(value, int | float) else json.dumps(value, ensure_ascii=False)


WRITE_PARSERS = [JSONObjectParser, MultiPartParser, FormParser]


def valid_form(form):
    """The bound form, or a 400 with its errors: {field: [messages]}, form-wide ones under
    ``non_field_errors``."""
    if not form.is_valid():
        raise invalid(
            {
                ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
                for name, messages in form.errors.items()
            }
        )
    return form


class FileRenderer(BaseRenderer):
    """Lets a client ask for the file itself (``Accept: application/octet-stream``); errors
    are then still JSON."""

    media_type = "application/octet-stream"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class ScopedViewSet(viewsets.GenericViewSet):
    """Read-only base: ``scoped()`` is the user's rows (always ``for_user``), ``select`` the
    related rows a page shows (fetched with it), ``filterset_class`` built from ``filters``."""

    model = None
    select: tuple[str, ...] = ("unit",)
    permission_classes = [IsAuthenticated, ModelPermissions]
    filter_backends = [DjangoFilterBackend]
    lookup_value_regex = r"\d+"

    def scoped(self):
        return self.model.objects.for_user(self.request.user)

    def get_queryset(self):
        rows = self.scoped()
        return rows.select_related(*self.select) if self.select else rows


class ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    pass


def read_viewset(model, serializer, *, date_field=None, fields=(), select=("unit",), doc=""):
    attrs = {
        "model": model,
        "queryset": model.objects.none(),
        "serializer_class": serializer,
        "filterset_class": filterset_for(model, date_field=date_field, fields=fields),
        "select": select,
        "__doc__": doc,
    }
    return type(f"{model.__name__}ViewSet", (ReadViewSet,), attrs)


UnitViewSet = read_viewset(
    Unit,
    s.UnitSerializer,
    fields=("unit_type", "is_active"),
    select=("unit_type",),
    doc="单位（本人数据范围内）。",
)
PersonViewSet = read_viewset(
    User, s.PersonSerializer, fields=("is_active",), doc="人员（不含密码等敏感信息）。"
)
ChannelViewSet = read_viewset(
    Channel,
    s.ChannelSerializer,
    date_field="opened_on",
    fields=("channel_type", "status", "filing_status"),
    select=("unit", "channel_type"),
    doc="自有阵地。",
)
EventViewSet = read_viewset(
    EventFiling,
    s.EventFilingSerializer,
    date_field="start_at",
    fields=("kind", "status"),
    doc="讲座论坛备案。",
)
PublicationViewSet = read_viewset(
    Publication,
    s.PublicationSerializer,
    date_field="published_at",
    fields=("status",),
    doc="信息发布三审。",
)
IncidentViewSet = read_viewset(
    Incident,
    s.IncidentSerializer,
    date_field="discovered_at",
    fields=("level", "status", "platform"),
    select=("unit", "platform"),
    doc="舆情事件处置。",
)
RiskViewSet = read_viewset(
    RiskPoint,
    s.RiskPointSerializer,
    date_field="identified_on",
    fields=("area", "level", "status"),
    select=("unit", "area", "level"),
    doc="风险点台账。",
)
InspectionViewSet = read_viewset(
    InspectionPlan,
    s.InspectionPlanSerializer,
    date_field="starts_on",
    fields=("status",),
    doc="督查计划（督查单位与被督查单位均可见）。",
)
RectificationViewSet = read_viewset(
    RectificationItem,
    s.RectificationItemSerializer,
    date_field="deadline",
    fields=("status",),
    select=("unit", "finding"),
    doc="整改事项。",
)
AssessmentViewSet = read_viewset(
    Assessment,
    s.AssessmentSerializer,
    fields=("status", "year"),
    doc="考核。",
)


class ActivityTypeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """活动类型字典（新建台账记录时的 activity_type）。所有登录用户可读。"""

    queryset = ActivityType.objects.filter(is_active=True)
    serializer_class = s.ActivityTypeSerializer
    pagination_class = None


class DutyListViewSet(ReadViewSet):
    """责任清单；``/progress/`` 为各责任项的实时落实进度。"""

    model = DutyList
    queryset = DutyList.objects.none()
    serializer_class = s.DutyListSerializer
    filterset_class = filterset_for(DutyList, fields=("year", "status", "pack_code"))

    def scoped(self):
        return duty_selectors.duty_lists_for(self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "subtree", OpenApiTypes.BOOL, description="统计本单位及全部下级单位的记录"
            )
        ],
        responses=s.ItemProgressSerializer(many=True),
        filters=False,
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def progress(self, request, pk=None):
        duty_list = self.get_object()
        subtree = request.query_params.get("subtree", "").lower() in {"1", "true"}
        rows = duty_selectors.list_progress(duty_list, user=request.user, subtree=subtree)
        return Response(s.ItemProgressSerializer(rows, many=True).data)


class TaskViewSet(ReadViewSet):
    """发出的任务（发文单位在本人数据范围内）。"""

    model = Task
    queryset = Task.objects.none()
    serializer_class = s.TaskSerializer
    filterset_class = filterset_for(Task, date_field="deadline", fields=("evidence_required",))

    def scoped(self):
        return task_selectors.tasks_for(self.request.user)

    def paginate_queryset(self, queryset):
        """A page of tasks with their figures (the task page's, three queries a page)."""
        page = super().paginate_queryset(queryset)
        return None if page is None else task_selectors.with_figures(page, self.request.user)

    def get_object(self):
        return task_selectors.with_figures([super().get_object()], self.request.user)[0]


class CanSubmit(BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm(SUBMIT_PERMISSION)


class TaskAssignmentViewSet(ReadViewSet):
    """任务办理：接收单位的办理与发文单位可见的各单位办理情况；``/submit/`` 提交办理结果。"""

    model = TaskAssignment
    queryset = TaskAssignment.objects.none()
    serializer_class = s.TaskAssignmentSerializer
    filterset_class = filterset_for(TaskAssignment, date_field="submitted_at", fields=("status",))
    select = ()

    def scoped(self):
        return task_selectors.assignments_for(self.request.user)

    @extend_schema(
        request={
            "application/json": s.TaskSubmitJsonSerializer,
            "multipart/form-data": s.TaskSubmitSerializer,
        },
        responses={
            200: s.TaskAssignmentSerializer,
            400: ERRORS,
            409: OpenApiResponse(DETAIL, description="当前状态不能提交（如已提交）"),
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=WRITE_PARSERS,
        permission_classes=[IsAuthenticated, CanSubmit],
        filter_backends=[],
    )
    def submit(self, request, pk=None):
        assignment = self.get_object()
        form = valid_form(SubmitForm(request.data, request.FILES))
        task_services.submit(
            assignment=assignment,
            user=request.user,
            response=form.cleaned_data["response"],
            files=form.cleaned_data["files"],
        )
        return Response(s.TaskAssignmentSerializer(self.get_object()).data)


@extend_schema_view(
    create=extend_schema(
        request={
            "application/json": s.LedgerRecordCreateJsonSerializer,
            "multipart/form-data": s.LedgerRecordCreateSerializer,
        },
        responses={201: s.LedgerRecordSerializer, 400: ERRORS},
    )
)
class LedgerRecordViewSet(mixins.CreateModelMixin, ReadViewSet):
    """台账记录；新建可用 JSON，或 multipart/form-data 同时上传佐证文件（evidence_files 可多个）。"""

    model = LedgerRecord
    queryset = LedgerRecord.objects.none()
    serializer_class = s.LedgerRecordSerializer
    filterset_class = filterset_for(LedgerRecord, date_field="date", fields=("activity_type",))
    select = ("unit", "activity_type")
    parser_classes = WRITE_PARSERS

    def create(self, request, *args, **kwargs):
        form = valid_form(LedgerRecordForm(request.data, request.FILES, user=request.user))
        record = ledger_services.create_record(
            form=form, user=request.user, files=form.cleaned_data.get("evidence_files", [])
        )
        data = s.LedgerRecordSerializer(self.get_queryset().get(pk=record.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    create=extend_schema(
        request=s.EvidenceLinkCreateSerializer,
        responses={
            201: s.EvidenceSerializer,
            400: ERRORS,
            403: DETAIL,
            404: DETAIL,
            409: OpenApiResponse(DETAIL, description="所属记录已定稿"),
        },
    )
)
class EvidenceViewSet(mixins.CreateModelMixin, ReadViewSet):
    """佐证材料元数据与下载：可见性随所属记录（与页面下载完全相同）。新建（JSON）为佐证
    链接：所属记录（owner_type、object_id）须在本人范围内且本人可修改，已定稿的记录不能再加。"""

    model = Evidence
    queryset = Evidence.objects.none()
    serializer_class = s.EvidenceSerializer
    filterset_class = filterset_for(
        Evidence, date_field="created_at", fields=("kind", "is_current", "object_id")
    )
    select = ("unit", "content_type")
    parser_classes = [JSONObjectParser]

    def get_permissions(self):
        if self.action == "create":  # the owner record's change permission, as on the page
            return [IsAuthenticated()]
        return super().get_permissions()

    def scoped(self):
        return readable_evidence(self.request.user)

    def create(self, request, *args, **kwargs):
        owner = self._owner_for_edit(request.data)
        form = valid_form(EvidenceLinkForm(request.data))
        evidence = evidence_services.attach_link(
            owner=owner, user=request.user, **form.cleaned_data
        )
        data = s.EvidenceSerializer(self.get_queryset().get(pk=evidence.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)

    def _owner_for_edit(self, data):
        """The page's own checks (scope, change permission, not final)."""
        name = str(data.get("owner_type", ""))
        # a model's name (ascii letters, digits, _): anything else names no record type
        # (and a NUL byte cannot even be asked of PostgreSQL)
        model_name = name if name.isascii() and name.isidentifier() else ""
        owner_type = ContentType.objects.filter(model=model_name).first() if model_name else None
        object_id = parse_id(data.get("object_id"))
        if owner_type is None or object_id is None:
            raise invalid({"owner_type": [_("请指定所属记录（owner_type 与 object_id）。")]})
        try:
            return evidence_views._owner_for_edit(self.request, owner_type.pk, object_id)
        except evidence_services.EvidenceFrozen as frozen:
            raise Conflict(str(frozen)) from frozen

    def get_object(self):
        # The download view's own check: the owner record must be readable by the user.
        evidence = evidence_views.evidence_for(self.request, self.kwargs["pk"])
        self.check_object_permissions(self.request, evidence)
        return evidence

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        filters=False,
    )
    @action(detail=True, filter_backends=[], renderer_classes=[JSONRenderer, FileRenderer])
    def download(self, request, pk=None):
        self.get_object()  # 404 / 403 before anything is read
        return evidence_views.download(request._request, pk)


class ApiRoot(routers.APIRootView):
    """接口根：全部接口的地址，以及 Schema 与文档页。"""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        namespace = request.resolver_match.namespace
        for name in ("schema", "docs", "redoc"):
            response.data[name] = reverse(f"{namespace}:{name}", request=request)
        return response


# The documentation pages are pages of the site (anonymous visitors go to the login page);
# their templates put the CSP nonce on every <script>: no inline script runs without it.
@method_decorator(login_required, name="dispatch")
class SwaggerView(SpectacularSwaggerView):
    template_name = "api/swagger_ui.html"


@method_decorator(login_required, name="dispatch")
class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # ReDoc indexes its search in a Web Worker started from a blob: URL. The site's
        # policy, plus that and nothing else (what django.views.decorators.csp.csp_override
        # sets, read from the settings at request time).
        response._csp_config = {**settings.SECURE_CSP, "worker-src": ["'self'", "blob:"]}
        return response
