"""Retired: permission decisions live in the ``access`` package (docs/roles.md).
These names remain only until the last callers move to ``access.rules``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from access import rules
from access.capabilities import Capability as C
from access.lookups import get_manageable_user_for  # noqa: F401
from access.rules import can_manage_user, manageable_roles  # noqa: F401


def can_view_plans(user) -> bool:
    return rules.can_read_plan(user)


def can_manage_accounts(user) -> bool:
    return rules.has(user, C.MANAGE_ACCOUNTS)


def can_import_plans(user) -> bool:
    return rules.has(user, C.IMPORT_PLANS)


def can_manage_reporting(user) -> bool:
    return rules.has(user, C.MANAGE_REPORTING)


def can_read_consolidated_reports(user) -> bool:
    return rules.can_read_documents(user)


def can_manage_document_templates(user) -> bool:
    return rules.has(user, C.MANAGE_DOCUMENTS)


def can_manage_agencies(user) -> bool:
    return rules.has(user, C.MANAGE_AGENCIES)


def can_read_audit_log(user) -> bool:
    return rules.has(user, C.READ_AUDIT_LOG)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
