"""Account changes: create, edit, invite. Each runs in a transaction and writes
the audit log with the values before and after."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction

from accounts.models import User
from accounts.permissions import can_manage_user, manageable_roles, require
from audit.log import record, snapshot


def send_invitation(user: User, request=None, *, domain: str | None = None) -> None:
    """E-mail ``user`` a link to choose a password (Django's reset token)."""
    form = PasswordResetForm({"email": user.email})
    if form.is_valid():
        form.save(
            request=request,
            domain_override=domain,
            subject_template_name="registration/invitation_subject.txt",
            email_template_name="registration/invitation_email.txt",
            use_https=bool(request and request.is_secure()),
        )


@transaction.atomic
def create_user(
    actor: User,
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    agency=None,
    request=None,
) -> User:
    """Create an account with no usable password and e-mail an invitation."""
    require(role in manageable_roles(actor))
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        agency=agency,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    record(actor, "create", user, after=snapshot(user))
    transaction.on_commit(lambda: send_invitation(user, request))
    return user


@transaction.atomic
def update_user(actor: User, target: User, **changes) -> User:
    """Change role, agency, names, e-mail or active flag of ``target``."""
    locked = User.objects.select_for_update().get(pk=target.pk)
    require(can_manage_user(actor, locked))
    if "role" in changes:
        require(changes["role"] in manageable_roles(actor))
    before = snapshot(locked)
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save()
    record(actor, "update", locked, before=before, after=snapshot(locked))
    return locked
