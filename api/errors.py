"""One error shape for the whole API, ``{"code", "message", "fields"}``, and the
exception handlers that produce it: ninja's own validation and authentication
errors, Django's PermissionDenied and Http404, and the domain errors of every app.

Routers never build an error response: they raise (``NotFound``, a domain error,
PermissionDenied) and the handlers registered by ``install`` answer. ``code`` is a
stable machine-readable word; ``message`` is in the user's language (gettext, active
from the language middleware); ``fields`` maps an input's dotted path ("items.12.spent",
"year") to what is wrong with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from api.schemas import Error

# Every operation can answer these: a malformed request, an input its schema refuses.
ALWAYS = (400, 422)
# Answered by the web server in front of the application (gunicorn: a request line
# over 4094 bytes), documented so that clients know it; it has no JSON body.
URI_TOO_LONG = 414

_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


class ApiError(Exception):
    """An error a router raises; the handler turns it into the error shape."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, code: str = ""):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"


class NotFound(ApiError):
    status = 404
    code = "not_found"


def responses(ok: Any, *errors: int, public: bool = False) -> dict[int, Any]:
    """The ``response=`` of an operation: its success schema, the statuses every
    operation can answer (400, 422, 414 and, unless ``public``, 401) and ``errors``."""
    statuses = {*ALWAYS, *errors} | (set() if public else {401})
    return {200: ok, **{status: Error for status in sorted(statuses)}, URI_TOO_LONG: None}


def body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": fields or {}}


# --- ninja's validation errors, in the user's language ------------------------------


def _limit(ctx: dict, *names: str) -> Any:
    return next((ctx[n] for n in names if n in ctx), "")


_MESSAGES: dict[str, Callable[[dict], str]] = {
    "missing": lambda c: _("This field is required."),
    "string_type": lambda c: _("Must be text."),
    "string_too_long": lambda c: _("At most %(n)s characters.") % {"n": c.get("max_length")},
    "string_too_short": lambda c: _("Must not be empty."),
    "string_pattern_mismatch": lambda c: _("Contains characters that are not allowed."),
    "text_control": lambda c: _("Contains characters that are not allowed."),
    "text_unicode": lambda c: _("Contains characters that are not valid text."),
    "int_type": lambda c: _("Must be a whole number."),
    "int_parsing": lambda c: _("Must be a whole number."),
    "int_from_float": lambda c: _("Must be a whole number."),
    "int_parsing_size": lambda c: _("The number is too large."),
    "float_type": lambda c: _("Must be a number."),
    "float_parsing": lambda c: _("Must be a number."),
    "finite_number": lambda c: _("Must be a finite number."),
    "bool_type": lambda c: _("Must be true or false."),
    "bool_parsing": lambda c: _("Must be true or false."),
    "greater_than_equal": lambda c: _("Must be at least %(n)s.") % {"n": _limit(c, "ge")},
    "greater_than": lambda c: _("Must be more than %(n)s.") % {"n": _limit(c, "gt")},
    "less_than_equal": lambda c: _("Must be at most %(n)s.") % {"n": _limit(c, "le")},
    "less_than": lambda c: _("Must be less than %(n)s.") % {"n": _limit(c, "lt")},
    "literal_error": lambda c: _("Must be one of: %(choices)s.") % {"choices": c.get("expected")},
    "enum": lambda c: _("Must be one of: %(choices)s.") % {"choices": c.get("expected")},
    "dict_type": lambda c: _("Must be an object."),
    "list_type": lambda c: _("Must be a list."),
    "date_type": lambda c: _("Write the date as YYYY-MM-DD."),
    "date_parsing": lambda c: _("Write the date as YYYY-MM-DD."),
    "date_from_datetime_parsing": lambda c: _("Write the date as YYYY-MM-DD."),
    "date_from_datetime_inexact": lambda c: _("Write the date as YYYY-MM-DD."),
    "extra_forbidden": lambda c: _("Unknown field."),
}


def _path(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source, parts = parts[0], parts[1:]
        # A JSON body is one schema parameter, named ``body`` in every router.
        if source == "body" and len(parts) > 1 and parts[0] == "body":
            parts = parts[1:]
    return ".".join(parts) or "body"


def validation_fields(errors: list[dict]) -> dict[str, str]:
    """{dotted path: message} for pydantic-style ``errors``; the first error of a field wins."""
    fields: dict[str, str] = {}
    for error in errors:
        message = _MESSAGES.get(error.get("type", ""))
        text = message(error.get("ctx") or {}) if message else _("This value is not valid.")
        fields.setdefault(_path(error.get("loc", ())), text)
    return fields


# --- the handlers -------------------------------------------------------------------


def _validation(api: NinjaAPI, request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        body("invalid", _("Some values are not valid."), validation_fields(exc.errors)),
        status=422,
    )


def _http(api: NinjaAPI, request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        return api.create_response(
            request,
            body("unauthorized", _("Sign in first: send a bearer token or a session cookie.")),
            status=401,
        )
    if exc.status_code == 403:  # ninja's session authentication: the CSRF check failed
        return api.create_response(
            request,
            body("csrf_failed", _("The form's security token is missing; reload the page.")),
            status=403,
        )
    if exc.status_code == 400:  # ninja could not parse the body
        return api.create_response(
            request, body("malformed", _("The request body is not valid JSON.")), status=400
        )
    return api.create_response(
        request, body("error", _("The request cannot be answered.")), status=exc.status_code
    )


def _api_error(api: NinjaAPI, request: HttpRequest, exc: ApiError) -> HttpResponse:
    return api.create_response(request, body(exc.code, exc.message, exc.fields), status=exc.status)


def _forbidden(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request, body("forbidden", _("You do not have permission to do this.")), status=403
    )


def _not_found(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request, body("not_found", str(exc) or _("There is nothing at this address.")), status=404
    )


def domain_handler(status: int, code: str) -> Callable:
    """A handler for a domain error whose ``errors`` (or message) are sentences for the user."""

    def handle(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
        errors = getattr(exc, "errors", None)
        message = "; ".join(str(e) for e in errors) if errors else str(exc)
        fields = getattr(exc, "fields", None) or {}
        return api.create_response(request, body(code, message, fields), status=status)

    return handle


def install(api: NinjaAPI, domain: dict[type[Exception], tuple[int, str]]) -> None:
    """Register every handler on ``api``; ``domain`` maps domain errors to (status, code)."""

    def bind(handler: Callable) -> Callable:
        return lambda request, exc: handler(api, request, exc)

    api.add_exception_handler(ValidationError, bind(_validation))
    api.add_exception_handler(HttpError, bind(_http))
    api.add_exception_handler(ApiError, bind(_api_error))
    api.add_exception_handler(PermissionDenied, bind(_forbidden))
    api.add_exception_handler(Http404, bind(_not_found))
    for exc_class, (status, code) in domain.items():
        api.add_exception_handler(exc_class, bind(domain_handler(status, code)))


class StrictJsonParser(Parser):
    """Standard JSON only: ``Infinity``, ``-Infinity`` and ``NaN`` are not JSON, and
    Python's parser would otherwise hand them to the schemas as floats."""

    def parse_body(self, request: HttpRequest) -> dict:
        def refuse(name: str):
            raise ValueError(name)

        return json.loads(request.body, parse_constant=refuse)
