"""The rows of a year's funding page as HTML, written in Python: a province-year has
hundreds of lines and Django's template engine spent most of the page's time on them
(a dozen lookups, filters and translations per cell). The markup is exactly what the
template wrote; labels are translated, URLs reversed and the CSRF field made once per
page, money formatted once per cell (docs/decisions.md, "Funding rows in Python")."""

from __future__ import annotations

from html import escape

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from budget.models import Decision, Source
from planwatch.money import dong
from planwatch.templatetags.badges import badge

WARNING = ' class="table-warning"'
INVALID = ' aria-invalid="true"'


def _e(value) -> str:
    return escape(str(value))


def _decision_badge(decision: str, label) -> str:
    return f'<span class="badge text-bg-{badge(decision)} decision">{_e(label)}</span>'


def _opt(value: str, label, selected: bool) -> str:
    return f'<option value="{_e(value)}"{" selected" if selected else ""}>{_e(label)}</option>'


class LineRows:
    """Renders the rows of ``budget``'s lines for one request (who may appraise, which
    lines may be edited)."""

    def __init__(self, request, budget, lines, *, can_appraise: bool, editable: set[int]):
        self.lines = lines
        self.can_appraise = can_appraise
        self.editable = editable
        self.revision = budget.revision
        self.prefix = reverse("budget:line_add", args=[budget.plan.code, budget.year])
        self.csrf = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(get_token(request))}">'
        )
        self.t = {
            "agency": _e(_("Agency")),
            "content": _e(_("What it pays for")),
            "source": _e(_("Source")),
            "estimate": _e(_("Estimate")),
            "appraisal": _e(_("Appraisal")),
            "allocated": _e(_("Allocated")),
            "spent": _e(_("Spent")),
            "accept": _e(_("Accept")),
            "if_reduced": _e(_("amount if reduced")),
            "appraised_amount": _e(_("Appraised amount")),
            "reason_ph": _e(_("reason")),
            "reason": _e(_("Reason")),
            "save": _e(_("Save")),
            "saved": _e(_("saved")),
            "over": _e(_("over")),
            "edit": _e(_("Edit")),
            "delete": _e(_("Delete")),
        }
        self.decisions = [(v, label) for v, label in Decision.choices if v != Decision.PENDING]
        self.decision_badges = {v: _decision_badge(v, label) for v, label in Decision.choices}
        self.sources = Source.choices
        self.source_labels = {v: _e(label) for v, label in Source.choices}
        self.escaped: dict[str, str] = {}  # task codes and agency names, escaped once

    def _once(self, text: str) -> str:
        """``text`` escaped, once a request (hundreds of lines share a few dozen)."""
        found = self.escaped.get(text)
        if found is None:
            found = self.escaped[text] = _e(text)
        return found

    def body(self) -> SafeString:
        """Every line's row, as the page's table body holds them."""
        return mark_safe("".join(self._row(lf) for lf in self.lines))

    def allocation(self) -> SafeString:
        """The allocation form's amount of each line (its appraised amount by default)."""
        return mark_safe(
            "".join(
                '<div class="d-flex gap-2 align-items-center mb-1"><span>'
                f"{_e(lf.line.task_code)} · {_e(lf.line.agency_name)}</span>"
                f'<input name="allocated-{lf.line.pk}" class="form-control form-control-sm '
                f'w-auto" placeholder="{_e(lf.line.appraised_amount)}" inputmode="numeric"></div>'
                for lf in self.lines
            )
        )

    def one(self, lf, post=None, field_errors=None, saved=False, errors=()) -> SafeString:
        """One line's row after an appraisal through htmx: what was typed and its errors,
        or the mark that it was saved."""
        return mark_safe(self._row(lf, post, field_errors or {}, saved, errors))

    def _row(self, lf, post=None, field_errors=None, saved=False, errors=()) -> str:
        t, line = self.t, lf.line
        over = lf.over
        decision = line.decision
        appraisal = self.decision_badges.get(decision) or _decision_badge(decision, decision)
        if line.appraised_amount is not None and decision != Decision.ACCEPTED:
            appraisal += f": {dong(line.appraised_amount)}"  # digits and dots: no escaping
        if line.reason:
            appraisal += f'<div class="text-body-secondary">{_e(line.reason)}</div>'
        appraisal += "\n    "
        if self.can_appraise:
            appraisal += self._appraise_form(line, post, field_errors or {}, saved, errors)
        spent = dong(lf.spent)
        if over:
            spent += f' <span class="badge text-bg-warning">{t["over"]}</span>'
        return (
            f'<tr data-line="{line.pk}"{WARNING if over else ""}>\n'
            f"  <td>{self._once(line.task_code)}</td>\n"
            f'  <td data-label="{t["agency"]}">{self._once(line.agency_name)}</td>\n'
            f'  <td data-label="{t["content"]}">{_e(line.content)}</td>\n'
            f'  <td data-label="{t["source"]}">'
            f"{self.source_labels.get(line.source) or _e(line.source)}</td>\n"
            f'  <td class="text-end text-nowrap" data-label="{t["estimate"]}">'
            f"{dong(line.amount)}</td>\n"
            f'  <td data-label="{t["appraisal"]}">{appraisal}</td>\n'
            f'  <td class="text-end text-nowrap" data-label="{t["allocated"]}">'
            f"{dong(line.allocated_amount)}</td>\n"
            f'  <td class="text-end text-nowrap" data-label="{t["spent"]}">{spent}</td>\n'
            f"  <td>{self._edit_forms(line) if line.pk in self.editable else ''}</td>\n"
            "</tr>"
        )

    def _appraise_form(self, line, post, field_errors, saved, errors) -> str:
        t = self.t
        url = f"{self.prefix}{line.pk}/appraise/"
        if post:
            chosen = post.get("decision")
            options = "".join(_opt(v, label, chosen == v) for v, label in self.decisions)
            amount = f' value="{_e(post.get("appraised", ""))}"'
            reason = _e(post.get("reason", ""))
        else:
            d = line.decision
            options = "".join(
                _opt(v, label, d == v or (d == Decision.PENDING and v == Decision.REDUCED))
                for v, label in self.decisions
            )
            amount = (
                f' value="{_e(line.appraised_amount)}"' if line.decision == Decision.REDUCED else ""
            )
            reason = _e(line.reason)
        bad = bool(field_errors.get("appraised"))
        html = (
            f'<form method="post" action="{url}" class="d-flex flex-wrap gap-1 mt-1 '
            f'appraise" hx-post="{url}" hx-target="closest tr" hx-swap="outerHTML">{self.csrf}\n'
            f'      <button class="btn btn-sm btn-outline-success accept-line" name="accept" '
            f'value="1">{t["accept"]}</button>\n'
            f'      <select name="decision" class="form-select form-select-sm w-auto" '
            f'aria-label="{t["appraisal"]}">{options}</select>\n'
            f'      <input name="appraised" class="form-control form-control-sm w-auto'
            f'{" is-invalid" if bad else ""}" placeholder="{t["if_reduced"]}" '
            f'aria-label="{t["appraised_amount"]}" inputmode="numeric" size="12"'
            f"{INVALID if bad else ''}{amount}>\n"
            f'      <input name="reason" class="form-control form-control-sm w-auto'
            f'{" is-invalid" if field_errors.get("reason") else ""}" '
            f'placeholder="{t["reason_ph"]}" aria-label="{t["reason"]}" value="{reason}">\n'
            f'      <button class="btn btn-sm btn-outline-primary save-line">{t["save"]}</button>'
        )
        if saved:
            html += (
                '<span class="small text-success align-self-center row-saved">'
                f"✓ {t['saved']}</span>"
            )
        if errors:
            html += (
                '<div class="invalid-feedback d-block w-100" role="alert">'
                + "".join(f"{_e(e)} " for e in errors)
                + "</div>"
            )
        return html + "</form>"

    def _edit_forms(self, line) -> str:
        t = self.t
        options = "".join(_opt(v, label, line.source == v) for v, label in self.sources)
        return (
            f'<details><summary class="small">{t["edit"]}</summary>\n'
            f'    <form method="post" action="{self.prefix}{line.pk}/" class="d-grid gap-1 mt-1">'
            f'{self.csrf}<input type="hidden" name="revision" value="{self.revision}">\n'
            f'      <input type="hidden" name="task" value="{line.task_id}">'
            f'<input type="hidden" name="agency" value="{_e(line.agency_code)}">\n'
            f'      <select name="source" class="form-select form-select-sm" '
            f'aria-label="{t["source"]}">{options}</select>\n'
            f'      <input name="content" class="form-control form-control-sm" '
            f'value="{_e(line.content)}" aria-label="{t["content"]}">\n'
            f'      <input name="amount" class="form-control form-control-sm" '
            f'value="{line.amount}" inputmode="numeric" aria-label="{t["estimate"]}">\n'
            f'      <button class="btn btn-sm btn-primary">{t["save"]}</button></form>\n'
            f'    <form method="post" action="{self.prefix}{line.pk}/delete/">{self.csrf}'
            f'<button class="btn btn-sm btn-link text-danger p-0">{t["delete"]}</button></form>'
            "</details>"
        )


