from django.urls import path

from luoshi.printing import views

app_name = "printing"

urlpatterns = [
    path("duty/<int:pk>/letter/", views.DutyLetterView.as_view(), name="duty_letter"),
    path(
        "publications/<int:pk>/review-sheet/", views.ReviewSheetView.as_view(), name="review_sheet"
    ),
    path("events/<int:pk>/filing/", views.EventFilingView.as_view(), name="event_filing"),
    path(
        "inspections/results/<int:pk>/notice/",
        views.RectificationNoticeView.as_view(),
        name="rectification_notice",
    ),
]
