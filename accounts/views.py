"""Account management (administrators and coordinators) and the audit log."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from access.capabilities import Capability as C
from access.decorators import requires, signed_in
from access.lookups import get_manageable_user_for, get_token_for_user, tokens_for_user
from access.rules import has, manageable_roles
from accounts import lockout, services
from accounts.forms import UserForm
from accounts.models import User
from audit.log import record
from audit.models import AuditEntry
from planwatch.http import post_or_redirect
from planwatch.text import fold


@requires(C.MANAGE_ACCOUNTS)
def user_list(request):
    users = (
        User.objects.select_related("agency")
        .filter(role__in=manageable_roles(request.user))
        .order_by("username")
    )
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        key = fold(q)
        users = [
            u
            for u in users
            if key
            in fold(
                f"{u.username} {u.get_full_name()} {u.email} {u.agency.name if u.agency else ''}"
            )
        ]
    return render(request, "accounts/user_list.html", {"users": users, "q": q})


@requires(C.MANAGE_ACCOUNTS)
def user_create(request):
    form = UserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                request.user,
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
                agency=data["agency"],
                request=request,
            )
        except IntegrityError:
            form.add_error(None, _("The account could not be saved; nothing was changed."))
        else:
            messages.success(
                request,
                _("Account %(u)s created; an invitation to set a password was e-mailed to %(e)s.")
                % {"u": user.username, "e": user.email},
            )
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@requires(C.MANAGE_ACCOUNTS)
def user_edit(request, pk: int):
    target = get_manageable_user_for(request.user, pk)
    form = UserForm(request.POST or None, instance=copy.copy(target), actor=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in form.fields}
        services.update_user(request.user, target, **changes)
        messages.success(request, _("Account %(u)s saved.") % {"u": changes["username"]})
        return redirect("accounts:users")
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "creating": False,
            "target": target,
            "locked": lockout.is_locked(target),
            "can_unlock": has(request.user, C.MANAGE_ADMINISTRATORS),
            "tokens": tokens_for_user(request.user, target),
        },
    )


@requires(C.MANAGE_ACCOUNTS)
@post_or_redirect("accounts:user_edit", "pk")
def user_invite(request, pk: int):
    """E-mail the account a new link to choose its password."""
    target = get_manageable_user_for(request.user, pk)
    services.send_invitation(target, request)
    record(request.user, "event", target, note="invitation sent")
    messages.success(request, _("A new invitation was e-mailed to %(e)s.") % {"e": target.email})
    return redirect("accounts:users")


@requires(C.READ_AUDIT_LOG)
def audit_log(request):
    entries = AuditEntry.objects.select_related(None).order_by("-at", "-id")
    object_type = (request.GET.get("type") or "").strip()[:64]
    if object_type:
        entries = entries.filter(object_type=object_type)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    types = (
        AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )
    return render(
        request,
        "accounts/audit_log.html",
        {"page": page, "types": types, "object_type": object_type},
    )


@signed_in
def tokens(request):
    """The signed-in user's API tokens, each revocable."""
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": tokens_for_user(request.user, request.user), "owner": request.user},
    )


@signed_in
@post_or_redirect("accounts:tokens")
def token_revoke(request, pk: int):
    """Revoke an API token: its owner's, or anyone's for an administrator."""
    token = get_token_for_user(request.user, pk)
    services.revoke_token(request.user, token)
    messages.success(request, _("The API token was revoked."))
    if token.user_id != request.user.pk:
        return redirect("accounts:user_edit", pk=token.user_id)
    return redirect("accounts:tokens")


@requires(C.MANAGE_ADMINISTRATORS)
@post_or_redirect("accounts:user_edit", "pk")
def user_unlock(request, pk: int):
    """Lift the sign-in lock of an account after too many wrong passwords."""
    target = get_manageable_user_for(request.user, pk)
    lockout.unlock(request.user, target)
    messages.success(request, _("Account %(u)s can sign in again.") % {"u": target.username})
    return redirect("accounts:user_edit", pk=target.pk)
