"""Agencies through reorganisations: succession events (rename, merge, split, transfer
of a function, abolition), checked before they are applied, applied in one
transaction, and resolution by date: on a given day, who answers for what an agency
answered for before.

History stays with the old agency (its rows, reports and values are never moved);
from the event's effective date its duties pass to its successors, chosen by the
function where a split or a transfer says so (a task whose text contains one of the
function's words goes with it: task I.2's vocational schools go with vocational
education to Sở Giáo dục và Đào tạo). Resolution runs on an in-memory graph loaded
in two queries, so that resolving every task of a plan costs the same as one.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import (
    Agency,
    AgencyKind,
    SuccessionEvent,
    SuccessionKind,
    SuccessionLink,
)
from audit.log import record, snapshot
from planwatch.text import clean, fold

ONE_DAY = dt.timedelta(days=1)
MAX_DEPTH = 20
DEFAULT_FUNCTION = gettext_lazy("the remaining functions")


class SuccessionError(ValueError):
    """An event that cannot be applied: ``errors`` are sentences in the user's language."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Line:
    event_id: int
    kind: str
    effective: dt.date
    act: str
    certain: bool
    predecessor_id: int
    successor_id: int | None
    function: str = ""
    keywords: tuple[str, ...] = ()

    def matches(self, text: str) -> bool:
        folded = fold(text)
        return any(fold(k) in folded for k in self.keywords if k.strip())


class Graph:
    """Every succession line, indexed both ways, with the agencies they name."""

    def __init__(self, lines: list[Line], agencies: dict[int, Agency]):
        self.lines = lines
        self.agencies = agencies
        self.forward: dict[int, list[Line]] = defaultdict(list)
        self.backward: dict[int, list[Line]] = defaultdict(list)
        for line in lines:
            self.forward[line.predecessor_id].append(line)
            if line.successor_id is not None:
                self.backward[line.successor_id].append(line)

    @classmethod
    def load(cls) -> Graph:
        links = list(
            SuccessionLink.objects.select_related("event", "predecessor", "successor").order_by(
                "event__effective", "event_id", "pk"
            )
        )
        agencies: dict[int, Agency] = {}
        lines = []
        for link in links:
            agencies[link.predecessor_id] = link.predecessor
            if link.successor is not None:
                agencies[link.successor.pk] = link.successor
            lines.append(
                Line(
                    link.event_id,
                    link.event.kind,
                    link.event.effective,
                    link.event.act,
                    link.event.certain,
                    link.predecessor_id,
                    link.successor_id,
                    link.function,
                    tuple(link.keywords or ()),
                )
            )
        return cls(lines, agencies)

    def agency(self, pk: int, known: Agency | None = None) -> Agency:
        if pk not in self.agencies:
            self.agencies[pk] = known or Agency.objects.get(pk=pk)
        return self.agencies[pk]

    # -- resolution ------------------------------------------------------------

    def resolve(self, agency: Agency, day: dt.date, text: str = "") -> list[Agency]:
        """Who answers on ``day`` for what ``agency`` answered for (for a task whose
        text is ``text``): the agency itself while it exists and keeps the function,
        its successors after; [] when it was abolished without one, or did not exist yet."""
        self.agencies.setdefault(agency.pk, agency)
        found = self._resolve(agency.pk, day, text, 0)
        seen: dict[int, Agency] = {}
        for pk in found:
            seen.setdefault(pk, self.agency(pk))
        return list(seen.values())

    def _resolve(self, pk: int, day: dt.date, text: str, depth: int) -> list[int]:
        if depth > MAX_DEPTH:
            return []
        lines = [line for line in self.forward.get(pk, []) if line.effective <= day]
        # A transferred function leaves an agency that goes on.
        moved = [
            line.successor_id
            for line in lines
            if line.kind == SuccessionKind.TRANSFER
            and line.successor_id is not None
            and line.matches(text)
        ]
        if moved:
            return list(
                itertools.chain.from_iterable(
                    self._resolve(successor, day, text, depth + 1) for successor in moved
                )
            )
        agency = self.agency(pk)
        if agency.is_valid_on(day):
            return [pk]
        ending = [line for line in lines if line.kind != SuccessionKind.TRANSFER]
        if not ending:
            return []
        chosen = [line for line in ending if line.keywords and line.matches(text)]
        if not chosen:
            chosen = [line for line in ending if not line.keywords] or ending
        out: list[int] = []
        for line in chosen:
            if line.successor_id is not None:
                out.extend(self._resolve(line.successor_id, day, text, depth + 1))
        return out

    def taken_over_by(self, agency: Agency, day: dt.date) -> list[Agency]:
        """Everyone answering on ``day`` for some function of an agency that has ended:
        each successor line followed to that day (a split names all who took its
        functions, not only the one taking the remaining ones)."""
        self.agencies.setdefault(agency.pk, agency)
        seen: dict[int, Agency] = {}
        for line in self.forward.get(agency.pk, []):
            if line.kind == SuccessionKind.TRANSFER or line.successor_id is None:
                continue
            if line.effective <= day:
                for found in self.resolve(self.agency(line.successor_id), day):
                    seen.setdefault(found.pk, found)
        return list(seen.values())

    def province_on(self, province: Agency | None, day: dt.date) -> Agency | None:
        """The provincial committee that ``province`` is on ``day`` (Quảng Bình's is
        Quảng Trị's from 1/7/2025)."""
        if province is None:
            return None
        found = self.resolve(province, day)
        return found[0] if found else province

    # -- lineage ---------------------------------------------------------------

    def ancestors(self, pk: int) -> set[int]:
        """Every agency whose duties flowed into ``pk`` (transitively)."""
        out: set[int] = set()
        todo = [pk]
        while todo:
            current = todo.pop()
            for line in self.backward.get(current, []):
                if line.predecessor_id not in out:
                    out.add(line.predecessor_id)
                    todo.append(line.predecessor_id)
        return out

    def descendants(self, pk: int) -> set[int]:
        out: set[int] = set()
        todo = [pk]
        while todo:
            current = todo.pop()
            for line in self.forward.get(current, []):
                if line.successor_id and line.successor_id not in out:
                    out.add(line.successor_id)
                    todo.append(line.successor_id)
        return out

    def before(self, pk: int) -> list[Line]:
        return sorted(self.backward.get(pk, []), key=lambda line: line.effective)

    def after(self, pk: int) -> list[Line]:
        return sorted(self.forward.get(pk, []), key=lambda line: line.effective)


