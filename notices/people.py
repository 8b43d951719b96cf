"""Who a notice goes to: the accounts that hold a capability (those that report for
an agency, those that coordinate a plan), and whether each agency can be reached at
all (an account with an e-mail address, an account without one, or only the agency's
own address). Fixed number of queries, whatever the number of agencies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from access import rules
from access.capabilities import Capability, Role, roles_with
from accounts.models import User
from agencies.models import Agency


def holders(capability: Capability, agency_ids: Iterable[int] | None = None) -> list[User]:
    """Active accounts holding ``capability`` (of ``agency_ids`` when given)."""
    roles = roles_with(capability)
    found = User.objects.filter(is_active=True).filter(
        Q(role__in=roles) | Q(is_superuser=True) if Role.ADMIN in roles else Q(role__in=roles)
    )
    if agency_ids is not None:
        found = found.filter(agency_id__in=list(agency_ids))
    return [u for u in found.order_by("pk") if rules.has(u, capability)]


def reporters(agency_ids: Iterable[int]) -> dict[int, list[User]]:
    """{agency id: its active accounts that report for it}."""
    out: dict[int, list[User]] = {}
    for user in holders(Capability.EDIT_OWN_REPORT, agency_ids):
        if user.agency_id is not None:
            out.setdefault(user.agency_id, []).append(user)
    return out


def coordinators(agency_id: int | None) -> list[User]:
    """The accounts that run a plan's reporting at its coordinating agency; every
    coordinator when that agency has none."""
    everyone = holders(Capability.MANAGE_REPORTING)
    own = [u for u in everyone if agency_id and u.agency_id == agency_id]
    return own or [u for u in everyone if u.role == Role.COORDINATOR] or everyone


NO_ACCOUNT = _("no account and no e-mail address: not reached")
NO_EMAIL = _("accounts without an e-mail address: told in the app only")
AGENCY_ONLY = _("no account: e-mailed to the agency's own address")


@dataclass
class Reach:
    agency: Agency
    accounts: list[User] = field(default_factory=list)

    @property
    def emails(self) -> list[str]:
        return sorted({u.email for u in self.accounts if u.email})

    @property
    def address(self) -> str:
        """The agency's own address, used only when no account has an e-mail."""
        return "" if self.emails else (self.agency.email or "")

    @property
    def reached(self) -> bool:
        return bool(self.accounts or self.agency.email)

    @property
    def problem(self) -> str:
        """Why the agency is not (fully) reached; "" when its accounts get e-mail."""
        if self.emails:
            return ""
        if self.accounts:
            return str(NO_EMAIL)
        return str(AGENCY_ONLY) if self.agency.email else str(NO_ACCOUNT)


def reach(agencies: Iterable[Agency]) -> list[Reach]:
    """How each agency is reached, in the given order."""
    agencies = list(agencies)
    accounts = reporters(a.pk for a in agencies)
    return [Reach(a, accounts.get(a.pk, [])) for a in agencies]
