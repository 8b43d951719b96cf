"""What an account does with its notices: read them, choose e-mail per kind."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from notices.models import Kind, Notice, Preference


def mark_read(user, notice: Notice | None = None) -> int:
    """Mark one notice (or every unread one) of ``user`` as read."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice is not None:
        unread = unread.filter(pk=notice.pk)
    return unread.update(read_at=timezone.now())


def email_choices(user) -> dict[str, bool]:
    off = set(Preference.objects.filter(user=user, email=False).values_list("kind", flat=True))
    return {kind: kind not in off for kind in Kind.values}


@transaction.atomic
def set_email_choices(user, choices: dict[str, bool]) -> None:
    for kind in Kind.values:
        Preference.objects.update_or_create(
            user=user, kind=kind, defaults={"email": bool(choices.get(kind))}
        )