def province_on(province: Agency | None, day: dt.date) -> Agency | None:
    return Graph.load().province_on(province, day)


def _provinces(agencies: list[Agency]) -> dict[int, Agency]:
    ids = {a.province_id for a in agencies if a.province_id}
    return Agency.objects.in_bulk(ids) if ids else {}


def qualified_name(agency: Agency, provinces: dict[int, Agency] | None = None) -> str:
    """The name with its province where the name alone is not enough ("Sở Công Thương
    tỉnh Quảng Bình"): every province has a Sở Công Thương."""
    if agency.kind in (AgencyKind.MINISTRY, AgencyKind.PROVINCE_COMMITTEE):
        return agency.name
    province = (provinces or {}).get(agency.province_id) if agency.province_id else None
    if province is None and agency.province_id:
        province = agency.province
    if province is None:
        return agency.name
    place = province.name.removeprefix("UBND ").removeprefix("Ủy ban nhân dân ")
    bare = place.removeprefix("tỉnh ").removeprefix("thành phố ")
    if fold(bare) in fold(agency.name):
        return agency.name
    if agency.name.endswith(" tỉnh") and place.startswith("tỉnh "):
        return f"{agency.name} {bare}"  # "Ban Quản lý Khu kinh tế tỉnh Quảng Bình"
    return f"{agency.name} {place}"


def display_names(agencies: list[Agency]) -> dict[int, str]:
    """{agency id: name}, qualified by province only where two of ``agencies`` share a
    name (a list mixing Quảng Bình's and Quảng Trị's departments)."""
    count: dict[str, int] = defaultdict(int)
    unique = {a.pk: a for a in agencies}
    for agency in unique.values():
        count[agency.name] += 1
    provinces = _provinces([a for a in unique.values() if count[a.name] > 1])
    return {
        pk: qualified_name(a, provinces) if count[a.name] > 1 else a.name
        for pk, a in unique.items()
    }


