"""API bearer tokens: exchanging a username and password for one, and finding the
user a token belongs to. Only a hash of a token is stored (ApiToken)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone

from accounts.models import ApiToken, User
from audit.log import record

MAX_TOKEN_LENGTH = 200  # issued tokens have 43 characters; longer is not one of ours


def issue_for_credentials(request, username: str, password: str) -> dict | None:
    """A new token for an active user with these credentials, or None."""
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        return None
    days = settings.API_TOKEN_DAYS
    token = ApiToken.issue(user, days)
    record(user, "login", user, note="API sign-in (token issued)", after={"days": days})
    return {"token": token, "expires_in_days": days}


def user_for_token(token: str) -> User | None:
    """The active user a current token belongs to (recording its use), or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    found = (
        ApiToken.objects.select_related("user", "user__agency")
        .filter(key_hash=ApiToken.hash_key(token), expires_at__gt=timezone.now())
        .first()
    )
    if found is None or not found.user.is_active:
        return None
    ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found.user
