from django.urls import path

from luoshi.ledger import views, views_excel

app_name = "ledger"
urlpatterns = [
    path("", views.LedgerListView.as_view(), name="list"),
    path("new/", views.LedgerCreateView.as_view(), name="create"),
    path("<int:pk>/", views.LedgerDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.LedgerUpdateView.as_view(), name="update"),
    path("<int:pk>/delete/", views.LedgerDeleteView.as_view(), name="delete"),
    path("import/", views_excel.LedgerImportView.as_view(), name="import"),
    path(
        "import/<int:pk>/repeats/",
        views_excel.LedgerImportRepeatsView.as_view(),
        name="import_repeats",
    ),
    path(
        "import/template/<slug:type_code>/",
        views_excel.LedgerTemplateView.as_view(),
        name="import_template",
    ),
    path("types/", views.ActivityTypeListView.as_view(), name="types"),
    path("types/new/", views.ActivityTypeCreateView.as_view(), name="type_create"),
    path("types/<int:pk>/edit/", views.ActivityTypeUpdateView.as_view(), name="type_update"),
]
