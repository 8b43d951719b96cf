"""Anonymous visitors go to the login page, except on the routes declared public
(``@public``, access.decorators) and the paths no view serves."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import Resolver404, resolve

from access.decorators import is_public
from planwatch.http import signed_out_response, wants_json

# Served before or beside the views: the API answers 401 itself; static files.
OPEN_PREFIXES = ("/api/", "/static/", "/favicon.ico")


def is_open(path: str) -> bool:
    if path.startswith(OPEN_PREFIXES):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return is_public(match.func)


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not is_open(request.path_info):
            if wants_json(request):
                return signed_out_response(request)
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
