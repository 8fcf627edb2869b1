from django.urls import path

from luoshi.evidence import views

app_name = "evidence"
urlpatterns = [
    path("upload/<int:content_type_id>/<int:object_id>/", views.upload, name="upload"),
    path("link/<int:content_type_id>/<int:object_id>/", views.add_link, name="add_link"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/replace/", views.replace, name="replace"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
