from django.urls import path

from luoshi.inspections import views

app_name = "inspections"
plan_step = views.PlanStepView.as_view()
verify = views.ItemVerifyView.as_view()  # 销号 or 退回重改
urlpatterns = [
    path("", views.PlanListView.as_view(), name="plans"),
    path("new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("<int:pk>/edit/", views.PlanUpdateView.as_view(), name="plan_update"),
    path("<int:pk>/start/", plan_step, {"name": "start"}, name="plan_start"),
    path("<int:pk>/complete/", plan_step, {"name": "complete"}, name="plan_complete"),
    path("<int:pk>/bulletin/", views.BulletinView.as_view(), name="bulletin"),
    path("results/", views.InspectedListView.as_view(), name="results"),
    path("results/<int:pk>/", views.ResultDetailView.as_view(), name="result_detail"),
    path("results/<int:pk>/scores/", views.ResultScoresView.as_view(), name="result_scores"),
    path("results/<int:pk>/finding/", views.result_finding, name="result_finding"),
    path("results/<int:pk>/record/", views.ResultRecordView.as_view(), name="result_record"),
    path("items/", views.ItemListView.as_view(), name="items"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"),
    path("items/<int:pk>/submit/", views.ItemSubmitView.as_view(), name="item_submit"),
    path("items/<int:pk>/close/", verify, {"decision": "close"}, name="item_close"),
    path("items/<int:pk>/send-back/", verify, {"decision": "send_back"}, name="item_send_back"),
    path("summary/", views.SummaryView.as_view(), name="summary"),
]
