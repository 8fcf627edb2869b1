from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from luoshi.api import views, views_tokens

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.APIRootView = views.ApiRoot
router.register("units", views.UnitViewSet, basename="unit")
router.register("people", views.PersonViewSet, basename="person")
router.register("duty-lists", views.DutyListViewSet, basename="dutylist")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("task-assignments", views.TaskAssignmentViewSet, basename="taskassignment")
router.register("activity-types", views.ActivityTypeViewSet, basename="activitytype")
router.register("ledger-records", views.LedgerRecordViewSet, basename="ledgerrecord")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("channels", views.ChannelViewSet, basename="channel")
router.register("events", views.EventViewSet, basename="event")
router.register("publications", views.PublicationViewSet, basename="publication")
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("risks", views.RiskViewSet, basename="risk")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("rectifications", views.RectificationViewSet, basename="rectification")
router.register("assessments", views.AssessmentViewSet, basename="assessment")

# DRF marks its views login_not_required: token clients have no session, so the site's
# LoginRequiredMiddleware lets them through and DRF answers 401 itself (IsAuthenticated on
# every view, the schema included). The documentation pages are pages of the site: anonymous
# visitors are sent to the login page. luoshi/urls.py mounts these at /api/v1/ (namespace
# "api") and, for clients written before versioning, at /api/ as well.
urlpatterns = [
    *router.urls,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", views.RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("tokens/", views_tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views_tokens.token_revoke, name="token_revoke"),
]
