"""API authentication: a bearer token from POST /auth/token, or the browser session."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        found = (
            ApiToken.objects.select_related("user", "user__agency")
            .filter(key_hash=ApiToken.hash_key(token), expires_at__gt=timezone.now())
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


AUTH = [TokenAuth(), django_auth]
