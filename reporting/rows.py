"""The rows of a year's reporting dashboard as HTML, written in Python: a province has
dozens of agencies and the template engine spent most of the page's time on their rows
(translations, URL reversals and lookups per cell). The markup is exactly what the
template wrote; labels are translated, URLs reversed and the CSRF field made once per
page (docs/decisions.md, "Funding rows in Python")."""

from __future__ import annotations

from html import escape

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
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
        on_time, late = _e(_("on time")), _e(_("late"))  # outside f-strings, for xgettext
        self.t = {
            "state": _e(_("State")),
            "timeliness": _e(_("Timeliness")),
            "on_time": f'<span class="text-success">{on_time}</span>',
            "late": f'<span class="text-warning-emphasis">{late}</span>',
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


class ItemCards:
    """The report form's task cards (one per item: its fields, errors, the coordinator's
    comments), as templates/reporting/report.html wrote them, for one request."""

    def __init__(self, items, *, statuses, can_edit: bool, actions):
        self.items = items
        self.statuses = [(_e(v), v, _e(label)) for v, label in statuses]
        self.disabled = "" if can_edit else " disabled"
        self.review = "return" in actions
        # Labels as the template's {% translate %} wrote them: not escaped (trusted).
        self.t = {
            k: str(v)
            for k, v in {
                "comment": _("Coordinator's comment"),
                "status": _("Status"),
                "reason": _("Reason (if it will not be done)"),
                "done": _("What was done"),
                "results": _("Results"),
                "quantities": _("Quantities (one a line: label: number unit)"),
                "spent": _("Money spent (đồng)"),
                "on_task": _("Comment on this task (when returning)"),
            }.items()
        }

    def __str__(self) -> str:
        return self.html()

    def __html__(self) -> str:
        return self.html()

    def html(self) -> SafeString:
        return mark_safe("".join(self._card(item) for item in self.items))

    def _card(self, item) -> str:
        t, task, pk = self.t, item.task, item.task_id
        colour = "primary" if item.role == "lead" else "secondary"
        comments = "".join(self._comment(c) for c in item.comments)
        review = ""
        if self.review:
            review = (
                f'<div class="mt-2 small"><label class="form-label w-100 review-input">'
                f'{t["on_task"]}<input class="form-control form-control-sm" '
                f'name="comment-item-{_e(task.code)}" form="return-form"></label></div>'
            )
        return (
            f'\n<div class="card mb-2 report-item" data-task="{_e(task.code)}"><div class="card-body p-2">\n'
            f'  <div class="d-flex justify-content-between"><strong>{_e(task.code)}</strong>'
            f'<span class="badge text-bg-{colour}">{_e(item.get_role_display())}</span></div>\n'
            f'  <p class="small mb-2">{_e(task.content)} <span class="text-body-secondary">'
            f"({_e(task.timeframe_text)})</span></p>\n"
            f"  {comments}\n"
            f'  <fieldset class="row g-2 small"{self.disabled}>\n'
            f"{self._fields(item, pk)}"
            f"  </fieldset>\n"
            f"  {review}\n"
            f"</div></div>\n"
        )

    def _fields(self, item, pk) -> str:
        t, errors, key = self.t, item.field_errors, _e(item.key)
        options = "".join(
            f'<option value="{v}"{" selected" if raw == item.status else ""}>{label}</option>'
            for v, raw, label in self.statuses
        )
        spent = "" if item.spent is None else _e(localize(item.spent))
        return (
            f'    <div class="col-md-3"><label class="form-label w-100">{t["status"]}'
            f'<select class="form-select form-select-sm" name="item-{pk}-status" '
            f'id="f-item-{pk}-status" data-unit="item-{pk}-state"'
            f"{_invalid(errors, 'status', pk)}>{options}</select></label>"
            f"{_errors(errors, 'status', key)}</div>\n"
            f'    <div class="col-md-9"><label class="form-label w-100">{t["reason"]}'
            f'<input class="form-control form-control-sm" name="item-{pk}-reason" '
            f'id="f-item-{pk}-reason" data-unit="item-{pk}-state" value="{_e(item.reason)}"'
            f"{_invalid(errors, 'reason', pk)}></label>{_errors(errors, 'reason', key)}</div>\n"
            f"{_textarea(t['done'], pk, 'done', item.done)}"
            f"{_textarea(t['results'], pk, 'results', item.results)}"
            f'    <div class="col-md-6"><label class="form-label w-100">{t["quantities"]}'
            f'<textarea class="form-control form-control-sm" rows="2" name="item-{pk}-quantities" '
            f'id="f-item-{pk}-quantities" data-unit="item-{pk}-quantities" '
            f'placeholder="Lớp tập huấn: 3 lớp"{_invalid(errors, "quantities", pk)}>'
            f"{_e(item.quantities_text)}</textarea></label>"
            f"{_errors(errors, 'quantities', key)}</div>\n"
            f'    <div class="col-md-6"><label class="form-label w-100">{t["spent"]}'
            f'<input class="form-control form-control-sm" name="item-{pk}-spent" '
            f'id="f-item-{pk}-spent" data-unit="item-{pk}-spent" value="{spent}" '
            f'inputmode="numeric" placeholder="1.250.000.000"{_invalid(errors, "spent", pk)}>'
            f"</label>{_errors(errors, 'spent', key)}</div>\n"
        )

    def _comment(self, c) -> str:
        version = f", v{_e(c.version.number)}" if c.version else ""
        when = date_format(localtime(c.created_at), "d/m/Y")
        return (
            f'<div class="alert alert-warning py-1 small mb-2 review-comment" role="note">'
            f"<strong>{self.t['comment']}:</strong> {_e(c.text)} "
            f'<span class="text-body-secondary">— {_e(c.author)}, {_e(when)}{version}</span></div>'
        )


def _textarea(label: str, pk, field: str, value) -> str:
    return (
        f'    <div class="col-md-6"><label class="form-label w-100">{label}'
        f'<textarea class="form-control form-control-sm" rows="2" name="item-{pk}-{field}" '
        f'id="f-item-{pk}-{field}" data-unit="item-{pk}-{field}">{_e(value)}</textarea>'
        f"</label></div>\n"
    )


def _invalid(errors: dict, field: str, pk) -> str:
    if not errors.get(field):
        return ""
    return f' aria-invalid="true" aria-describedby="err-item-{pk}-{field}"'


def _errors(errors: dict, field: str, key: str) -> str:
    """includes/field_errors.html (with its last line's end)."""
    found = errors.get(field)
    if not found:
        return "\n"
    text = "".join(f"{_e(e)} " for e in found)
    return f'<div class="invalid-feedback d-block" id="err-item-{key}-{field}">{text}</div>\n'
