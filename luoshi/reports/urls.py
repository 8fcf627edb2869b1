from django.urls import path  # noqa: F401

from . import baseline_views

app_name = "reports"

urlpatterns = [
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
