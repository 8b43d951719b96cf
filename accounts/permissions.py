"""Who may do what: every permission decision for accounts, plans and agencies
is made here, so that views, the API and tests ask the same functions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.models import User, UserRole

# Roles each role may create or edit: an administrator manages everyone; a
# coordinator manages everyone except administrators.
MANAGEABLE_ROLES: dict[str, set[str]] = {
    UserRole.ADMIN: {r.value for r in UserRole},
    UserRole.COORDINATOR: {
        UserRole.COORDINATOR,
        UserRole.REPORTER,
        UserRole.FINANCE,
        UserRole.VIEWER,
    },
}


def can_view_plans(user: User) -> bool:
    """Every signed-in, active user reads the plan: reporters need to see their tasks."""
    return bool(user.is_authenticated and user.is_active)


def can_manage_accounts(user: User) -> bool:
    return user.is_authenticated and (user.is_admin or user.is_coordinator)


def manageable_roles(user: User) -> set[str]:
    if not user.is_authenticated:
        return set()
    if user.is_admin:
        return MANAGEABLE_ROLES[UserRole.ADMIN]
    if user.is_coordinator:
        return MANAGEABLE_ROLES[UserRole.COORDINATOR]
    return set()


def can_manage_user(actor: User, target: User) -> bool:
    """Whether ``actor`` may edit ``target`` (never a superuser unless admin)."""
    if target.is_superuser and not actor.is_admin:
        return False
    return target.role in manageable_roles(actor)


def can_import_plans(user: User) -> bool:
    """Importing a plan document (and saving a new version of a plan)."""
    return user.is_authenticated and (user.is_admin or user.is_coordinator)


def can_manage_reporting(user: User) -> bool:
    """Opening, closing and locking periods, reviewing reports, reminding agencies."""
    return user.is_authenticated and (user.is_admin or user.is_coordinator)


def can_read_consolidated_reports(user: User) -> bool:
    """The province's consolidated report holds every agency's work: coordinators,
    administrators, finance and leaders read it; a reporter sees only their agency's."""
    return bool(user.is_authenticated and user.is_active and not user.is_reporter)


def can_manage_document_templates(user: User) -> bool:
    return user.is_authenticated and (user.is_admin or user.is_coordinator)


def can_manage_agencies(user: User) -> bool:
    """Recording a reorganisation (succession event), confirming one, importing agencies."""
    return user.is_authenticated and (user.is_admin or user.is_coordinator)


def can_read_audit_log(user: User) -> bool:
    return user.is_authenticated and user.is_admin


def require(allowed: bool) -> None:
    """Raise PermissionDenied unless ``allowed``."""
    if not allowed:
        raise PermissionDenied


def get_manageable_user_for(actor: User, pk: int) -> User:
    """The user ``pk`` if ``actor`` may manage them; PermissionDenied otherwise."""
    require(can_manage_accounts(actor))
    target = User.objects.select_related("agency").filter(pk=pk).first()
    if target is None or not can_manage_user(actor, target):
        raise PermissionDenied
    return target
