from django.urls import path

from luoshi.units import views

app_name = "units"
urlpatterns = [
    path("", views.UnitListView.as_view(), name="list"),
    path("new/", views.UnitCreateView.as_view(), name="create"),
    path("<int:pk>/", views.UnitDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.UnitUpdateView.as_view(), name="update"),
    path("<int:pk>/move/", views.UnitMoveView.as_view(), name="move"),
    path("<int:pk>/toggle/", views.UnitToggleActiveView.as_view(), name="toggle"),
    path("<int:pk>/stats/", views.UnitStatView.as_view(), name="stats"),
    path("<int:pk>/delete/", views.UnitDeleteView.as_view(), name="delete"),
    path("guidance/", views.GuidanceListView.as_view(), name="guidance"),
    path("guidance/new/", views.GuidanceCreateView.as_view(), name="guidance_create"),
    path("guidance/<int:pk>/edit/", views.GuidanceUpdateView.as_view(), name="guidance_update"),
    path("guidance/<int:pk>/delete/", views.GuidanceDeleteView.as_view(), name="guidance_delete"),
]
