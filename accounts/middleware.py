"""The request's user, read with its session (accounts.sessions); anonymous visitors
go to the login page, except on the routes declared public (``@public``,
access.decorators) and the paths no view serves."""

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject

from access.decorators import is_public
from accounts.sessions import signed_in_user
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


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with the user read by the session's own query (``signed_in_user``)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))


def _user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = signed_in_user(request)
    return request._cached_user


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not is_open(request.path_info):
            if wants_json(request):
                return signed_out_response(request)
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
