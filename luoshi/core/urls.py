from django.urls import path

from luoshi.core import background, views_dictionaries, views_home, views_parameters

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
    path("system/dictionaries/", views_dictionaries.dictionary_index, name="dictionaries"),
    path(
        "system/dictionaries/<str:label>/",
        views_dictionaries.dictionary_entries,
        name="dictionary_entries",
    ),
    path(
        "system/dictionaries/<str:label>/new/",
        views_dictionaries.dictionary_edit,
        name="dictionary_create",
    ),
    path(
        "system/dictionaries/<str:label>/<int:pk>/",
        views_dictionaries.dictionary_edit,
        name="dictionary_edit",
    ),
    path(
        "system/dictionaries/<str:label>/<int:pk>/delete/",
        views_dictionaries.dictionary_delete,
        name="dictionary_delete",
    ),
]
