from django.urls import path

from luoshi.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="index"),
    path("wall/", views.WallView.as_view(), name="wall"),
    path("duty/", views.DutyPanelView.as_view(), name="duty"),
]