class FigureTables:
    """The year's totals by task group, by source and by agency as tables (rendered
    only where the page shows them)."""

    def __init__(self, figures):
        self.figures = figures

    def by_group(self) -> SafeString:
        return figures_table(self.figures.by_group)

    def by_source(self) -> SafeString:
        return figures_table(self.figures.by_source)

    def by_agency(self) -> SafeString:
        return figures_table(self.figures.by_agency)


def figures_table(rows) -> SafeString:
    """Estimated, appraised, allocated, spent and the execution rate of each row."""
    t = {
        "estimated": _e(_("Estimated")),
        "appraised": _e(_("Appraised")),
        "allocated": _e(_("Allocated")),
        "spent": _e(_("Spent")),
        "execution": _e(_("Execution")),
    }
    head = "".join(f'<th class="text-end">{t[k]}</th>' for k in t)
    body = "".join(
        f"<tr><td>{_e(f.label)}</td>"
        f'<td class="text-end" data-label="{t["estimated"]}">{_e(dong(f.estimated))}</td>'
        f'<td class="text-end" data-label="{t["appraised"]}">{_e(dong(f.appraised))}</td>'
        f'<td class="text-end" data-label="{t["allocated"]}">{_e(dong(f.allocated))}</td>'
        f'<td class="text-end" data-label="{t["spent"]}">{_e(dong(f.spent))}</td>'
        f'<td class="text-end" data-label="{t["execution"]}">'
        f"{'' if f.rate is None else _e(localize(f.rate)) + '%'}</td></tr>"
        for f in rows
    )
    return mark_safe(
        '<div class="table-responsive"><table class="table table-sm stack small figures">\n'
        f"<thead><tr><th></th>{head}</tr></thead>\n<tbody>{body}</tbody></table></div>\n"
    )
