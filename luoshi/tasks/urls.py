from django.urls import path

from luoshi.tasks import views

app_name = "tasks"
review = views.ReviewView.as_view()  # 采纳 or 退回
urlpatterns = [
    path("", views.AssignmentListView.as_view(), name="inbox"),
    path("all/", views.AllAssignmentsView.as_view(), name="assignments"),
    path("issued/", views.TaskListView.as_view(), name="task_list"),
    path("issued/new/", views.TaskCreateView.as_view(), name="task_create"),
    path("issued/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("issued/<int:pk>/edit/", views.TaskUpdateView.as_view(), name="task_update"),
    path("issued/<int:pk>/withdraw/", views.withdraw, name="task_withdraw"),
    path("issued/<int:pk>/accept/", views.batch_accept, name="batch_accept"),
    path("a/<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment_detail"),
    path("a/<int:pk>/submit/", views.AssignmentSubmitView.as_view(), name="submit"),
    path("a/<int:pk>/recall/", views.RecallView.as_view(), name="recall"),
    path("a/<int:pk>/accept/", review, {"decision": "accept"}, name="accept"),
    path("a/<int:pk>/return/", review, {"decision": "return"}, name="return"),
    path("a/<int:pk>/urge/", views.urge, name="urge"),
    path("schedules/", views.ScheduleListView.as_view(), name="schedules"),
    path("schedules/new/", views.ScheduleCreateView.as_view(), name="schedule_create"),
    path("schedules/<int:pk>/edit/", views.ScheduleUpdateView.as_view(), name="schedule_update"),
]
