"""A plan's territory: the area it applies to, kept as a rule over the registry's
local units and their lineage, so that group references resolve by date within it.

Quyết định 800/QĐ-UBND was issued for Quảng Bình; since 1/7/2025 that area is part of
the new Quảng Trị, whose 78 communes and wards include 37 formed from the old Quảng
Trị. The plan keeps applying to the former Quảng Bình until a plan replaces it: on and
after 1/7/2025 "UBND các huyện, thị xã, thành phố" means the 41 communes and wards
formed on the former Quảng Bình's districts, not all 78.

The rule: a plan's *areas* are provinces or district-level units as they were (none
chosen: the issuer's province). A local unit (district- or commune-level committee) is
in the territory when it is an area, falls under an area province, was formed on the
territory of a unit that is in it (``Agency.formed_on``: NQ 1680/NQ-UBTVQH15), or
succeeded one that is (the succession graph). Provincial bodies are not local units:
a province-wide plan is answered by the province's departments, whoever they are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import prefetch_related_objects

from agencies.models import Agency, AgencyKind
from agencies.registry import province_of
from agencies.succession import Graph
from audit.log import record
from planwatch.text import vi_sorted

LOCAL_KINDS = frozenset({AgencyKind.DISTRICT_COMMITTEE, AgencyKind.COMMUNE_COMMITTEE})
# What a coordinator may choose as an area: a province, or district-level units.
AREA_KINDS = frozenset({AgencyKind.PROVINCE_COMMITTEE, AgencyKind.DISTRICT_COMMITTEE})


@dataclass
class Territory:
    areas: list[Agency]
    chosen: bool  # False: no area chosen, the issuer's province stands in
    formed_on: dict[int, list[tuple[int, int | None]]] = field(default_factory=dict)
    graph: Graph | None = None

    @property
    def unrestricted(self) -> bool:
        """No area at all (a plan without a known issuer): nothing is left out."""
        return not self.areas

    def contains(self, agency: Agency) -> bool:
        """Whether ``agency`` answers for this plan's local references."""
        if agency.kind not in LOCAL_KINDS or self.unrestricted:
            return True
        ids = {a.pk for a in self.areas}
        return self._inside(agency.pk, agency.province_id, ids, set())

    def _inside(self, pk: int, province_id: int | None, ids: set[int], seen: set[int]) -> bool:
        if pk in seen:
            return False
        seen.add(pk)
        if pk in ids or province_id in ids:
            return True
        for area, area_province in self.formed_on.get(pk, []):
            if self._inside(area, area_province, ids, seen):
                return True
        graph = self.graph
        if graph is None:
            return False
        for line in graph.backward.get(pk, []):
            before = graph.agency(line.predecessor_id)
            if self._inside(before.pk, before.province_id, ids, seen):
                return True
        return False

    def keep(self, agencies: list[Agency]) -> list[Agency]:
        return [a for a in agencies if self.contains(a)]

    def local_units_on(self, day: dt.date) -> list[Agency]:
        """The local units in the territory that exist on ``day`` (the page's list)."""
        qs = Agency.objects.filter(kind__in=LOCAL_KINDS).valid_on(day)
        return vi_sorted(self.keep(list(qs)), key=lambda a: a.name)


def _formed_on() -> dict[int, list[tuple[int, int | None]]]:
    """{local unit id: [(former unit id, its province id)]}, one query."""
    through = Agency.formed_on.through
    out: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for unit, area, province in through.objects.values_list(
        "from_agency_id", "to_agency_id", "to_agency__province_id"
    ):
        out[unit].append((area, province))
    return out


def _areas(plan) -> tuple[list[Agency], bool]:
    chosen = list(plan.territory.all())
    if chosen:
        return chosen, True
    province = province_of(plan.issuer) if plan.issuer_id else None
    return ([province] if province else []), False


def territory_of(plan, graph: Graph | None = None) -> Territory:
    areas, chosen = _areas(plan)
    return Territory(areas, chosen, _formed_on(), graph or Graph.load())


def territories(plan_ids, graph: Graph | None = None, plans=None) -> dict[int, Territory]:
    """{plan id: Territory} for several plans in three queries (two when the caller
    has the ``plans`` already, with their issuer)."""
    from plans.models import Plan

    graph = graph or Graph.load()
    formed_on = _formed_on()
    if plans is None:
        plans = list(
            Plan.objects.filter(pk__in=set(plan_ids)).select_related("issuer", "issuer__province")
        )
    prefetch_related_objects(plans, "territory")
    out = {}
    for plan in plans:
        areas, chosen = _areas(plan)
        out[plan.pk] = Territory(areas, chosen, formed_on, graph)
    return out


class TerritoryError(ValueError):
    """A territory that cannot be saved; the message is Vietnamese."""


@transaction.atomic
def set_territory(plan, areas: list[Agency], actor=None) -> Territory:
    """Change the areas a plan applies to (audited); [] goes back to the issuer's
    province. Only provinces and district-level units can be areas."""
    wrong = [a.name for a in areas if a.kind not in AREA_KINDS]
    if wrong:
        raise TerritoryError(
            "Chỉ chọn được tỉnh hoặc đơn vị cấp huyện làm địa bàn: %s." % "; ".join(wrong)
        )
    before = sorted(plan.territory.values_list("code", flat=True))
    plan.territory.set(areas)
    after = sorted(a.code for a in areas)
    if before != after:
        record(
            actor,
            "update",
            plan,
            before={"territory": before},
            after={"territory": after},
            note="territory",
        )
    return territory_of(plan)
