"""Every route declares who may open it, in one recognisable way:

    @requires(Capability.READ_PLANS)                    # GET and POST alike
    @requires(Capability.READ_PLANS, post=Capability.MANAGE_REPORTING)
    @requires(Capability.READ_ALL_REPORTS, Capability.READ_OWN_REPORTS)  # any one
    @signed_in                                          # any active account
    @public                                             # anonymous visitors too

The decorator both enforces the rule and records it on the function
(``access_rule``), where tests/test_routes.py reads it for every URL pattern and
every API operation: a route without a rule fails that test. On a django-ninja
operation put it under the ``@router.get(...)`` line; the API's authentication
runs first, so the user is known when the rule is checked.

A rule at the route is about capabilities only; which object (this report, that
agency's line) is decided by the lookups (``access.lookups``) and ``access.rules``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import urlencode

from access.capabilities import Capability
from access.rules import capabilities_of
from planwatch.http import signed_out_response, wants_json

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class AccessRule:
    """``read``: any one of them opens the route for GET/HEAD; ``write``: any one of
    them for POST, PUT, PATCH, DELETE. ``signed_in`` without capabilities: any active
    account; ``public``: anyone."""

    read: frozenset[Capability] = frozenset()
    write: frozenset[Capability] = frozenset()
    signed_in: bool = True
    public: bool = False

    def needed(self, method: str = "GET") -> frozenset[Capability]:
        return self.read if method.upper() in SAFE_METHODS else self.write

    def allows(self, user: Any, method: str = "GET") -> bool:
        if self.public:
            return True
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return False
        needed = self.needed(method)
        return not needed or bool(capabilities_of(user) & needed)

    def describe(self) -> str:
        if self.public:
            return "public"
        if not self.read and not self.write:
            return "signed in"
        text = " | ".join(sorted(self.read))
        if self.write != self.read:
            text += " ; POST: " + " | ".join(sorted(self.write))
        return text


def _as_set(value: Capability | tuple[Capability, ...] | list | None) -> frozenset[Capability]:
    if value is None:
        return frozenset()
    if isinstance(value, Capability):
        return frozenset({value})
    return frozenset(value)


class Guarded:
    """A view (or API operation) behind its access rule.

    A callable object rather than a closure so that it keeps the view's module
    globals (``__globals__``): django-ninja resolves a function's string annotations
    (``from __future__ import annotations``) in them."""

    def __init__(self, rule: AccessRule, view: Callable):
        functools.update_wrapper(self, view)
        self.access_rule = rule
        self.view = view

    @property
    def __globals__(self) -> dict[str, Any]:
        return getattr(self.view, "__globals__", {})

    def __call__(self, request, *args, **kwargs):
        rule = self.access_rule
        if not rule.public and not request.user.is_authenticated:
            if wants_json(request):
                return signed_out_response(request)
            query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
            return HttpResponseRedirect(f"{resolve_url(settings.LOGIN_URL)}?{query}")
        if not rule.allows(request.user, request.method or "GET"):
            raise PermissionDenied
        return self.view(request, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<{self.__module__}.{type(self).__qualname__} ({self.access_rule.describe()})>"


def _guard(rule: AccessRule, view: Callable) -> Callable:
    return Guarded(rule, view)


def requires(
    *capabilities: Capability, post: Capability | tuple[Capability, ...] | None = None
) -> Callable[[Callable], Callable]:
    """The route opens to an account holding any one of ``capabilities``; a POST (or
    other writing method) needs one of ``post`` when given, else the same."""
    if not capabilities:
        raise ValueError("requires() needs a capability; use @signed_in or @public")
    read = frozenset(capabilities)
    rule = AccessRule(read=read, write=_as_set(post) or read)
    return lambda view: _guard(rule, view)


def signed_in(view: Callable) -> Callable:
    """Any active signed-in account, whatever its role (its own password, the start page)."""
    return _guard(AccessRule(), view)


def public(view: Callable) -> Callable:
    """Open to anonymous visitors (sign-in, password reset, language switch)."""
    return _guard(AccessRule(signed_in=False, public=True), view)


def rule_of(view: Callable) -> AccessRule | None:
    """The access rule declared on a view or an API operation function, if any."""
    return getattr(view, "access_rule", None)


def is_public(view: Callable) -> bool:
    rule = rule_of(view)
    return rule is not None and rule.public
