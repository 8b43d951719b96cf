"""Exports: the indicator values, reports and report items of one plan or of every
plan, as CSV (streamed) or Excel (.xlsx), in constant memory (indicators.exports)."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from ninja import Router

from access.capabilities import Capability as C
from access.decorators import requires
from access.lookups import get_plan_for_user
from api.errors import responses
from api.fields import PlanCode
from indicators import exports

router = Router(tags=["exports"])

Table = Literal["values", "reports", "items"]
Format = Literal["csv", "xlsx"]

# The success answer is the file itself, in the format asked for.
FILE = {
    "responses": {
        200: {
            "description": "The export: CSV (UTF-8 with a byte-order mark, streamed) or "
            ".xlsx (one sheet); Vietnamese headers, names rather than internal keys",
            "content": {
                exports.CONTENT_TYPES[f]: {"schema": {"type": "string", "format": "binary"}}
                for f in exports.FORMATS
            },
        }
    }
}


def _download(request, table: str, fmt: str, plan=None):
    try:
        return exports.download(table, fmt, request.user, plan)
    except exports.ExportRefused:
        raise PermissionDenied from None


@router.get(
    "/plans/{code}/exports/{table}.{fmt}",
    response=responses(None, 403, 404),
    openapi_extra=FILE,
    url_name="plan_export",
)
@requires(C.READ_PLANS)
def plan_export(request, code: PlanCode, table: Table, fmt: Format):
    """One plan's ``values`` (indicator values), ``reports`` (agency reports) or ``items``
    (what each report says of each task), as ``csv`` or ``xlsx``. A reporter exports
    only a plan its agency reports in (403 for another province's), with the rows it
    may read: its own reports and items; of the values, the province's, the accepted
    reports' and its own."""
    return _download(request, table, fmt, get_plan_for_user(request.user, code))


@router.get(
    "/exports/{table}.{fmt}",
    response=responses(None, 403, 404),
    openapi_extra=FILE,
    url_name="nation_export",
)
@requires(C.EXPORT_NATION)
def nation_export(request, table: Table, fmt: Format):
    """Every plan's ``values``, ``reports`` or ``items`` in one file (the administrator)."""
    return _download(request, table, fmt)
