"""What each role may do: the capability table, and nothing else.

Positive only: a role may do what its row lists, and nothing more. A capability
names an action on a kind of thing; *which* thing (which agency's report, which
budget line) is decided by the object rules in ``access.rules``. An account may be
granted capabilities on top of its role (``User.extra_capabilities``), limited to
those listed in ``GRANTABLE``.

Adding a role is one member of ``Role`` and one row of ``ROLE_CAPABILITIES`` (with
its persona and expectations in the tests); docs/roles.md says how.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    REPORTER = "reporter", _("Reporter")
    FINANCE = "finance", _("Finance")
    VIEWER = "viewer", _("Viewer")


class Capability(StrEnum):
    # plans and agencies
    READ_PLANS = "read_plans"  # plans, targets, tasks, agencies, progress, their API
    IMPORT_PLANS = "import_plans"  # upload a plan document, save a new version
    MANAGE_AGENCIES = "manage_agencies"  # record and confirm reorganisations, import agencies
    # accounts
    MANAGE_ACCOUNTS = "manage_accounts"  # create and edit accounts (not administrators)
    MANAGE_ADMINISTRATORS = "manage_administrators"  # ... and administrators' accounts
    READ_AUDIT_LOG = "read_audit_log"
    EXPORT_NATION = "export_nation"  # every plan's values, reports and items in one file
    # the annual reporting cycle
    MANAGE_REPORTING = "manage_reporting"  # open, close, lock a year; due date; remind
    REVIEW_REPORTS = "review_reports"  # accept or return a submitted report
    READ_ALL_REPORTS = "read_all_reports"  # every agency's report
    READ_OWN_REPORTS = "read_own_reports"  # the own agency's, and its predecessors'
    EDIT_OWN_REPORT = "edit_own_report"  # fill, submit, Excel, evidence: own agency only
    # targets and progress
    ENTER_VALUES = "enter_values"  # baselines and provincial values
    REGISTER_ANY_AGENCY = "register_any_agency"  # registry entries for any agency
    REGISTER_OWN_AGENCY = "register_own_agency"  # registry entries for the own agency
    # official documents
    READ_DOCUMENTS = "read_documents"  # the consolidated report and the reviews
    MANAGE_DOCUMENTS = "manage_documents"  # the Word template; everyone's generation jobs
    # outgoing documents: draft, upload, send for approval, issue, send (MANAGE_DOCUMENTS)
    SIGN_DOCUMENTS = "sign_documents"  # approve or return, and sign, the own agency's documents
    # funding
    READ_ALL_BUDGET = "read_all_budget"  # every agency's estimate lines and the summaries
    READ_OWN_BUDGET = "read_own_budget"  # the own agency's estimate lines
    ESTIMATE_ANY_AGENCY = "estimate_any_agency"  # estimate lines of any agency
    ESTIMATE_OWN_AGENCY = "estimate_own_agency"  # estimate lines of the own agency
    SUBMIT_BUDGET = "submit_budget"  # open a funding year, send the proposal
    APPRAISE_BUDGET = "appraise_budget"  # appraise, return, complete, record the allocation


C = Capability

_READ_EVERYTHING = {C.READ_PLANS, C.READ_ALL_REPORTS, C.READ_DOCUMENTS, C.READ_ALL_BUDGET}
_COORDINATE = {
    C.IMPORT_PLANS,
    C.MANAGE_AGENCIES,
    C.MANAGE_ACCOUNTS,
    C.MANAGE_REPORTING,
    C.REVIEW_REPORTS,
    C.ENTER_VALUES,
    C.REGISTER_ANY_AGENCY,
    C.MANAGE_DOCUMENTS,
    C.ESTIMATE_ANY_AGENCY,
    C.SUBMIT_BUDGET,
}

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: frozenset(
        _READ_EVERYTHING
        | _COORDINATE
        | {C.MANAGE_ADMINISTRATORS, C.READ_AUDIT_LOG, C.EXPORT_NATION, C.APPRAISE_BUDGET}
    ),
    Role.COORDINATOR: frozenset(_READ_EVERYTHING | _COORDINATE),
    Role.REPORTER: frozenset(
        {
            C.READ_PLANS,
            C.READ_OWN_REPORTS,
            C.EDIT_OWN_REPORT,
            C.REGISTER_OWN_AGENCY,
            C.READ_OWN_BUDGET,
            C.ESTIMATE_OWN_AGENCY,
        }
    ),
    Role.FINANCE: frozenset(_READ_EVERYTHING | {C.APPRAISE_BUDGET}),
    Role.VIEWER: frozenset(_READ_EVERYTHING),
}

# Capabilities that an account may be given on top of its role: the signer's, for the
# accounts of a Sở's leaders (Giám đốc, Phó Giám đốc). Everything else comes with a
# role only.
GRANTABLE: frozenset[Capability] = frozenset({C.SIGN_DOCUMENTS})

# Capabilities that act for the account's own agency: a role holding one needs an agency.
AGENCY_SCOPED: frozenset[Capability] = frozenset(
    {
        C.READ_OWN_REPORTS,
        C.EDIT_OWN_REPORT,
        C.REGISTER_OWN_AGENCY,
        C.READ_OWN_BUDGET,
        C.ESTIMATE_OWN_AGENCY,
    }
)


def roles_with(capability: Capability) -> set[str]:
    """The roles whose row holds ``capability``."""
    return {role for role, caps in ROLE_CAPABILITIES.items() if capability in caps}


def role_needs_agency(role: str) -> bool:
    """Whether accounts of ``role`` act for an agency (and so must belong to one)."""
    return bool(ROLE_CAPABILITIES.get(role, frozenset()) & AGENCY_SCOPED)
