from django.urls import path

from luoshi.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.AssessmentListView.as_view(), name="list"),
    path("new/", views.AssessmentCreateView.as_view(), name="create"),
    path("<int:pk>/", views.AssessmentDetailView.as_view(), name="detail"),
    path("<int:pk>/compute/", views.ComputeView.as_view(), name="compute"),
    path("<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("<int:pk>/review/", views.ReviewView.as_view(), name="review"),
    path("<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("<int:pk>/units/<int:unit_pk>/", views.ScoreSheetView.as_view(), name="sheet"),
    path("scores/", views.ScoreListView.as_view(), name="scores"),
    path("scores/<int:pk>/", views.ManualScoreView.as_view(), name="score"),
]