def current_names(agencies: list[Agency], day: dt.date, graph: Graph | None = None) -> dict:
    """{agency id: "Sở Du lịch (nay: Sở Văn hóa, Thể thao và Du lịch)"-style name}
    for agencies that no longer exist on ``day``; the others keep their name. Where the
    successor bears the same name, both are named with their province ("Sở Công
    Thương tỉnh Quảng Bình (nay: Sở Công Thương tỉnh Quảng Trị)"): no agency reads as
    its own successor. The succession lines are read only when some agency has ended."""
    names = {}
    later: dict[int, list[Agency]] = {}
    for agency in agencies:
        if not agency.is_valid_on(day):
            graph = graph or Graph.load()
            later[agency.pk] = [a for a in graph.taken_over_by(agency, day) if a.pk != agency.pk]
    same = [
        x
        for a in agencies
        if a.pk in later
        for x in [a, *later[a.pk]]
        if any(n.name == a.name for n in later[a.pk])
    ]
    provinces = _provinces(same)
    for agency in agencies:
        now = later.get(agency.pk)
        if not now:
            names[agency.pk] = agency.name
            continue
        clash = any(n.name == agency.name for n in now)
        shown = [qualified_name(n, provinces) if n.name == agency.name else n.name for n in now]
        own = qualified_name(agency, provinces) if clash else agency.name
        names[agency.pk] = _("%(agency)s (now: %(successors)s)") % {
            "agency": own,
            "successors": "; ".join(shown),
        }
    return names


# ---------------------------------------------------------------------------
# Recording an event


@dataclass
class NewAgency:
    """A successor created by the event (a merged department, the new province)."""

    name: str
    kind: str
    province: Agency | None = None
    parent: Agency | None = None
    abbreviation: str = ""
    code: str = ""
    email: str = ""


@dataclass
class LinkSpec:
    predecessor: Agency
    successor: Agency | NewAgency | None
    function: str = ""
    keywords: list[str] = field(default_factory=list)


@dataclass
class EventSpec:
    kind: str
    effective: dt.date
    act: str
    links: list[LinkSpec]
    note: str = ""
    certain: bool = True
    key: str = ""


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def validate(spec: EventSpec, graph: Graph | None = None) -> list[str]:
    """Everything wrong with ``spec``, in the user's language; [] when it can be applied."""
    graph = graph or Graph.load()
    if spec.kind not in SuccessionKind.values:
        return [_("The kind of change is not valid.")]
    if not isinstance(spec.effective, dt.date):
        return [_("The effective date is not valid; enter it as day/month/year.")]
    errors: list[str] = []
    if not clean(spec.act):
        errors.append(_("Name the act that decides the change (number, date, issuing body)."))
    if not spec.links:
        return [*errors, _("Choose at least one agency before the change.")]
    errors += _shape_errors(spec)
    for link in spec.links:
        errors += _link_errors(spec, link, graph)
    return list(dict.fromkeys(errors))


def _shape_errors(spec: EventSpec) -> list[str]:
    """What the kind of event requires of its lines (one agency renamed, one merged into)."""
    errors: list[str] = []
    predecessors = {link.predecessor.pk for link in spec.links}
    successors = [link.successor for link in spec.links if link.successor is not None]
    kind = spec.kind
    if kind == SuccessionKind.RENAME and (len(predecessors) != 1 or len(spec.links) != 1):
        errors.append(_("Rename: one former agency and one new name."))
    if kind == SuccessionKind.MERGE and len({_successor_key(s) for s in successors}) != 1:
        errors.append(_("Merger: the former agencies go into one single agency."))
    if kind == SuccessionKind.SPLIT:
        errors += _split_errors(spec, predecessors, successors)
    if kind == SuccessionKind.TRANSFER:
        for link in spec.links:
            if link.successor is None:
                errors.append(_("Transfer of a function: choose the agency taking it."))
            if not clean(link.function) or not [k for k in link.keywords if k.strip()]:
                errors.append(
                    _(
                        "Transfer of a function: name the function and the words that "
                        "recognise its tasks."
                    )
                )
    if kind == SuccessionKind.ABOLITION and successors:
        errors.append(
            _("Abolition: there is no successor (use a merger or a transfer of a function).")
        )
    if kind in (SuccessionKind.RENAME, SuccessionKind.MERGE, SuccessionKind.TRANSFER) and any(
        link.successor is None for link in spec.links
    ):
        errors.append(_("Choose the successor of each former agency."))
    return errors


def _split_errors(spec: EventSpec, predecessors: set[int], successors: list) -> list[str]:
    errors: list[str] = []
    if len(predecessors) != 1:
        errors.append(_("Split: one agency is split."))
    if len(successors) < 2:
        errors.append(_("Split: at least two agencies take over."))
    for link in spec.links:
        if link.successor is None:
            errors.append(
                _("No agency takes the function “%(function)s” yet.")
                % {"function": link.function or DEFAULT_FUNCTION}
            )
        elif link.keywords and not clean(link.function):
            errors.append(_("Split: name the function that goes with the words."))
    if not any(not link.keywords for link in spec.links):
        errors.append(
            _(
                "Split: one agency must take %(function)s, or a task that matches no "
                "function would have no one answering for it."
            )
            % {"function": DEFAULT_FUNCTION}
        )
    return errors


