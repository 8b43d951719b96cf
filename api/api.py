"""The JSON API under /api/v1/, with its OpenAPI schema at /api/v1/openapi.json (for
signed-in users). Routers only translate HTTP to calls of the domain modules; errors
are answered in one shape by the handlers of api.errors, which map each domain error
to its status here."""

from __future__ import annotations

from ninja import NinjaAPI

from api import (
    agencies,
    auth,
    budget,
    documents,
    errors,
    exports,
    indicators,
    outgoing,
    plans,
    reporting,
)
from budget import services as budget_services
from documents import content as document_content
from documents import pdf, word
from indicators.reading import YearOutsidePlan
from outgoing import services as outgoing_services
from plans.format import PlanFormatError
from plans.importer import DocumentError, ImportFailure
from reporting import services as report_services

api = NinjaAPI(
    title="planwatch API",
    version="1",
    description=(
        "Kế hoạch, chỉ tiêu, nhiệm vụ, báo cáo, kinh phí và văn bản (plans, targets, tasks, "
        "reports, funding, documents). Every error answers "
        '`{"code": ..., "message": ..., "fields": {...}}`, the message in the user\'s '
        "language."
    ),
    auth=auth.AUTH,
    urls_namespace="api",
    parser=errors.StrictJsonParser(),
    docs_decorator=auth.signed_in_only,
)

# domain error -> (status, code); a subclass before its parent does not matter: the
# handler is looked up along the exception's class hierarchy.
DOMAIN_ERRORS: dict[type[Exception], tuple[int, str]] = {
    report_services.StaleRevision: (409, "stale_revision"),
    report_services.ReportError: (400, "report_invalid"),
    budget_services.StaleBudget: (409, "stale_revision"),
    budget_services.BudgetForbidden: (403, "forbidden"),
    budget_services.BudgetError: (400, "budget_invalid"),
    PlanFormatError: (400, "plan_invalid"),
    DocumentError: (400, "document_unreadable"),
    ImportFailure: (400, "document_not_a_plan"),
    document_content.DocumentError: (400, "document_failed"),
    word.TemplateProblem: (400, "template_failed"),
    pdf.PdfUnavailable: (503, "pdf_unavailable"),
    YearOutsidePlan: (400, "year_outside_plan"),
    outgoing_services.StaleDocument: (409, "stale_revision"),
    outgoing_services.OutgoingForbidden: (403, "forbidden"),
    outgoing_services.OutgoingError: (400, "outgoing_invalid"),
}
errors.install(api, DOMAIN_ERRORS)

for module in (auth, plans, agencies, indicators, reporting, budget, documents, outgoing, exports):
    api.add_router("", module.router)
