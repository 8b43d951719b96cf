"""Badge colours by meaning, the same on every page: done is green, waiting on
someone is blue, needing work is amber/red, not started is grey."""

from django import template

register = template.Library()

COLOURS = {
    # agency reports (reporting.models.ReportState)
    "draft": "secondary",
    "submitted": "primary",
    "returned": "warning",  # as the heat map and the report page: needs work
    "accepted": "success",
    # reporting periods
    "open": "success",
    "closed": "warning",
    "locked": "dark",
    # funding (budget.models.BudgetState, Decision)
    "drafting": "secondary",
    "appraised": "info",
    "allocated": "success",
    "pending": "secondary",
    "reduced": "warning",
    "rejected": "danger",
}


@register.filter
def badge(state) -> str:
    """The Bootstrap ``text-bg-*`` colour of a state's badge."""
    return COLOURS.get(str(state), "secondary")
