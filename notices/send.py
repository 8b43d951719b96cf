"""Recording and sending a notice: once per recipient and what it is about (the
``key``), in the app for an account and by e-mail (the worker's queued backend)
unless the account said no for that kind. Links are absolute with SITE_URL."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction

from notices.models import Notice, Preference
from planwatch import fastsql


@dataclass(frozen=True)
class Message:
    kind: str  # notices.models.Kind
    key: str  # what it is about: the same key is never sent twice to one recipient
    title: str
    body: str
    path: str = ""  # the page it is about, "/reporting/12/"


def link(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path else settings.SITE_URL + "/"


def _mail_text(message: Message) -> str:
    parts = [message.body.strip(), f"Mở trên planwatch: {link(message.path)}"]
    parts.append("Thư này được gửi tự động từ hệ thống planwatch.")
    return "\n\n".join(p for p in parts if p)


def deliver(message: Message, users: Iterable = (), addresses: Iterable[str] = ()) -> list[Notice]:
    """Record ``message`` for each of ``users`` (in the app, and by e-mail unless the
    account turned that kind off) and ``addresses`` (e-mail only: an agency without
    an account), skipping those who already have it. Returns the new notices; their
    e-mails are queued in the same transaction."""
    people = {f"user:{u.pk}": u for u in users}
    mails = {f"mail:{a.strip().lower()}": a.strip() for a in addresses if a and a.strip()}
    wanted = [*people, *mails]
    if not wanted:
        return []
    already = set(
        Notice.objects.filter(key=message.key[:160], recipient__in=wanted).values_list(
            "recipient", flat=True
        )
    )
    no_mail = set(
        Preference.objects.filter(
            user_id__in=[u.pk for u in people.values()], kind=message.kind, email=False
        ).values_list("user_id", flat=True)
    )
    new = []
    for recipient, user in people.items():
        if recipient not in already:
            to = user.email if user.email and user.pk not in no_mail else ""
            new.append(_notice(message, recipient, user, to))
    for recipient, address in mails.items():
        if recipient not in already:
            new.append(_notice(message, recipient, None, address))
    if not new:
        return []
    try:
        with transaction.atomic():
            created = Notice.objects.bulk_create(new)
            _send([n.emailed_to for n in created if n.emailed_to], message)
    except IntegrityError:
        return []  # sent at the same moment by another request
    return created


def _notice(message: Message, recipient: str, user, to: str) -> Notice:
    return Notice(
        recipient=recipient,
        user=user,
        kind=message.kind,
        key=message.key[:160],
        title=message.title[:300],
        body=message.body,
        url=message.path[:300],
        emailed_to=to,
    )


def _send(addresses: list[str], message: Message) -> None:
    """One e-mail per address (nobody sees the others' addresses)."""
    if not addresses:
        return
    text = _mail_text(message)
    subject = f"[planwatch] {message.title}"
    emails = [EmailMessage(subject, text, None, [a]) for a in sorted(set(addresses))]
    get_connection().send_messages(emails)


# Counted on every page (the menu's badge): planwatch.fastsql, compiled once.
_UNREAD = fastsql.Count(lambda user: Notice.objects.filter(user_id=user, read_at__isnull=True))


def unread_count(user) -> int:
    return _UNREAD(user=user.pk)
