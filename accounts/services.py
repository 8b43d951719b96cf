"""Account changes: create, edit, invite. Each runs in a transaction and writes
the audit log with the values before and after."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from access.rules import can_manage_user, manageable_roles
from accounts.models import ApiToken, User
from audit.log import record, snapshot


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def send_invitation(user: User, request=None) -> None:
    """E-mail ``user`` a link to choose a password (Django's reset token).

    Django's password-reset form skips accounts without a usable password, which
    is exactly what a new account is, so the message is built here.
    """
    if not user.email:
        return
    site = get_current_site(request) if request else None
    domain = site.domain if site else settings.SITE_URL.split("://", 1)[-1]
    protocol = (
        "https"
        if (request and request.is_secure()) or settings.SITE_URL.startswith("https")
        else "http"
    )
    context = {
        "user": user,
        "domain": domain,
        "protocol": protocol,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = "".join(render_to_string("registration/invitation_subject.txt", context).splitlines())
    body = render_to_string("registration/invitation_email.txt", context)
    send_mail(subject, body, None, [user.email])


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
    _require(role in manageable_roles(actor))
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
    _require(can_manage_user(actor, locked))
    if "role" in changes:
        _require(changes["role"] in manageable_roles(actor))
    before = snapshot(locked)
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save()
    record(actor, "update", locked, before=before, after=snapshot(locked))
    return locked


@transaction.atomic
def revoke_token(actor: User, token: ApiToken) -> None:
    """Revoke (delete) an API token; the audit log keeps when and by whom."""
    record(
        actor,
        "delete",
        None,
        object_type="accounts.apitoken",
        object_id=str(token.pk),
        object_repr=str(token),
        note="API token revoked",
        before={"user": token.user.username, "expires_at": token.expires_at.isoformat()},
    )
    token.delete()


def revoke_all_tokens(user: User, reason: str) -> int:
    """Revoke every API token of ``user`` (a password change, a deactivation)."""
    count, _rows = ApiToken.objects.filter(user=user).delete()
    if count:
        record(None, "event", user, note=f"API tokens revoked: {reason}", after={"tokens": count})
    return count
