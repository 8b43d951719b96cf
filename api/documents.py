"""Document routes of the API: the consolidated report of a year (and the mid-term
and final reviews) as .docx, .xlsx or .pdf, made in the request."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from access.capabilities import Capability as C
from access.decorators import requires
from api.schemas import Message
from documents import generate, pdf, word
from documents.content import DocumentError, Kind
from plans.models import Plan

router = Router(tags=["documents"])
FORMATS = ("docx", "xlsx", "pdf")


def _document(request, code: str, kind: str, year: int | None, fmt: str):
    plan = Plan.objects.filter(code=code[:64]).first()
    if plan is None:
        return Status(
            404, {"detail": _("There is no plan with code %(code)s.") % {"code": code[:64]}}
        )
    if fmt not in FORMATS:
        return Status(404, {"detail": _("Choose report.docx, report.xlsx or report.pdf.")})
    try:
        years = generate.years_for(plan, kind, year)
        output = generate.build(plan, kind, years, fmt)
    except (DocumentError, word.TemplateProblem) as exc:
        return Status(400, {"detail": str(exc)})
    except pdf.PdfUnavailable as exc:
        return Status(503, {"detail": str(exc)})
    response = HttpResponse(output.data, content_type=output.content_type)
    response["Content-Disposition"] = f'attachment; filename="{output.filename}"'
    return response


@router.get(
    "/plans/{code}/years/{year}/report.{fmt}",
    response={200: None, 400: Message, 403: Message, 404: Message, 503: Message},
    url_name="year_report",
)
@requires(C.READ_DOCUMENTS)
def year_report(request, code: str, year: int, fmt: str):
    """The consolidated annual report of ``year``: fmt is docx (Nghị định 30 format),
    xlsx (appendices) or pdf."""
    return _document(request, code, Kind.ANNUAL, year, fmt)


@router.get(
    "/plans/{code}/reviews/{kind}/report.{fmt}",
    response={200: None, 400: Message, 403: Message, 404: Message, 503: Message},
    url_name="review_report",
)
@requires(C.READ_DOCUMENTS)
def review_report(request, code: str, kind: str, fmt: str):
    """The mid-term (kind=midterm, sơ kết) or final (kind=final, tổng kết) review."""
    if kind not in (Kind.MIDTERM, Kind.FINAL):
        return Status(404, {"detail": _("The review is midterm or final.")})
    return _document(request, code, kind, None, fmt)