def _link_errors(spec: EventSpec, link: LinkSpec, graph: Graph) -> list[str]:
    """Whether the line's agencies exist on the effective date and make no cycle."""
    errors: list[str] = []
    pred, kind = link.predecessor, spec.kind
    if pred.valid_from and spec.effective <= pred.valid_from:
        errors.append(
            _("%(agency)s was established on %(start)s: it cannot change from %(day)s.")
            % {"agency": pred.name, "start": _date(pred.valid_from), "day": _date(spec.effective)}
        )
    if pred.valid_to and pred.valid_to < spec.effective - ONE_DAY:
        errors.append(
            _("%(agency)s ceased to operate after %(day)s.")
            % {"agency": pred.name, "day": _date(pred.valid_to)}
        )
    if kind != SuccessionKind.TRANSFER and any(
        line.kind != SuccessionKind.TRANSFER for line in graph.forward.get(pred.pk, [])
    ):
        errors.append(_("%(agency)s already has a successor.") % {"agency": pred.name})
    succ = link.successor
    if isinstance(succ, Agency):
        errors += _successor_errors(spec, pred, succ, graph)
    elif isinstance(succ, NewAgency):
        if not clean(succ.name):
            errors.append(_("Give the name of the new agency."))
        if succ.kind not in AgencyKind.values:
            errors.append(_("Choose the kind of the new agency."))
        if succ.code and Agency.objects.filter(code=succ.code).exists():
            errors.append(_("The code %(code)s is already in use.") % {"code": succ.code})
    return errors


def _successor_errors(spec: EventSpec, pred: Agency, succ: Agency, graph: Graph) -> list[str]:
    errors: list[str] = []
    if succ.pk == pred.pk:
        errors.append(_("%(agency)s cannot succeed itself.") % {"agency": pred.name})
    elif succ.pk in graph.ancestors(pred.pk) or pred.pk in graph.descendants(succ.pk):
        errors.append(
            _("%(successor)s is a predecessor of %(agency)s: this change makes a cycle.")
            % {"successor": succ.name, "agency": pred.name}
        )
    if succ.valid_from and succ.valid_from > spec.effective:
        errors.append(
            _("%(agency)s exists only from %(start)s, after the effective date.")
            % {"agency": succ.name, "start": _date(succ.valid_from)}
        )
    if succ.valid_to and succ.valid_to < spec.effective:
        errors.append(
            _("%(agency)s ceased to operate before the effective date.") % {"agency": succ.name}
        )
    return errors


def _successor_key(successor) -> object:
    return successor.pk if isinstance(successor, Agency) else id(successor)


def users_moving(spec: EventSpec) -> tuple[dict[int, Agency | NewAgency], list[int]]:
    """{predecessor id: where its users go}; predecessors whose users stay."""
    moves: dict[int, Agency | NewAgency] = {}
    stay: list[int] = []
    for link in spec.links:
        pred = link.predecessor.pk
        if spec.kind == SuccessionKind.TRANSFER:
            continue
        if spec.kind == SuccessionKind.ABOLITION or link.successor is None:
            stay.append(pred)
        elif spec.kind == SuccessionKind.SPLIT:
            if not link.keywords:
                moves.setdefault(pred, link.successor)
        else:
            moves.setdefault(pred, link.successor)
    return moves, stay


def link_matches(link: LinkSpec, text: str) -> bool:
    folded = fold(text)
    return any(fold(k) in folded for k in link.keywords if k.strip())


def _unique_code(base: str) -> str:
    base = base[:70] or "don-vi"
    code, n = base, 2
    while Agency.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


def _create(new: NewAgency, effective: dt.date) -> Agency:
    from django.utils.text import slugify

    agency = Agency.objects.create(
        code=new.code or _unique_code(slugify(fold(new.name))),
        name=clean(new.name),
        abbreviation=clean(new.abbreviation),
        kind=new.kind,
        province=new.province,
        parent=new.parent,
        email=new.email,
        valid_from=effective,
    )
    return agency


