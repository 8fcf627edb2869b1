from django.urls import path

from luoshi.publications import views

app_name = "publications"
urlpatterns = [
    path("", views.PublicationListView.as_view(), name="list"),
    path("new/", views.PublicationCreateView.as_view(), name="create"),
    path("<int:pk>/", views.PublicationDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PublicationUpdateView.as_view(), name="update"),
    path("<int:pk>/delete/", views.PublicationDeleteView.as_view(), name="delete"),
    path("<int:pk>/submit/", views.PublicationSubmitView.as_view(), name="submit"),
    path("<int:pk>/review/", views.PublicationReviewView.as_view(), name="review"),
    path("<int:pk>/publish/", views.PublicationPublishView.as_view(), name="publish"),
    path("configs/", views.ConfigListView.as_view(), name="configs"),
    path("configs/new/", views.ConfigCreateView.as_view(), name="config_create"),
    path("configs/<int:pk>/edit/", views.ConfigUpdateView.as_view(), name="config_update"),
]
