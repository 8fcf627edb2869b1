from django.urls import path

from . import baseline_views, views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="report_list"),
    path("new/", views.ReportCreateView.as_view(), name="report_create"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("<int:pk>/sections/<str:key>/", views.edit_section, name="report_edit_section"),
    path("<int:pk>/regenerate/", views.regenerate, name="report_regenerate"),
    path("<int:pk>/step/<slug:step>/", views.report_step, name="report_step"),
    path("<int:pk>/download/<slug:fmt>/", views.download, name="report_download"),
    path("baselines/", baseline_views.BaselineListView.as_view(), name="baseline_list"),
    path("baselines/import/", baseline_views.BaselineImportView.as_view(), name="baseline_import"),
    path(
        "baselines/import/confirm/",
        baseline_views.BaselineConfirmView.as_view(),
        name="baseline_import_confirm",
    ),
    path(
        "baselines/<int:pk>/", baseline_views.BaselineDetailView.as_view(), name="baseline_detail"
    ),
    path(
        "baselines/<int:pk>/delete/",
        baseline_views.BaselineDeleteView.as_view(),
        name="baseline_delete",
    ),
]
