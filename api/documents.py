"""Document routes: the consolidated report of a year (and the mid-term and final
reviews) as .docx, .xlsx or .pdf, made in the request."""

from __future__ import annotations

from typing import Literal

from django.http import HttpResponse
from ninja import Router

from access.capabilities import Capability as C
from access.decorators import requires
from access.lookups import get_plan_for_user
from api.errors import responses
from api.fields import PlanCode, Year
from documents import generate
from documents.content import Kind
from documents.generate import CONTENT_TYPES

router = Router(tags=["documents"])

Format = Literal["docx", "xlsx", "pdf"]
Review = Literal["midterm", "final"]

# The success answer is the file itself, in the format asked for.
FILE = {
    "responses": {
        200: {
            "description": "The document",
            "content": {
                CONTENT_TYPES[fmt]: {"schema": {"type": "string", "format": "binary"}}
                for fmt in ("docx", "xlsx", "pdf")
            },
        }
    }
}
DOCUMENT = responses(None, 403, 404, 503)


def _document(request, code: str, kind: str, year: int | None, fmt: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, code)
    output = generate.build(plan, kind, generate.years_for(plan, kind, year), fmt)
    response = HttpResponse(output.data, content_type=output.content_type)
    response["Content-Disposition"] = f'attachment; filename="{output.filename}"'
    return response


@router.get(
    "/plans/{code}/years/{year}/report.{fmt}",
    response=DOCUMENT,
    openapi_extra=FILE,
    url_name="year_report",
)
@requires(C.READ_DOCUMENTS)
def year_report(request, code: PlanCode, year: Year, fmt: Format):
    """The consolidated annual report of ``year``: docx (Nghị định 30 format), xlsx
    (appendices) or pdf (503 where LibreOffice is not installed)."""
    return _document(request, code, Kind.ANNUAL, year, fmt)


@router.get(
    "/plans/{code}/reviews/{kind}/report.{fmt}",
    response=DOCUMENT,
    openapi_extra=FILE,
    url_name="review_report",
)
@requires(C.READ_DOCUMENTS)
def review_report(request, code: PlanCode, kind: Review, fmt: Format):
    """The mid-term (``midterm``, sơ kết) or final (``final``, tổng kết) review."""
    return _document(request, code, kind, None, fmt)
