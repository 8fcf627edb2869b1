from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from luoshi.accounts.urls import auth_urlpatterns

urlpatterns = [
    path("", include("luoshi.core.urls")),
    path("", include("luoshi.health.urls")),
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("luoshi.accounts.urls")),
    path("units/", include("luoshi.units.urls")),
    path("ledger/", include("luoshi.ledger.urls")),
    path("duty/", include("luoshi.duty.urls")),
    path("tasks/", include("luoshi.tasks.urls")),
    path("statforms/", include("luoshi.statforms.urls")),
    path("evidence/", include("luoshi.evidence.urls")),
    path("audit/", include("luoshi.audit.urls")),
    path("notices/", include("luoshi.notices.urls")),
    path("channels/", include("luoshi.channels.urls")),
    path("incidents/", include("luoshi.incidents.urls")),
    path("events/", include("luoshi.events.urls")),
    path("publications/", include("luoshi.publications.urls")),
    path("risks/", include("luoshi.risks.urls")),
    path("inspections/", include("luoshi.inspections.urls")),
    path("assessment/", include("luoshi.assessment.urls")),
    path("reports/", include("luoshi.reports.urls")),
    path("dashboard/", include("luoshi.dashboard.urls")),
    path("api/v1/", include("luoshi.api.urls")),
    # Unversioned alias of v1 for existing clients (reverse() gives /api/v1/).
    path("api/", include(("luoshi.api.urls", "api"), namespace="api-unversioned")),
    path("exchange/", include("luoshi.exchange.urls")),
    path("print/", include("luoshi.printing.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "luoshi.core.errors.bad_request"
handler403 = "luoshi.audit.views.permission_denied"
handler404 = "luoshi.api.exceptions.page_not_found"
handler500 = "luoshi.core.errors.server_error"
