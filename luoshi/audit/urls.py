from django.urls import path

from luoshi.audit import views

app_name = "audit"
urlpatterns = [
    path("operations/", views.OperationLogView.as_view(), name="operations"),
    path("object/<str:label>/<str:pk>/", views.ObjectLogView.as_view(), name="object"),
    path("logins/", views.LoginLogView.as_view(), name="logins"),
]
