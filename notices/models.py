"""A notice to one recipient (an account, or an agency's own address when it has no
account), recorded once per what it is about (``key``), and each account's choice of
e-mail per kind."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    OPENED = "opened", _("A reporting year is opened")
    REMINDER = "reminder", _("Reminders of the deadline")
    SUBMITTED = "submitted", _("A report is submitted")
    RETURNED = "returned", _("A report is returned for changes")
    ACCEPTED = "accepted", _("A report is accepted")
    APPRAISED = "appraised", _("The appraisal of the funding is done")


class Notice(models.Model):
    """``recipient`` is ``user:<id>`` for an account (shown in its list) or
    ``mail:<address>`` for an agency without an account (e-mail only)."""

    recipient = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=160)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    emailed_to = models.CharField(_("e-mailed to"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notice_once"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_unread")]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """Whether an account gets a kind of notice by e-mail too (yes unless it says no)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.email}"
