"""Which group references an agency belongs to in a year."""

from __future__ import annotations

import datetime as dt

from agencies.models import Agency, AgencyGroup


def valid_during(agency: Agency, year: int) -> bool:
    """Whether the agency existed at some time in ``year``."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (agency.valid_from is None or agency.valid_from <= last) and (
        agency.valid_to is None or agency.valid_to >= first
    )


def group_ids_of(agency: Agency, year: int | None = None) -> set[int]:
    """The ids of the groups that include ``agency`` (in ``year``, or ever).

    Two queries at most, whatever the number of groups.
    """
    if year is not None and not valid_during(agency, year):
        return set()
    ids: set[int] = set()
    for group in AgencyGroup.objects.filter(rule=AgencyGroup.Rule.BY_KIND):
        if agency.kind in group.member_kinds and (
            group.scope_id is None or group.scope_id == agency.province_id
        ):
            ids.add(group.pk)
    ids.update(agency.listed_in_groups.values_list("pk", flat=True))
    return ids
