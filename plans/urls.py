from django.urls import path

from plans import import_views, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("import/", import_views.upload, name="import"),
    path("import/<int:pk>/", import_views.review, name="import_review"),
    path("<str:code>/", views.overview, name="overview"),
    path("<str:code>/targets/", views.targets, name="targets"),
    path("<str:code>/tasks/", views.tasks, name="tasks"),
    path("<str:code>/timeline/", views.timeline, name="timeline"),
    path("<str:code>/territory/", views.territory, name="territory"),
    path("<str:code>/plan.json", views.plan_json, name="json"),
]
