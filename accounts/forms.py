"""Forms for account management, with Vietnamese messages."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from access.capabilities import Capability as C
from access.capabilities import role_needs_agency
from access.rules import has, manageable_roles
from accounts.models import User, UserRole
from agencies.models import Agency
from planwatch.forms import SafeInputMixin
from planwatch.text import vi_sorted


class UserForm(SafeInputMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "agency", "is_active"]

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.email_on_record = self.instance.email if self.instance.pk else ""
        allowed = manageable_roles(actor)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            c for c in UserRole.choices if c[0] in allowed
        ]
        agencies = vi_sorted(Agency.objects.all(), key=lambda a: a.name)
        cast(forms.ChoiceField, self.fields["agency"]).choices = [("", "---------")] + [
            (a.pk, a.name) for a in agencies
        ]
        self.fields["email"].required = True
        if self.instance.pk is None:
            del self.fields["is_active"]

    def clean(self):
        data = super().clean()
        if role_needs_agency(data.get("role", "")) and not data.get("agency"):
            self.add_error("agency", _("A reporter must belong to an agency."))
        email = data.get("email")
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            self.add_error("email", _("Another account already uses this e-mail address."))
        elif self._takes_over_the_address(email):
            self.add_error(
                "email",
                _(
                    "The account is in use: only the administrator changes its e-mail "
                    "address (invitations and password resets go to the address on record)."
                ),
            )
        return data

    def _takes_over_the_address(self, email: str | None) -> bool:
        """A new address for an account that already has a password, typed by someone
        who is not an administrator: refused, so that no one but the administrator can
        send an account's invitation or reset link somewhere else."""
        return (
            bool(self.instance.pk and email)
            and (email or "").lower() != self.email_on_record.lower()
            and self.instance.has_usable_password()
            and not has(self.actor, C.MANAGE_ADMINISTRATORS)
        )
