"""The rows of a year's reporting dashboard as HTML, written in Python: a province has
dozens of agencies and the template engine spent most of the page's time on their rows
(translations, URL reversals and lookups per cell). The markup is exactly what the
template wrote; labels are translated, URLs reversed and the CSRF field made once per
page (docs/decisions.md, "Funding rows in Python")."""

from __future__ import annotations

from html import escape

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from planwatch.templatetags.badges import badge
from reporting.models import ReportState

SIGNED_COLOURS = {"valid": "success", "altered": "danger"}
_PK = 987654321  # reversed once, then replaced by each report's id


def _e(value) -> str:
    return escape(str(value))


def _url(name: str):
    """``pk -> URL`` of ``name`` (reversed once)."""
    before, after = reverse(name, args=[_PK]).split(str(_PK))
    return lambda pk: f"{before}{pk}{after}"


class YearRows:
    """The dashboard's rows for one request: who may tick reports to accept, who may
    remind an agency."""

    def __init__(self, request, period, rows, *, can_review: bool, can_manage: bool):
        self.rows = rows
        open_ = period.status != "locked"
        self.tick = can_review and open_
        self.remind = can_manage and open_
        self.report_url = _url("reporting:report")
        self.formal_url = _url("outgoing:report_formal")
        self.remind_url = _url("reporting:remind")
        self.csrf = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(get_token(request))}">'
        )
        self.states = {s.value: _e(s.label) for s in ReportState}
        self.t = {
            "state": _e(_("State")),
            "timeliness": _e(_("Timeliness")),
            "on_time": f'<span class="text-success">{_e(_("on time"))}</span>',
            "late": f'<span class="text-warning-emphasis">{_e(_("late"))}</span>',
            "not_yet": _e(_("not yet")),
            "tasks": _e(_("Tasks")),
            "signed": _e(_("Signed PDF")),
            "remind": _e(_("Remind")),
        }

    def body(self) -> SafeString:
        return mark_safe("".join(self._row(row) for row in self.rows))

    def _row(self, row) -> str:
        t, report = self.t, row.report
        pk, state = report.pk, report.state
        tick = ""
        if self.tick:
            box = ""
            if state == ReportState.SUBMITTED:
                label = _("Accept the report of %(a)s") % {"a": _e(row.name)}
                box = (
                    '<input type="checkbox" class="form-check-input" name="reports" '
                    f'value="{pk}" form="accept-many" aria-label="{label}">'
                )
            tick = f"<td>{box}</td>"
        if row.timeliness in ("on_time", "late"):
            timeliness = t[row.timeliness]
        else:
            overdue = ""
            if row.days_overdue:
                d = row.days_overdue
                overdue = " · " + ngettext("%(d)s day overdue", "%(d)s days overdue", d) % {"d": d}
            timeliness = f'<span class="text-danger">{t["not_yet"]}{overdue}</span>'
        signed = getattr(row, "signed", None)
        if signed:
            colour = SIGNED_COLOURS.get(signed.status, "warning")
            signed_html = (
                f'<a href="{self.formal_url(pk)}" class="badge text-bg-{colour}">'
                f"{_e(signed.get_status_display())}</a>"
            )
        else:
            signed_html = '<span class="text-body-secondary">—</span>'
        remind = ""
        if self.remind and row.timeliness == "missing":
            remind = (
                f'<form method="post" action="{self.remind_url(pk)}" class="d-inline">'
                f'{self.csrf}<button class="btn btn-sm btn-outline-dark">{t["remind"]}</button>'
                "</form>"
            )
        return (
            f'<tr data-agency="{_e(report.agency.code)}">\n'
            f"  {tick}\n"
            f'  <td><a href="{self.report_url(pk)}">{_e(row.name)}</a></td>\n'
            f'  <td data-label="{t["state"]}"><span class="badge text-bg-{badge(state)}">'
            f"{self.states.get(state, _e(state))}</span></td>\n"
            f'  <td data-label="{t["timeliness"]}">{timeliness}</td>\n'
            f'  <td data-label="{t["tasks"]}">{row.items}</td>\n'
            f'  <td data-label="{t["signed"]}" class="signature-status">{signed_html}</td>\n'
            f"  <td>{remind}</td>\n"
            "</tr>"
        )
