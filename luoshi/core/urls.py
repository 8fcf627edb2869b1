from django.urls import path

from luoshi.core import background, views_home

urlpatterns = [
    path("", views_home.home, name="home"),
    path("jobs/<int:pk>/", background.job_page, name="job"),
]
