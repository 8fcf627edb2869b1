from django.urls import path

from luoshi.audit import views

app_name = "audit"
urlpatterns = [
    path("operations/", views.OperationLogView.as_view(), name="operations"),
    path("logins/", views.LoginLogView.as_view(), name="logins"),
]
