"""Pages of the official documents: the plan's documents page (annual reports and
reviews to generate, the template to download and upload), a generation job's
progress, the finished file, and the printable HTML view."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import (
    can_manage_document_templates,
    can_read_consolidated_reports,
    require,
)
from documents import formats, generate, pdf, word
from documents.content import DocumentError, Kind, periods_of, review_years
from documents.models import DocumentJob, DocumentTemplate, JobStatus
from plans.views import get_plan_for_user

DOCX = formats.FORMATS["docx"].content_type


def _plan(user, code):
    require(can_read_consolidated_reports(user))
    return get_plan_for_user(user, code)


@login_required
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
            "can_manage": can_manage_document_templates(request.user),
            "pdf_available": pdf.available(),
            "formats": formats.choices(),
        },
    )


@login_required
@require_POST
def generate_view(request, code: str):
    plan = _plan(request.user, code)
    kind = request.POST.get("kind", Kind.ANNUAL)
    fmt = request.POST.get("format", "docx")
    try:
        year = int(request.POST["year"]) if kind == Kind.ANNUAL else None
        years = generate.years_for(plan, kind, year)
        job = generate.start_job(plan, kind, years, fmt, request.user)
    except (KeyError, ValueError, DocumentError) as exc:
        message = str(exc) if isinstance(exc, DocumentError) else _("Choose a year.")
        if request.headers.get("HX-Request"):
            return render(request, "documents/_job.html", {"error": message}, status=200)
        messages.error(request, message)
        return redirect("documents:index", code=plan.code)
    if request.headers.get("HX-Request"):
        return render(request, "documents/_job.html", {"job": job})
    return redirect("documents:job", pk=job.pk)


def _job_for(user, pk: int) -> DocumentJob:
    job = get_object_or_404(DocumentJob.objects.select_related("plan").defer("result"), pk=pk)
    require(can_read_consolidated_reports(user))
    if job.created_by_id != user.pk and not can_manage_document_templates(user):
        raise Http404
    return job


@login_required
def job(request, pk: int):
    job = _job_for(request.user, pk)
    template = "documents/_job.html" if request.headers.get("HX-Request") else "documents/job.html"
    return render(request, template, {"job": job, "plan": job.plan})


@login_required
def job_download(request, pk: int):
    job = _job_for(request.user, pk)
    if job.status != JobStatus.DONE:
        raise Http404
    data = DocumentJob.objects.filter(pk=job.pk).values_list("result", flat=True).first()
    response = HttpResponse(bytes(data), content_type=formats.FORMATS[job.format].content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response


@login_required
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


@login_required
def template_download(request, code: str):
    plan = _plan(request.user, code)
    bundled = request.GET.get("bundled") == "1"
    tpl = None if bundled else generate.active_template(plan)
    data = bytes(tpl.content) if tpl else generate.bundled_template()
    name = tpl.name if tpl else f"mau-bao-cao-{plan.code}.docx"
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def template_upload(request, code: str):
    plan = _plan(request.user, code)
    require(can_manage_document_templates(request.user))
    if request.POST.get("action") == "reset":
        generate.use_bundled_template(plan, request.user)
        messages.success(request, _("The bundled template is in use again."))
        return redirect(reverse("documents:index", kwargs={"code": plan.code}) + "#template")
    upload = request.FILES.get("template")
    if upload is None:
        messages.error(request, _("Choose a Word template (.docx)."))
    elif upload.size > word.MAX_TEMPLATE_BYTES:
        messages.error(
            request,
            _("The file is too large (%(mb)s MB); the limit is %(limit)s MB.")
            % {
                "mb": upload.size // (1024 * 1024),
                "limit": word.MAX_TEMPLATE_BYTES // (1024 * 1024),
            },
        )
    else:
        try:
            tpl = generate.upload_template(plan, upload.name, upload.read(), request.user)
        except word.TemplateProblem as exc:
            messages.error(
                request,
                _("The template was refused: %(reason)s") % {"reason": exc},
            )
        else:
            messages.success(request, _("The template %(name)s is in use.") % {"name": tpl.name})
            for warning in tpl.warnings:
                messages.warning(request, warning)
    return redirect(reverse("documents:index", kwargs={"code": plan.code}) + "#template")