@transaction.atomic
def apply(spec: EventSpec, actor=None) -> tuple[SuccessionEvent, dict[int, Agency]]:
    """Check and apply ``spec`` to the registry in one transaction (SuccessionError,
    nothing applied): the predecessors end the day before, new successors begin, the
    lines are recorded. Returns the event and {predecessor id: where its people go}
    (reporting.restructuring moves the users and previews the whole change)."""
    graph = Graph.load()
    errors = validate(spec, graph)
    if errors:
        raise SuccessionError(errors)
    event = SuccessionEvent.objects.create(
        kind=spec.kind,
        effective=spec.effective,
        act=clean(spec.act),
        note=spec.note.strip(),
        certain=spec.certain,
        key=spec.key,
        applied_at=timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    created: dict[int, Agency] = {}
    ended = []
    for link in spec.links:
        succ = link.successor
        if isinstance(succ, NewAgency):
            key = id(succ)
            if key not in created:
                created[key] = _create(succ, spec.effective)
                record(actor, "create", created[key], after=snapshot(created[key]))
            succ = created[key]
        SuccessionLink.objects.create(
            event=event,
            predecessor=link.predecessor,
            successor=succ,
            function=clean(link.function),
            keywords=[clean(k) for k in link.keywords if k.strip()],
        )
        pred = Agency.objects.select_for_update().get(pk=link.predecessor.pk)
        if spec.kind != SuccessionKind.TRANSFER:
            last = spec.effective - ONE_DAY
            if pred.valid_to is None or pred.valid_to > last:
                before = snapshot(pred)
                pred.valid_to = last
                pred.save(update_fields=["valid_to"])
                record(actor, "update", pred, before=before, after=snapshot(pred))
                ended.append(pred.name)
    moves, _stay = users_moving(spec)
    targets = {
        pred: created[id(target)] if isinstance(target, NewAgency) else target
        for pred, target in moves.items()
    }
    record(
        actor,
        "create",
        event,
        note="succession applied",
        after={
            "kind": event.kind,
            "effective": event.effective,
            "act": event.act,
            "links": [
                [link.predecessor.name, link.successor.name if link.successor else None]
                for link in spec.links
            ],
            "ended": ended,
        },
    )
    return event, targets


@transaction.atomic
def confirm(event: SuccessionEvent, actor) -> None:
    """A coordinator confirms an event whose date or mapping was uncertain."""
    if event.certain:
        return
    event.certain = True
    event.confirmed_by = actor
    event.confirmed_at = timezone.now()
    event.save(update_fields=["certain", "confirmed_by", "confirmed_at"])
    record(
        actor, "update", event, before={"certain": False}, after={"certain": True}, note="confirmed"
    )


# ---------------------------------------------------------------------------
# Lineage


@dataclass
class Step:
    """One event in an agency's history, as a line of its timeline."""

    effective: dt.date
    kind: str
    kind_label: str
    act: str
    certain: bool
    event_id: int
    predecessors: list[Agency]
    successors: list[Agency]
    functions: list[str]


@dataclass
class Lineage:
    agency: Agency
    predecessors: list[Agency]  # every agency whose duties flowed into this one
    successors: list[Agency]  # every agency that took over from this one
    now: list[Agency]  # who answers today for what this agency answered for
    steps: list[Step]  # the events of the whole chain, oldest first


def lineage(agency: Agency, today: dt.date, graph: Graph | None = None) -> Lineage:
    graph = graph or Graph.load()
    graph.agencies.setdefault(agency.pk, agency)
    before = graph.ancestors(agency.pk)
    after = graph.descendants(agency.pk)
    # Events leading into the agency (from its predecessors) and out of it (to its
    # successors), each with all its lines; not the other inputs of a successor.
    into, out = before | {agency.pk}, after | {agency.pk}
    relevant = {
        line.event_id
        for line in graph.lines
        if line.successor_id in into or line.predecessor_id in out
    }
    events: dict[int, list[Line]] = defaultdict(list)
    for line in graph.lines:
        if line.event_id in relevant:
            events[line.event_id].append(line)
    labels = dict(SuccessionKind.choices)
    steps = []
    for event_id, lines in events.items():
        first = lines[0]
        steps.append(
            Step(
                first.effective,
                first.kind,
                str(labels.get(first.kind, first.kind)),
                first.act,
                first.certain,
                event_id,
                list(
                    {
                        graph.agency(x.predecessor_id).pk: graph.agency(x.predecessor_id)
                        for x in lines
                    }.values()
                ),
                list(
                    {
                        x.successor_id: graph.agency(x.successor_id)
                        for x in lines
                        if x.successor_id
                    }.values()
                ),
                [x.function for x in lines if x.function],
            )
        )
    steps.sort(key=lambda s: (s.effective, s.event_id))
    now = graph.taken_over_by(agency, today) if not agency.is_valid_on(today) else []
    by_name = lambda pks: sorted((graph.agency(pk) for pk in pks), key=lambda a: a.name)  # noqa: E731
    return Lineage(agency, by_name(before), by_name(after), now, steps)
