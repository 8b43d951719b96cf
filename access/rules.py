"""Object rules: which plan, which agency's report or budget line, a user may act on.

Plain functions on duck-typed objects (a user has ``is_authenticated``,
``is_active``, ``is_superuser``, ``role``, ``agency_id`` and ``extra_capabilities``;
a report or a budget line has ``agency_id``), so that the domain services of
reporting, budget, indicators and documents ask them without importing views or
each other. What a role may do at all is the table in ``access.capabilities``;
*when* (which state a report or a year is in) is each workflow's own business
(``reporting.workflow``, ``budget.services``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from access.capabilities import (
    AGENCY_SCOPED,
    GRANTABLE,
    ROLE_CAPABILITIES,
    Capability,
    Role,
)
from agencies.succession import Graph

C = Capability
NOTHING: frozenset[Capability] = frozenset()


# --- capabilities of an account -------------------------------------------------


def capabilities_of(user: Any) -> frozenset[Capability]:
    """What ``user`` may do: its role's row and the grants of its account.

    Nothing for an anonymous visitor or a deactivated account. A Django superuser
    has the administrator's row whatever its role."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    if not getattr(user, "is_active", False):
        return NOTHING
    role = Role.ADMIN if getattr(user, "is_superuser", False) else getattr(user, "role", None)
    granted = {c for c in getattr(user, "extra_capabilities", None) or () if c in GRANTABLE}
    return ROLE_CAPABILITIES.get(str(role), NOTHING) | {Capability(c) for c in granted}


def has(user: Any, capability: Capability) -> bool:
    return capability in capabilities_of(user)


def has_any(user: Any, capabilities: Iterable[Capability]) -> bool:
    return bool(capabilities_of(user) & set(capabilities))


def _own_agency(user: Any, agency_id: int | None) -> bool:
    return bool(agency_id) and getattr(user, "agency_id", None) == agency_id


def may(user: Any, capabilities: Iterable[Capability], agency_id: int | None = None) -> bool:
    """Whether one of ``capabilities`` lets ``user`` act on a thing of ``agency_id``:
    an agency-scoped capability (``AGENCY_SCOPED``) counts for the own agency only."""
    held = capabilities_of(user)
    for capability in capabilities:
        if capability not in held:
            continue
        if capability not in AGENCY_SCOPED or agency_id is None or _own_agency(user, agency_id):
            return True
    return False


# --- plans and agencies -----------------------------------------------------------


def can_read_plan(user: Any, plan: Any = None) -> bool:
    """Every account holding READ_PLANS reads every plan (one province's database)."""
    return has(user, C.READ_PLANS)


# --- agency reports ---------------------------------------------------------------

# action of reporting.workflow -> capabilities that allow it (any one)
REPORT_ACTIONS: dict[str, tuple[Capability, ...]] = {
    "edit": (C.EDIT_OWN_REPORT,),
    "submit": (C.EDIT_OWN_REPORT,),
    "accept": (C.REVIEW_REPORTS,),
    "return": (C.REVIEW_REPORTS,),
}


def predecessors_of(user: Any) -> set[int]:
    """The agencies whose duties flowed into the user's agency (cached on the user)."""
    cached = getattr(user, "_predecessor_ids", None)
    if cached is None:
        agency_id = getattr(user, "agency_id", None)
        cached = Graph.load().ancestors(agency_id) if agency_id else set()
        user._predecessor_ids = cached
    return cached


def readable_report_agencies(user: Any) -> set[int] | None:
    """The agencies whose reports ``user`` reads: None for every agency.

    READ_OWN_REPORTS reads the own agency's reports and those of the agencies it
    succeeded (Sở Văn hóa, Thể thao và Du lịch reads Sở Du lịch's), through the
    succession graph; editing stays with the agency that made the report."""
    if has(user, C.READ_ALL_REPORTS):
        return None
    if has(user, C.READ_OWN_REPORTS) and getattr(user, "agency_id", None):
        return {user.agency_id} | predecessors_of(user)
    return set()


def can_read_reports(user: Any) -> bool:
    """Whether ``user`` reads any agency report at all."""
    return has_any(user, (C.READ_ALL_REPORTS, C.READ_OWN_REPORTS))


def can_read_report(user: Any, report: Any) -> bool:
    own = getattr(user, "agency_id", None)
    if own and report.agency_id == own and has(user, C.READ_OWN_REPORTS):
        return True  # the own agency's: no need to walk the succession graph
    agencies = readable_report_agencies(user)
    return agencies is None or report.agency_id in agencies


def may_act_on_report(user: Any, action: str, report: Any) -> bool:
    """Who may take ``action`` on ``report``; the state machine says when."""
    capabilities = REPORT_ACTIONS.get(action)
    if capabilities is None:
        return False
    return can_read_report(user, report) and may(user, capabilities, report.agency_id)


# --- targets, values and registries ---------------------------------------------


def can_enter_values(user: Any) -> bool:
    return has(user, C.ENTER_VALUES)


def can_register(user: Any) -> bool:
    """Whether ``user`` adds registry entries at all (for some agency)."""
    return has_any(user, (C.REGISTER_ANY_AGENCY, C.REGISTER_OWN_AGENCY))


