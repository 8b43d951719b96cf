from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("plans/<str:code>/reporting/", views.plan_periods, name="plan"),
    path("plans/<str:code>/reporting/<int:year>/", views.year_dashboard, name="year"),
    path(
        "plans/<str:code>/reporting/<int:year>/status/",
        views.period_status,
        name="period_status",
    ),
    path(
        "plans/<str:code>/reporting/<int:year>/due-date/",
        views.period_due_date,
        name="period_due_date",
    ),
    path(
        "plans/<str:code>/reporting/<int:year>/remind/",
        views.remind_all,
        name="remind_all",
    ),
    path(
        "plans/<str:code>/reporting/<int:year>/accept/",
        views.accept_many,
        name="accept_many",
    ),
    path("reporting/<int:pk>/", views.report_page, name="report"),
    path("reporting/<int:pk>/accept/", views.report_accept, name="accept"),
    path("reporting/<int:pk>/return/", views.report_return, name="return"),
    path("reporting/<int:pk>/remind/", views.report_remind, name="remind"),
    path("reporting/<int:pk>/compare/", views.compare, name="compare"),
    path("reporting/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("reporting/evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("reporting/evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("reporting/<int:pk>/excel/", views.excel_download, name="excel"),
    path("reporting/<int:pk>/excel/upload/", views.excel_upload, name="excel_upload"),
    path("reporting/<int:pk>/excel/confirm/", views.excel_confirm, name="excel_confirm"),
    path("my-reports/", views.my_reports, name="mine"),
]
