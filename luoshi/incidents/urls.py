from django.urls import path

from luoshi.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.IncidentListView.as_view(), name="list"),
    path("new/", views.IncidentCreateView.as_view(), name="create"),
    path("<int:pk>/", views.IncidentDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.IncidentUpdateView.as_view(), name="update"),
    path("<int:pk>/step/<slug:step>/", views.IncidentStepView.as_view(), name="step"),
]
