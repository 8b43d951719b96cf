from django.urls import path

from outgoing import views

app_name = "outgoing"
urlpatterns = [
    path("outgoing/", views.index, name="index"),
    path("outgoing/new/", views.create, name="create"),
    path("outgoing/register/", views.register_view, name="register"),
    path("outgoing/register.xlsx", views.register_export, name="register_export"),
    path("outgoing/<int:pk>/", views.detail, name="detail"),
    path("outgoing/<int:pk>/upload/", views.upload, name="upload"),
    path("outgoing/<int:pk>/recipients/", views.recipients, name="recipients"),
    path("outgoing/<int:pk>/submit/", views.submit, name="submit"),
    path("outgoing/<int:pk>/approve/", views.approve, name="approve"),
    path("outgoing/<int:pk>/return/", views.return_view, name="return"),
    path("outgoing/<int:pk>/issue/", views.issue, name="issue"),
    path("outgoing/<int:pk>/send/", views.send, name="send"),
    path("outgoing/versions/<int:pk>/", views.version_download, name="version"),
    path("signatures/verify/", views.verify, name="verify"),
    path("reports/<int:pk>/formal/", views.report_formal, name="report_formal"),
    path("reports/<int:pk>/signed/", views.report_signed, name="report_signed"),
]
