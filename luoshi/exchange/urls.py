from django.urls import path

from luoshi.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.ExportView.as_view(), name="export"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/confirm/", views.ImportConfirmView.as_view(), name="import_confirm"),
    path("import/cancel/", views.ImportCancelView.as_view(), name="import_cancel"),
]
