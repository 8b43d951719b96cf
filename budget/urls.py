from django.urls import path

from budget import views

YEAR = "plans/<str:code>/budget/<int:year>/"
LINE = YEAR + "lines/<int:line_id>/"

app_name = "budget"
urlpatterns = [
    path("plans/<str:code>/budget/", views.overview, name="overview"),
    path("plans/<str:code>/budget/open/", views.open_year, name="open"),
    path(YEAR, views.year_page, name="year"),
    path(YEAR + "lines/", views.line_add, name="line_add"),
    path(LINE, views.line_edit, name="line_edit"),
    path(LINE + "delete/", views.line_delete, name="line_delete"),
    path(LINE + "appraise/", views.appraise, name="appraise"),
    path(YEAR + "accept-all/", views.accept_all, name="accept_all"),
    path(YEAR + "submit/", views.submit, name="submit"),
    path(YEAR + "return/", views.return_budget, name="return"),
    path(YEAR + "complete/", views.complete, name="complete"),
    path(YEAR + "allocate/", views.allocate, name="allocate"),
    path(YEAR + "excel/", views.excel_download, name="excel"),
    path(YEAR + "excel/upload/", views.excel_upload, name="excel_upload"),
]
