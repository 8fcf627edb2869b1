from django.urls import path

from luoshi.events import views

app_name = "events"
urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("new/", views.EventCreateView.as_view(), name="create"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("<int:pk>/", views.EventDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EventUpdateView.as_view(), name="update"),
    path("<int:pk>/delete/", views.EventDeleteView.as_view(), name="delete"),
    path("<int:pk>/submit/", views.EventSubmitView.as_view(), name="submit"),
    path("<int:pk>/decide/", views.EventDecideView.as_view(), name="decide"),
    path("<int:pk>/held/", views.EventHeldView.as_view(), name="held"),
    path("chains/", views.ChainListView.as_view(), name="chains"),
    path("chains/new/", views.ChainCreateView.as_view(), name="chain_create"),
    path("chains/<int:pk>/edit/", views.ChainUpdateView.as_view(), name="chain_update"),
    path("rules/new/", views.RuleCreateView.as_view(), name="rule_create"),
    path("rules/<int:pk>/edit/", views.RuleUpdateView.as_view(), name="rule_update"),
]
