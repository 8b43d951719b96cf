"""A succession event seen from the whole system: before it is applied, which tasks
change hands, which reports stay with the agencies that made them and which users
move; applied, the registry changes (agencies.succession) and the users move with
their agency, in one transaction, in the audit log."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.models import (
    Agency,
    AgencyGroup,
    SuccessionEvent,
    SuccessionKind,
    SuccessionLink,
)
from agencies.registry import load_registry_data
from agencies.succession import (
    EventSpec,
    Graph,
    LinkSpec,
    SuccessionError,
    link_matches,
    users_moving,
)
from agencies.succession import apply as apply_event
from audit.log import record, snapshot
from plans.models import Assignment
from planwatch.text import clean
from reporting.models import AgencyReport, ReportState


@dataclass
class Preview:
    tasks: list[tuple[str, str, str, str, str]]  # plan, task, role, before, after
    reports_kept: int
    open_reports: list[str]
    users: list[tuple[str, str, str]]  # username, from, to
    users_left: list[tuple[str, str]]  # username, agency (abolished: reassign them)


def preview(spec: EventSpec) -> Preview:
    """What applying ``spec`` would change; nothing is written."""
    preds = {link.predecessor.pk: link.predecessor for link in spec.links}
    options: dict[int, list] = {pk: [] for pk in preds}
    for link in spec.links:
        if link.successor is not None:
            label = link.successor.name + (f" ({link.function})" if link.function else "")
            options[link.predecessor.pk].append((link, label))
    # Tasks naming a predecessor, or an agency it succeeded, that it answers for the
    # day before the change.
    graph = Graph.load()
    eve = spec.effective - dt.timedelta(days=1)
    named = set(preds)
    for pk in preds:
        named |= graph.ancestors(pk)
    tasks = []
    for a in (
        Assignment.objects.filter(agency_id__in=named, task__retired=False)
        .select_related("task", "task__group", "task__plan", "agency")
        .order_by("task__plan__code", "task__group__position", "task__position")
    ):
        if a.task.end_year and a.task.end_year < spec.effective.year:
            continue
        text = f"{a.task.content} {a.task.output}"
        agency = a.agency
        if agency is None:  # a group reference: not filtered in (agency_id__in above)
            continue
        if agency.pk in preds and preds[agency.pk].is_valid_on(eve):
            holder = agency.pk
        else:
            holders = [x.pk for x in graph.resolve(agency, eve, text) if x.pk in preds]
            if not holders:
                continue
            holder = holders[0]
        links = options.get(holder, [])
        chosen = [label for link, label in links if link.keywords and link_matches(link, text)]
        if spec.kind == SuccessionKind.TRANSFER and not chosen:
            continue
        if not chosen:
            chosen = [label for link, label in links if not link.keywords] or [
                label for _link, label in links
            ]
        tasks.append(
            (
                a.task.plan.code,
                a.task.code,
                a.get_role_display(),
                (
                    preds[holder].name
                    if holder == a.agency_id
                    else _("%(agency)s (in place of %(wording)s)")
                    % {"agency": preds[holder].name, "wording": a.wording}
                ),
                "; ".join(chosen) if chosen else _("— (no successor left)"),
            )
        )
    reports = AgencyReport.objects.filter(agency_id__in=preds)
    open_reports = [
        f"{r.agency.name} — {r.period.year}"
        for r in reports.filter(period__due_date__gte=spec.effective)
        .exclude(state=ReportState.ACCEPTED)
        .select_related("agency", "period")
    ]
    moves, stay = users_moving(spec)
    users = [
        (u.username, u.agency.name, moves[u.agency.pk].name)
        for u in User.objects.filter(agency_id__in=moves).select_related("agency")
        if u.agency is not None
    ]
    left = [
        (u.username, u.agency.name)
        for u in User.objects.filter(agency_id__in=stay).select_related("agency")
        if u.agency is not None
    ]
    return Preview(tasks, reports.count(), open_reports, users, left)


@transaction.atomic
def apply(spec: EventSpec, actor=None) -> SuccessionEvent:
    """Apply ``spec`` and move the users of agencies that merged, were renamed or split
    (to the successor taking the remaining functions). Reports stay where they are."""
    event, targets = apply_event(spec, actor)
    for pred_id, target in targets.items():
        for user in User.objects.filter(agency_id=pred_id):
            before = {"agency": user.agency_id}
            user.agency = target
            user.save(update_fields=["agency"])
            record(
                actor,
                "update",
                user,
                before=before,
                after={"agency": target.pk},
                note=f"theo {event.act}",
            )
    return event


# ---------------------------------------------------------------------------
# Bundled succession data

SUCCESSION_2025 = (
    Path(__file__).resolve().parent.parent
    / "agencies"
    / "data"
    / ("succession-quang-tri-2025.json")
)


def _spec_of(item: dict, by_code: dict[str, Agency]) -> EventSpec:
    try:
        links = [
            LinkSpec(
                predecessor=by_code[line["from"]],
                successor=by_code[line["to"]] if line.get("to") else None,
                function=line.get("function", ""),
                keywords=line.get("keywords", []),
            )
            for line in item["links"]
        ]
    except KeyError as exc:
        raise SuccessionError(
            [
                _("Event %(key)s names an agency code that does not exist: %(code)s.")
                % {"key": item["key"], "code": exc.args[0]}
            ]
        ) from None
    return EventSpec(
        kind=item["kind"],
        effective=dt.date.fromisoformat(item["effective"]),
        act=item["act"],
        links=links,
        note=item.get("note", ""),
        certain=item.get("certain", True),
        key=item["key"],
    )


def _event_state(event: SuccessionEvent) -> dict:
    return {
        "act": event.act,
        "note": event.note,
        "certain": event.certain,
        "links": sorted(
            [
                link.predecessor.code,
                link.successor.code if link.successor else "",
                link.function,
                list(link.keywords),
            ]
            for link in event.links.select_related("predecessor", "successor")
        ),
    }


def _correct(event: SuccessionEvent, spec: EventSpec, actor=None) -> bool:
    """Bring an event already recorded in line with corrected bundled data: its act and
    note, lines the data adds (a function it had missed), the functions and words of
    its lines. A confirmation is never undone. True when something changed (audited)."""
    before = _event_state(event)
    event.act, event.note = clean(spec.act), spec.note.strip()
    event.certain = event.certain or spec.certain
    event.save(update_fields=["act", "note", "certain"])
    lines = {(link.predecessor_id, link.successor_id): link for link in event.links.all()}
    for link in spec.links:
        successor_id = link.successor.pk if isinstance(link.successor, Agency) else None
        line = lines.get((link.predecessor.pk, successor_id))
        if line is None:
            line = SuccessionLink(event=event, predecessor=link.predecessor)
            line.successor_id = successor_id
        line.function = clean(link.function)
        line.keywords = [clean(k) for k in link.keywords if k.strip()]
        line.save()
    after = _event_state(event)
    if before == after:
        return False
    record(actor, "update", event, before=before, after=after, note="succession data corrected")
    return True


@transaction.atomic
def load_succession(path: Path = SUCCESSION_2025, actor=None) -> dict[str, int]:
    """Load a planwatch.succession/1 file: the successor agencies, what group references
    mean after a date, and the events, each applied as a coordinator would (users move
    with their agency). Idempotent: an event already recorded (by key) is not applied
    again, only corrected where the data was corrected (``_correct``)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != "planwatch.succession/1":
        raise SuccessionError([_("The file is not reorganisation data (planwatch.succession/1).")])
    counts = load_registry_data({"agencies": data.get("agencies", [])}, actor)
    by_code = {a.code: a for a in Agency.objects.all()}
    groups = {g.code: g for g in AgencyGroup.objects.all()}
    for item in data.get("groups", []):
        group = groups[item["code"]]
        before = snapshot(group)
        group.valid_to = dt.date.fromisoformat(item["valid_to"]) if item.get("valid_to") else None
        group.successor = groups[item["successor"]] if item.get("successor") else None
        group.save()
        if before != snapshot(group):
            record(actor, "update", group, before=before, after=snapshot(group), note="succession")
    applied = corrected = 0
    known = {e.key: e for e in SuccessionEvent.objects.exclude(key="")}
    for item in data.get("events", []):
        spec = _spec_of(item, by_code)
        if item["key"] in known:
            corrected += _correct(known[item["key"]], spec, actor)
            continue
        try:
            apply(spec, actor)
        except SuccessionError as exc:
            raise SuccessionError([f"{item['key']}: {e}" for e in exc.errors]) from None
        for link in spec.links:  # later events see the new end dates
            link.predecessor.refresh_from_db()
        applied += 1
    counts["events"] = applied
    counts["corrected"] = corrected
    return counts
