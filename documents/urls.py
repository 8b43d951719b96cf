from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("plans/<str:code>/documents/", views.index, name="index"),
    path("plans/<str:code>/documents/generate/", views.generate_view, name="generate"),
    path("plans/<str:code>/documents/print/", views.printable, name="print"),
    path("plans/<str:code>/documents/template.docx", views.template_download, name="template"),
    path("plans/<str:code>/documents/template/", views.template_upload, name="template_upload"),
    path("plans/<str:code>/documents/template/reset/", views.template_reset, name="template_reset"),
    path("documents/jobs/<int:pk>/", views.job, name="job"),
    path("documents/jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
