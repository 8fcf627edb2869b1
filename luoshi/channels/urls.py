from django.urls import path

from luoshi.channels import views

app_name = "channels"
urlpatterns = [
    path("", views.ChannelListView.as_view(), name="list"),
    path("new/", views.ChannelCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ChannelDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ChannelUpdateView.as_view(), name="update"),
    path("<int:pk>/check/", views.ChannelCheckCreateView.as_view(), name="check"),
    path("<int:pk>/close/", views.ChannelCloseView.as_view(), name="close"),
]
