"""E-mail through the task queue: Django's ``send_mail`` (invitations, password
resets, reminders) writes a task in the same database transaction as the change
that caused it, and the worker delivers it with retries, so an SMTP server that
is down for an hour loses nothing and slows no page.

``EMAIL_BACKEND`` is this backend; the one that really delivers is
``EMAIL_DELIVERY_BACKEND`` (SMTP in production)."""

from __future__ import annotations

import base64
import logging

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from worker.registry import Failure, background

log = logging.getLogger("planwatch.mail")


def to_json(message: EmailMessage) -> dict:
    """A message as JSON task arguments (attachments base64)."""
    attachments = []
    for item in message.attachments:
        filename, content, mimetype = item
        data = content.encode() if isinstance(content, str) else bytes(content)
        attachments.append([filename, base64.b64encode(data).decode(), mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [list(a) for a in getattr(message, "alternatives", [])],
        "attachments": attachments,
    }


def from_json(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in data["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


def _undelivered(failure: Failure) -> None:
    if failure.final:
        log.error(
            "e-mail to %s not delivered after %s attempts: %s",
            ", ".join(failure.args[0]["to"]),
            failure.attempt,
            failure.message.strip().splitlines()[-1:] or "",
        )


@background(time_limit=120, attempts=6, retry_delay=60, on_failure=_undelivered)
def deliver(message: dict) -> int:
    """Send one queued message with the delivery backend (retried: 1, 2, 4, 8, 16 min)."""
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
    return connection.send_messages([from_json(message)])


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            deliver.enqueue(to_json(message))
        return len(email_messages)
