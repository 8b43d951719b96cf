from django.urls import path

from agencies import views

app_name = "agencies"
urlpatterns = [
    path("", views.agency_list, name="list"),
    path("changes/", views.changes, name="changes"),
    path("changes/new/", views.change_new, name="change_new"),
    path("import/", views.agency_import, name="import"),
    path("<str:code>/", views.agency_detail, name="detail"),
]
