"""Pages of the official documents: the plan's documents page (annual reports and
reviews to generate, the template to download and upload), a generation job's
progress, the finished file, and the printable HTML view."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from access import rules
from access.capabilities import Capability as C
from access.decorators import requires
from access.lookups import get_job_for_user, get_plan_for_user
from documents import formats, generate, pdf, word
from documents.content import DocumentError, Kind, periods_of, review_years
from documents.forms import GenerateForm, TemplateForm
from documents.models import DocumentJob, DocumentTemplate, JobStatus
from planwatch.http import attachment, post_or_redirect

DOCX = formats.FORMATS["docx"].content_type


def _plan(user, code):
    return get_plan_for_user(user, code)


@requires(C.READ_DOCUMENTS)
def index(request, code: str):
    plan = _plan(request.user, code)
    years = periods_of(plan)
    jobs = DocumentJob.objects.filter(plan=plan, created_by=request.user).defer("result")[:8]
    reviews = [
        (Kind.MIDTERM, _("Mid-term review"), review_years(plan, Kind.MIDTERM)),
        (Kind.FINAL, _("Final review"), review_years(plan, Kind.FINAL)),
    ]
    templates = (
        DocumentTemplate.objects.filter(plan=plan)
        .select_related("uploaded_by")
        .defer("content")[:10]
    )
    return render(
        request,
        "documents/index.html",
        {
            "plan": plan,
            "years": years,
            "reviews": [(k, label, ys[0], ys[-1]) for k, label, ys in reviews],
            "jobs": jobs,
            "templates": templates,
            "active_template": next((t for t in templates if t.active), None),
            "can_manage": rules.has(request.user, C.MANAGE_DOCUMENTS),
            "pdf_available": pdf.available(),
            "formats": formats.choices(),
        },
    )


@requires(C.READ_DOCUMENTS)
@post_or_redirect("documents:index", "code")
def generate_view(request, code: str):
    plan = _plan(request.user, code)
    form = GenerateForm(request.POST)
    try:
        if not form.is_valid():
            raise DocumentError(form.message())
        data = form.cleaned_data
        years = generate.years_for(plan, data["kind"], data["year"])
        job = generate.start_job(plan, data["kind"], years, data["format"], request.user)
    except DocumentError as exc:
        message = str(exc)
        if request.headers.get("HX-Request"):
            return render(request, "documents/_job.html", {"error": message}, status=200)
        messages.error(request, message)
        return redirect("documents:index", code=plan.code)
    if request.headers.get("HX-Request"):
        return render(request, "documents/_job.html", {"job": job})
    return redirect("documents:job", pk=job.pk)


def _job_for(user, pk: int) -> DocumentJob:
    return get_job_for_user(user, pk)


@requires(C.READ_DOCUMENTS)
def job(request, pk: int):
    job = _job_for(request.user, pk)
    template = "documents/_job.html" if request.headers.get("HX-Request") else "documents/job.html"
    return render(request, template, {"job": job, "plan": job.plan})


@requires(C.READ_DOCUMENTS)
def job_download(request, pk: int):
    job = _job_for(request.user, pk)
    if job.status != JobStatus.DONE:
        raise Http404
    data = DocumentJob.objects.filter(pk=job.pk).values_list("result", flat=True).first()
    response = HttpResponse(bytes(data), content_type=formats.FORMATS[job.format].content_type)
    attachment(response, job.filename)
    return response


@requires(C.READ_DOCUMENTS)
def printable(request, code: str):
    """The report as a printable page (A4, the state format's margins and fonts)."""
    plan = _plan(request.user, code)
    kind = request.GET.get("kind", Kind.ANNUAL)
    try:
        year = int(request.GET.get("year", "0")) if kind == Kind.ANNUAL else None
        report = generate.report_for(plan, kind, generate.years_for(plan, kind, year))
    except (ValueError, DocumentError) as exc:
        raise Http404(str(exc)) from exc
    charts = {
        name: "data:image/png;base64," + base64.b64encode(chart.png).decode()
        for name, chart in report.charts.items()
    }
    return render(request, "documents/print.html", {"plan": plan, "r": report, "charts": charts})


@requires(C.READ_DOCUMENTS)
def template_download(request, code: str):
    plan = _plan(request.user, code)
    bundled = request.GET.get("bundled") == "1"
    tpl = None if bundled else generate.active_template(plan)
    data = bytes(tpl.content) if tpl else generate.bundled_template()
    name = tpl.name if tpl else f"mau-bao-cao-{plan.code}.docx"
    response = HttpResponse(data, content_type=DOCX)
    attachment(response, name)
    return response


def _template_page(plan) -> str:
    return reverse("documents:index", kwargs={"code": plan.code}) + "#template"


@requires(C.MANAGE_DOCUMENTS)
@post_or_redirect("documents:index", "code")
def template_upload(request, code: str):
    """A Word template of the coordinator's: checked against the latest year's data."""
    plan = _plan(request.user, code)
    form = TemplateForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors["template"]:
            messages.error(request, error)
        return redirect(_template_page(plan))
    upload = form.cleaned_data["template"]
    try:
        tpl = generate.upload_template(plan, upload.name, upload.read(), request.user)
    except word.TemplateProblem as exc:
        messages.error(request, _("The template was refused: %(reason)s") % {"reason": exc})
    else:
        messages.success(request, _("The template %(name)s is in use.") % {"name": tpl.name})
        for warning in tpl.warnings:
            messages.warning(request, warning)
    return redirect(_template_page(plan))


@requires(C.MANAGE_DOCUMENTS)
@post_or_redirect("documents:index", "code")
def template_reset(request, code: str):
    plan = _plan(request.user, code)
    generate.use_bundled_template(plan, request.user)
    messages.success(request, _("The bundled template is in use again."))
    return redirect(_template_page(plan))
