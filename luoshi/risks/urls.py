from django.urls import path

from luoshi.risks import views

app_name = "risks"
urlpatterns = [
    path("", views.RiskListView.as_view(), name="list"),
    path("new/", views.RiskCreateView.as_view(), name="create"),
    path("heatmap/", views.HeatmapView.as_view(), name="heatmap"),
    path("<int:pk>/", views.RiskDetailView.as_view(), name="risk_detail"),
    path("<int:pk>/edit/", views.RiskUpdateView.as_view(), name="update"),
    path("<int:pk>/step/<slug:step>/", views.RiskStepView.as_view(), name="step"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaigns"),
    path("campaigns/new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("screenings/", views.ScreeningListView.as_view(), name="screenings"),
    path("screenings/new/", views.ScreeningCreateView.as_view(), name="screening_create"),
    path("screenings/<int:pk>/", views.ScreeningDetailView.as_view(), name="screening_detail"),
    path("meetings/", views.MeetingListView.as_view(), name="meetings"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.MeetingUpdateView.as_view(), name="meeting_update"),
]
