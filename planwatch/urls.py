from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from access.decorators import public
from accounts.urls import auth_urlpatterns
from agencies import views as agency_views
from api.api import api
from planwatch.health import healthz
from planwatch.views import trivial
from todo import views as todo_views

urlpatterns = [
    path("", todo_views.home, name="home"),
    path("my-tasks/", agency_views.my_tasks, name="my_tasks"),
    path("", include("reporting.urls")),
    path("", include("indicators.urls")),
    path("", include("documents.urls")),
    path("", include("budget.urls")),
    path("", include("outgoing.urls")),
    path("plans/", include("plans.urls")),
    path("agencies/", include("agencies.urls")),
    path("notices/", include("notices.urls")),
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("bench/trivial/", trivial, name="bench_trivial"),
]

handler403 = "planwatch.errors.forbidden"
handler404 = "planwatch.errors.not_found"
handler500 = "planwatch.errors.server_error"
