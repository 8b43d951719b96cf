"""Anonymous visitors go to the login page; only a few paths are open."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/password-reset/",
    "/accounts/logout/",
    "/accounts/reset/",
    "/api/",  # the API answers 401 itself
    "/i18n/",
    "/static/",
    "/favicon.ico",
    "/healthz",  # says only whether the server is fit (planwatch.health)
)


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
