from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("plans/<str:code>/reporting/", views.plan_periods, name="plan"),
    path("plans/<str:code>/reporting/<int:year>/", views.year_dashboard, name="year"),
    path("reporting/<int:pk>/", views.report_page, name="report"),
    path("reporting/<int:pk>/compare/", views.compare, name="compare"),
    path("my-reports/", views.my_reports, name="mine"),
]
