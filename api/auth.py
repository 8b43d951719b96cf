"""API authentication: a bearer token from POST /auth/token, or the browser session;
and the guard that keeps the OpenAPI schema and its UI for signed-in users."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja import Router
from ninja.security import HttpBearer, django_auth

from access.decorators import public
from accounts import tokens
from api.errors import Unauthorized, body, responses
from api.schemas import TokenIn, TokenOut


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = tokens.user_for_token(token)
        if user is not None:
            request.user = user
        return user


AUTH = [TokenAuth(), django_auth]
router = Router(tags=["auth"])


@router.post("/auth/token", auth=None, response=responses(TokenOut, 401, 429, public=True))
@public
def issue_token(request, body: TokenIn):
    """Exchange a username and password for a bearer token (401 when they are wrong,
    429 when the username is locked after too many wrong passwords)."""
    issued = tokens.issue_for_credentials(request, body.username, body.password)
    if issued is None:
        raise Unauthorized(_("Wrong username or password."), code="invalid_credentials")
    return issued


def signed_in_only(view):
    """The OpenAPI schema and the docs page describe every route: signed-in users only
    (session or bearer token). The docs page sends a visitor to the sign-in page."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        user = request.user if request.user.is_authenticated else None
        header = request.headers.get("Authorization", "")
        if user is None and header[:7].lower() == "bearer ":
            user = tokens.user_for_token(header[7:].strip())
        if user is None or not user.is_active:
            if not request.path.endswith(".json"):  # the docs page, opened in a browser
                query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
                return HttpResponseRedirect(f"{resolve_url(settings.LOGIN_URL)}?{query}")
            return JsonResponse(
                body("unauthorized", _("Sign in first: send a bearer token or a session cookie.")),
                status=401,
            )
        return view(request, *args, **kwargs)

    return guarded
