from django.urls import path

from luoshi.duty import views

app_name = "duty"
urlpatterns = [
    path("", views.DutyListListView.as_view(), name="list"),
    path("new/", views.DutyListCreateView.as_view(), name="create"),
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("packs/", views.PackListView.as_view(), name="packs"),
    path("packs/<int:pk>/", views.PackDetailView.as_view(), name="pack_detail"),
    path("<int:pk>/", views.DutyListDetailView.as_view(), name="detail"),
    path("<int:pk>/sign/", views.DutySignView.as_view(), name="sign"),
    path("<int:pk>/reopen/", views.DutyReopenView.as_view(), name="reopen"),
    path("<int:pk>/items/new/", views.CustomItemCreateView.as_view(), name="item_create"),
    path("items/", views.DutyItemListView.as_view(), name="items"),
    path("items/<int:pk>/", views.DutyItemDetailView.as_view(), name="item_detail"),
    path("items/<int:pk>/record/", views.DutyItemRecordView.as_view(), name="item_record"),
    path("items/<int:pk>/drop/", views.DutyItemDropView.as_view(), name="item_drop"),
    path("items/<int:pk>/restore/", views.DutyItemRestoreView.as_view(), name="item_restore"),
    path("items/<int:pk>/target/", views.DutyItemTargetView.as_view(), name="item_target"),
    path("items/<int:pk>/assign/", views.DutyItemAssignView.as_view(), name="item_assign"),
]
