"""Agency routes: the registry, and an agency's lineage through reorganisations."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from access.capabilities import Capability as C
from access.decorators import requires
from agencies.models import Agency
from agencies.registry import find_agency
from agencies.succession import Lineage, lineage
from api.errors import NotFound, responses
from api.fields import Code
from api.schemas import AgencyOut, AgencyRef
from planwatch.text import vi_sorted

router = Router(tags=["agencies"])


class Event(Schema):
    id: int
    kind: str
    effective: dt.date
    act: str
    confirmed: bool
    before: list[str]
    after: list[str]
    functions: list[str]


class LineageOut(Schema):
    agency: AgencyRef
    predecessors: list[AgencyRef]
    successors: list[AgencyRef]
    answering_today: list[AgencyRef] | None
    events: list[Event]

    @classmethod
    def of(cls, history: Lineage) -> dict:
        return {
            "agency": history.agency,
            "predecessors": history.predecessors,
            "successors": history.successors,
            "answering_today": history.now or None,
            "events": [
                {
                    "id": step.event_id,
                    "kind": step.kind,
                    "effective": step.effective,
                    "act": step.act,
                    "confirmed": step.certain,
                    "before": [a.code for a in step.predecessors],
                    "after": [a.code for a in step.successors],
                    "functions": step.functions,
                }
                for step in history.steps
            ],
        }


@router.get("/agencies", response=responses(list[AgencyOut], 403))
@requires(C.READ_PLANS)
def list_agencies(request):
    """The agency registry in Vietnamese alphabetical order."""
    return vi_sorted(Agency.objects.select_related("parent"), key=lambda a: a.name)


@router.get("/agencies/{agency_id}/lineage", response=responses(LineageOut, 403, 404))
@requires(C.READ_PLANS)
def agency_lineage(request, agency_id: Code):
    """An agency's history: the events of its chain (oldest first) with their dates,
    acts and whether they are confirmed, its predecessors and successors, and who
    answers today for what it answered for. ``agency_id`` is the id or the code."""
    agency = find_agency(agency_id)
    if agency is None:
        raise NotFound(_("There is no agency with code %(code)s.") % {"code": agency_id})
    return LineageOut.of(lineage(agency, timezone.localdate()))
