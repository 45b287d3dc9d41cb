from django.urls import path

from territoria.workplan import views

app_name = "workplan"

urlpatterns = [
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("plans/<int:pk>/report", views.report, name="report"),
    path("plans/<int:pk>/iati.xml", views.plan_iati, name="iati"),
    path("actions/<int:pk>/", views.action, name="action"),
    path("documents/<int:pk>/workplan", views.import_plan, name="import"),
]
