from django.urls import path

from luoshi.core import views_home

urlpatterns = [path("", views_home.home, name="home")]
