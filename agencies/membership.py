"""Which group references an agency belongs to in a year."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from agencies.models import Agency, AgencyGroup


def valid_during(agency: Agency, year: int) -> bool:
    """Whether the agency existed at some time in ``year``."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (agency.valid_from is None or agency.valid_from <= last) and (
        agency.valid_to is None or agency.valid_to >= first
    )


def representative_day(agency: Agency, year: int | None) -> dt.date:
    """The day on which to read who answers for what in ``year``: the last day of the
    year the agency existed (with no year, today, or the agency's last day if it has
    ended)."""
    day = timezone.localdate() if year is None else dt.date(year, 12, 31)
    if agency.valid_to and agency.valid_to < day:
        day = agency.valid_to
    if agency.valid_from and agency.valid_from > day:
        day = agency.valid_from
    return day


def group_ids_of(agency: Agency, year: int | None = None, graph=None) -> set[int]:
    """The ids of the group references that include ``agency`` (in ``year``, or now).

    A reference means what it means on that day: "UBND các huyện, thị xã, thành phố"
    is the commune-level committees from 1/7/2025, and a province-scoped group follows
    its province (Quảng Bình's groups are Quảng Trị's). Three queries at most.
    """
    from agencies.succession import Graph

    if year is not None and not valid_during(agency, year):
        return set()
    day = representative_day(agency, year)
    graph = graph or Graph.load()
    ids: set[int] = set()
    groups = AgencyGroup.objects.filter(rule=AgencyGroup.Rule.BY_KIND).select_related(
        "scope", "successor", "successor__scope"
    )
    for group in groups:
        meant = group.on(day)
        if meant.rule != AgencyGroup.Rule.BY_KIND or agency.kind not in meant.member_kinds:
            continue
        if meant.valid_to and day > meant.valid_to:
            continue
        scope = graph.province_on(meant.scope, day) if meant.scope_id else None
        if scope is None or scope.pk == agency.province_id:
            ids.add(group.pk)
    ids.update(agency.listed_in_groups.values_list("pk", flat=True))
    return ids
