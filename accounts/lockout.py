"""Sign-in throttling (django-axes): the answer to a locked-out sign-in, in the
user's language — the sign-in page with the reason on the form, the API's error
shape (429) on /api/ — and the administrator's unlock."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend  # type: ignore[import-untyped]
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from audit.log import record

STATUS = 429


def message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many wrong passwords for this account: signing in is locked for %(minutes)s "
        "minutes. Try again later, or ask the administrator to unlock the account."
    ) % {"minutes": minutes}


def locked_out(request, response=None, credentials=None) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE."""
    if request.path.startswith("/api/"):  # the API's error shape (api.errors)
        return JsonResponse(
            {"code": "locked_out", "message": message(), "fields": {}}, status=STATUS
        )
    form = AuthenticationForm(request)
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked": message()},
        status=STATUS,
    )


def is_locked(user) -> bool:
    from axes.models import AccessAttempt  # type: ignore[import-untyped]

    return AccessAttempt.objects.filter(
        username=user.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()


def unlock(actor, user) -> None:
    """Clear the failed sign-ins of ``user``'s username (an administrator's action)."""
    from axes.utils import reset  # type: ignore[import-untyped]

    reset(username=user.username)
    record(actor, "event", user, note="sign-in unlocked")


class ThrottledBackend(AxesStandaloneBackend):
    """django-axes' backend, for every sign-in that comes with its request (the form,
    the token endpoint, the admin). Without one (``Client.login`` in tests, a shell)
    there is no one to throttle: the next backend decides."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
