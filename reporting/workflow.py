"""Who may move a report from one state to another: decided here, and only here.

draft ──submit──▶ submitted ──accept──▶ accepted
                      │
                    return (with a comment)
                      ▼
                  returned ──submit──▶ submitted
"""

from __future__ import annotations

from accounts.models import User
from agencies.succession import Graph
from reporting.models import AgencyReport, PeriodStatus, ReportState

SUBMIT, ACCEPT, RETURN, EDIT = "submit", "accept", "return", "edit"

# action -> (states it starts from, state it leads to, roles that may do it)
TRANSITIONS: dict[str, tuple[set[str], str | None, set[str]]] = {
    EDIT: ({ReportState.DRAFT, ReportState.RETURNED}, None, {"reporter"}),
    SUBMIT: ({ReportState.DRAFT, ReportState.RETURNED}, ReportState.SUBMITTED, {"reporter"}),
    ACCEPT: ({ReportState.SUBMITTED}, ReportState.ACCEPTED, {"coordinator", "admin"}),
    RETURN: ({ReportState.SUBMITTED}, ReportState.RETURNED, {"coordinator", "admin"}),
}


def _role(user: User) -> str | None:
    if not user.is_authenticated or not user.is_active:
        return None
    return "admin" if user.is_admin else user.role


def can(user: User, action: str, report: AgencyReport) -> bool:
    """Whether ``user`` may do ``action`` on ``report`` now."""
    sources, _target, roles = TRANSITIONS[action]
    role = _role(user)
    if role not in roles or report.state not in sources:
        return False
    if report.period.status == PeriodStatus.LOCKED:
        return False
    if role == "reporter" and user.agency_id != report.agency_id:
        return False
    return True


def can_view(user: User, report: AgencyReport) -> bool:
    """Reporters see their own agency's reports, and read those of the agencies their
    agency succeeded (Sở Văn hóa, Thể thao và Du lịch reads Sở Du lịch's); the other
    roles see all. Editing stays with the agency that made the report (``can``)."""
    role = _role(user)
    if role is None:
        return False
    if role == "reporter":
        return user.agency_id == report.agency_id or report.agency_id in predecessors_of(user)
    return True


def predecessors_of(user: User) -> set[int]:
    """The agencies whose duties flowed into the user's agency (cached on the user)."""
    cached = getattr(user, "_predecessor_ids", None)
    if cached is None:
        cached = Graph.load().ancestors(user.agency_id) if user.agency_id else set()
        setattr(user, "_predecessor_ids", cached)  # noqa: B010 (a cache User does not declare)
    return cached


def allowed_actions(user: User, report: AgencyReport) -> list[str]:
    return [action for action in TRANSITIONS if can(user, action, report)]
