from django.urls import path

from indicators import views

app_name = "indicators"
urlpatterns = [
    path("plans/<str:code>/progress/", views.dashboard, name="dashboard"),
    path("plans/<str:code>/progress.csv", views.progress_csv, name="csv"),
    path("plans/<str:code>/progress/<int:target_id>/", views.target_page, name="target"),
    path(
        "plans/<str:code>/progress/<int:target_id>/baseline/",
        views.target_baseline,
        name="target_baseline",
    ),
    path(
        "plans/<str:code>/progress/<int:target_id>/values/",
        views.target_value,
        name="target_value",
    ),
    path("plans/<str:code>/registry/", views.registry, name="registry"),
    path("plans/<str:code>/exports/<slug:table>.<slug:fmt>", views.plan_export, name="export"),
    path("exports/<slug:table>.<slug:fmt>", views.nation_export, name="export_nation"),
]
