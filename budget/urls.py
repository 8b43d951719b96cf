from django.urls import path

from budget import views

app_name = "budget"
urlpatterns = [
    path("plans/<str:code>/budget/", views.overview, name="overview"),
    path("plans/<str:code>/budget/<int:year>/", views.year_page, name="year"),
    path("plans/<str:code>/budget/<int:year>/excel/", views.excel_download, name="excel"),
    path(
        "plans/<str:code>/budget/<int:year>/excel/upload/", views.excel_upload, name="excel_upload"
    ),
]
