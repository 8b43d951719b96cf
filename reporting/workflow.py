"""The state machine of an agency report: which action leads from which states to
which state. Who may take an action is the permission layer's (access.rules);
``can`` asks both.

draft ──submit──▶ submitted ──accept──▶ accepted
                      │
                    return (with a comment)
                      ▼
                  returned ──submit──▶ submitted
"""

from __future__ import annotations

from typing import Any

from access import rules
from reporting.models import AgencyReport, PeriodStatus, ReportState

SUBMIT, ACCEPT, RETURN, EDIT = "submit", "accept", "return", "edit"

# action -> (states it starts from, state it leads to; None: the state stays)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    EDIT: (frozenset({ReportState.DRAFT, ReportState.RETURNED}), None),
    SUBMIT: (frozenset({ReportState.DRAFT, ReportState.RETURNED}), ReportState.SUBMITTED),
    ACCEPT: (frozenset({ReportState.SUBMITTED}), ReportState.ACCEPTED),
    RETURN: (frozenset({ReportState.SUBMITTED}), ReportState.RETURNED),
}


def is_open_for(action: str, report: AgencyReport) -> bool:
    """Whether the report's state (and its period) lets ``action`` happen now."""
    sources, _target = TRANSITIONS[action]
    return report.state in sources and report.period.status != PeriodStatus.LOCKED


def target(action: str, report: AgencyReport) -> str:
    """The state ``report`` is in after ``action``."""
    return TRANSITIONS[action][1] or report.state


def can(user: Any, action: str, report: AgencyReport) -> bool:
    """Whether ``user`` may do ``action`` on ``report`` now."""
    return is_open_for(action, report) and rules.may_act_on_report(user, action, report)


def allowed_actions(user: Any, report: AgencyReport) -> list[str]:
    return [action for action in TRANSITIONS if can(user, action, report)]
