from django.urls import path

from luoshi.statforms import views

app_name = "statforms"
urlpatterns = [
    path("", views.FormListView.as_view(), name="forms"),
    path("new/", views.FormCreateView.as_view(), name="form_create"),
    path("import/", views.import_yaml, name="import"),
    path("<int:pk>/", views.FormDetailView.as_view(), name="form_detail"),
    path("<int:pk>/new-version/", views.new_version, name="new_version"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/schedule/", views.schedule, name="schedule"),
    path("v/<int:pk>/", views.VersionDetailView.as_view(), name="version_detail"),
    path("v/<int:pk>/fields/new/", views.field_add, name="field_add"),
    path("v/<int:pk>/rules/new/", views.rule_add, name="rule_add"),
    path("v/<int:pk>/publish/", views.publish, name="publish"),
    path("v/<int:pk>/yaml/", views.export_yaml, name="export_yaml"),
    path("fields/<int:pk>/", views.field_edit, name="field_edit"),
    path("fields/<int:pk>/delete/", views.field_delete, name="field_delete"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("a/<int:pk>/", views.submission_page, name="submission"),
    path("a/<int:pk>/template/", views.template, name="template"),
    path("a/<int:pk>/accept/", views.review, {"decision": "accept"}, name="accept"),
    path("a/<int:pk>/return/", views.review, {"decision": "return"}, name="return"),
    path("t/<int:pk>/", views.aggregate, name="aggregate"),
    path("figures/", views.FigureListView.as_view(), name="figures"),
]