def can_register_for(user: Any, agency_id: int | None) -> bool:
    return agency_id is not None and may(
        user, (C.REGISTER_ANY_AGENCY, C.REGISTER_OWN_AGENCY), agency_id
    )


def registers_for_any_agency(user: Any) -> bool:
    return has(user, C.REGISTER_ANY_AGENCY)


# --- funding --------------------------------------------------------------------

# action of budget.services -> capabilities that allow it (any one)
BUDGET_ACTIONS: dict[str, tuple[Capability, ...]] = {
    "edit": (C.ESTIMATE_ANY_AGENCY, C.ESTIMATE_OWN_AGENCY),
    "submit": (C.SUBMIT_BUDGET,),
    "appraise": (C.APPRAISE_BUDGET,),
    "return": (C.APPRAISE_BUDGET,),
    "complete": (C.APPRAISE_BUDGET,),
    "allocate": (C.APPRAISE_BUDGET,),
}


def can_read_budget(user: Any) -> bool:
    return has_any(user, (C.READ_ALL_BUDGET, C.READ_OWN_BUDGET))


def readable_budget_agencies(user: Any) -> set[int] | None:
    """The agencies whose estimate lines ``user`` reads: None for every agency."""
    if has(user, C.READ_ALL_BUDGET):
        return None
    if has(user, C.READ_OWN_BUDGET) and getattr(user, "agency_id", None):
        return {user.agency_id}
    return set()


def may_act_on_budget(user: Any, action: str, line: Any = None) -> bool:
    """Who may take ``action`` on a year's funding (on ``line`` for an estimate line)."""
    capabilities = BUDGET_ACTIONS.get(action)
    if capabilities is None:
        return False
    return may(user, capabilities, getattr(line, "agency_id", None))


def estimating_agency(user: Any) -> int | None:
    """The agency ``user`` must estimate for (its own), or None when it may estimate
    for any agency."""
    if has(user, C.ESTIMATE_ANY_AGENCY):
        return None
    return getattr(user, "agency_id", None)


# --- official documents -----------------------------------------------------------


def can_read_documents(user: Any) -> bool:
    """The consolidated report holds every agency's work."""
    return has(user, C.READ_DOCUMENTS)


def can_read_job(user: Any, job: Any) -> bool:
    """A document job is its maker's; MANAGE_DOCUMENTS sees everyone's."""
    if not has(user, C.READ_DOCUMENTS):
        return False
    return job.created_by_id == getattr(user, "pk", None) or has(user, C.MANAGE_DOCUMENTS)


# action of outgoing.services -> capabilities that allow it (any one)
OUTGOING_ACTIONS: dict[str, tuple[Capability, ...]] = {
    "draft": (C.MANAGE_DOCUMENTS,),
    "upload": (C.MANAGE_DOCUMENTS,),
    "submit": (C.MANAGE_DOCUMENTS,),
    "approve": (C.SIGN_DOCUMENTS,),
    "return": (C.SIGN_DOCUMENTS,),
    "issue": (C.MANAGE_DOCUMENTS,),
    "send": (C.MANAGE_DOCUMENTS,),
}


def can_sign(user: Any) -> bool:
    return has(user, C.SIGN_DOCUMENTS)


def may_act_on_outgoing(user: Any, action: str, document: Any) -> bool:
    """Who may take ``action`` on an outgoing document; the workflow says when. A
    signer approves the documents of the own agency only (a leader of the Sở that
    issues them)."""
    capabilities = OUTGOING_ACTIONS.get(action)
    if capabilities is None or not has_any(user, capabilities):
        return False
    if action in ("approve", "return"):
        return getattr(user, "agency_id", None) == getattr(document, "agency_id", None)
    return True


# --- accounts ---------------------------------------------------------------------


# Separation of duties (issue 15): an account whose role manages accounts or appraises
# the funding (coordinator, finance, administrator) is created and changed (e-mail,
# role, password) by an administrator only, so that a coordinator cannot take over the
# finance department's account, nor another coordinator's.
PRIVILEGED = frozenset({C.MANAGE_ACCOUNTS, C.MANAGE_ADMINISTRATORS, C.APPRAISE_BUDGET})


def manageable_roles(user: Any) -> set[str]:
    """The roles whose accounts ``user`` creates and edits: MANAGE_ACCOUNTS covers every
    role whose row holds none of PRIVILEGED; MANAGE_ADMINISTRATORS covers all."""
    if has(user, C.MANAGE_ADMINISTRATORS):
        return set(ROLE_CAPABILITIES)
    if has(user, C.MANAGE_ACCOUNTS):
        return {role for role, caps in ROLE_CAPABILITIES.items() if not caps & PRIVILEGED}
    return set()


def can_manage_user(actor: Any, target: Any) -> bool:
    """Whether ``actor`` may edit ``target`` (a superuser only with MANAGE_ADMINISTRATORS)."""
    if getattr(target, "is_superuser", False) and not has(actor, C.MANAGE_ADMINISTRATORS):
        return False
    return target.role in manageable_roles(actor)
