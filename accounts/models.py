"""Users with one role each, per-agency scoping for reporters, and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.capabilities import GRANTABLE, Role
from agencies.models import Agency

# The roles and what each may do are the permission layer's table (access.capabilities).
UserRole = Role


def validate_grants(value) -> None:
    if not isinstance(value, list) or any(c not in GRANTABLE for c in value):
        raise ValidationError(
            _("Only these capabilities can be granted to an account: %(names)s.")
            % {"names": ", ".join(sorted(GRANTABLE)) or "—"}
        )


class User(AbstractUser):
    role = models.CharField(
        _("role"), max_length=16, choices=UserRole.choices, default=UserRole.VIEWER
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    is_demo = models.BooleanField(_("demo account"), default=False, editable=False)
    extra_capabilities = models.JSONField(
        _("capabilities granted on top of the role"),
        default=list,
        blank=True,
        validators=[validate_grants],
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="reporter") | Q(agency__isnull=False),
                name="reporter_has_agency",
            )
        ]

    def get_full_name(self) -> str:
        """In the Vietnamese order: the family and middle names (``last_name``), then
        the given name (``first_name``): "Nguyễn Văn An", not "An Nguyễn Văn"."""
        return f"{self.last_name} {self.first_name}".strip()

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, days: int) -> str:
        key = secrets.token_urlsafe(32)
        cls.objects.create(
            user=user,
            key_hash=cls.hash_key(key),
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        return key


class UserSession(AbstractBaseSession):
    """A browser's session (SESSION_ENGINE accounts.sessions): Django's database
    session with the signed-in user's id in a column of its own, so that one query
    reads a request's session and its user. Like Django's, a session outlives a
    deleted user (no constraint): it then signs no one in."""

    user = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    @classmethod
    def get_session_store_class(cls):
        from accounts.sessions import SessionStore

        return SessionStore
