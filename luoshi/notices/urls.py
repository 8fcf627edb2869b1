from django.urls import path

from luoshi.notices import views, views_announcements, views_channels

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/", views.open_notice, name="open"),
    path("read-all/", views.read_all, name="read_all"),
    path("announcements/", views_announcements.announcement_inbox, name="announcements"),
    path(
        "announcements/manage/",
        views_announcements.AnnouncementManageView.as_view(),
        name="announcements_manage",
    ),
    path(
        "announcements/new/",
        views_announcements.AnnouncementCreateView.as_view(),
        name="announcement_create",
    ),
    path(
        "announcements/<int:pk>/",
        views_announcements.announcement_detail,
        name="announcement",
    ),
    path(
        "announcements/<int:pk>/edit/",
        views_announcements.AnnouncementUpdateView.as_view(),
        name="announcement_update",
    ),
    path(
        "announcements/<int:pk>/readers/",
        views_announcements.AnnouncementReadersView.as_view(),
        name="announcement_readers",
    ),
    path(
        "announcements/<int:pk>/<slug:step>/",
        views_announcements.AnnouncementStepView.as_view(),
        name="announcement_step",
    ),
    path(
        "units/<int:pk>/channels/",
        views_channels.UnitChannelsView.as_view(),
        name="unit_channels",
    ),
    path(
        "units/<int:pk>/channels/test/",
        views_channels.UnitChannelsTestView.as_view(),
        name="unit_channels_test",
    ),
    path("deliveries/", views_channels.DeliveryListView.as_view(), name="deliveries"),
    path("deliveries/retry/", views_channels.DeliveryRetryView.as_view(), name="delivery_retry"),
]
