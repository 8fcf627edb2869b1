from django.urls import path

from luoshi.core import background, views_home, views_parameters

urlpatterns = [
    path("", views_home.home, name="home"),
    path("jobs/<int:pk>/", background.job_page, name="job"),
    path("settings/parameters/", views_parameters.parameter_list, name="parameters"),
    path(
        "settings/parameters/<slug:param>/",
        views_parameters.parameter_edit,
        name="parameter_edit",
    ),
    path(
        "settings/parameters/<slug:param>/restore/",
        views_parameters.parameter_restore,
        name="parameter_restore",
    ),
]
