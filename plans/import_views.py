"""Importing a plan in the browser: upload a document, review what was
understood beside the source text, correct it in place, and save."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from access.capabilities import Capability as C
from access.decorators import requires
from access.lookups import get_import_for_user
from plans import import_forms, versions
from plans.format import PlanFormatError, validate
from plans.import_forms import DocumentForm
from plans.importer import DocumentError, ImportFailure
from plans.importer.document import MAX_BYTES
from plans.importing import (
    import_document,
    import_fields,
    preview_changes,
    queue_import,
    reads_in_background,
    save_import,
    unknown_names,
)
from plans.models import Measure, PlanImport


@requires(C.IMPORT_PLANS)
def upload(request):
    error = None
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
        if not form.is_valid():
            error = " ".join(str(e) for e in form.errors["document"])
        elif reads_in_background(form.cleaned_data["document"].name):
            upload = form.cleaned_data["document"]
            item = queue_import(upload.read(), upload.name, request.user)
            url = reverse("plans:import_review", kwargs={"pk": item.pk})
            if request.headers.get("HX-Request"):
                return HttpResponse(status=204, headers={"HX-Redirect": url})
            return redirect(url)
        else:
            upload = form.cleaned_data["document"]
            try:
                result = import_document(upload.read(), upload.name)
            except (DocumentError, ImportFailure) as exc:
                error = f"{upload.name}: {exc}"
            else:
                item = PlanImport.objects.create(
                    created_by=request.user, filename=upload.name[:255], **import_fields(result)
                )
                url = reverse("plans:import_review", kwargs={"pk": item.pk})
                if request.headers.get("HX-Request"):
                    return HttpResponse(status=204, headers={"HX-Redirect": url})
                return redirect(url)
    recent = PlanImport.objects.select_related("plan", "created_by")[:10]
    # htmx swaps only 2xx answers: the form with its error is a 200 there.
    status = 400 if error and not request.headers.get("HX-Request") else 200
    return render(
        request,
        "plans/import_upload.html",
        {"error": error, "recent": recent, "max_mb": MAX_BYTES // (1024 * 1024)},
        status=status,
    )


def _save(request, item: PlanImport, data: dict) -> tuple[HttpResponse | None, list[str]]:
    """Save the reviewed plan (a new plan, or a new version of it)."""
    groups = {name for name, is_group in item.proposed if is_group}
    try:
        plan, _changes = save_import(
            data, wordings=item.wordings, groups=groups, actor=request.user, source=item.filename
        )
    except PlanFormatError as exc:
        return None, exc.errors
    item.status, item.plan, item.version = PlanImport.Status.SAVED, plan, plan.version
    item.save(update_fields=["status", "plan", "version"])
    messages.success(
        request,
        _("Plan %(code)s saved (version %(v)s).") % {"code": plan.code, "v": plan.version},
    )
    return redirect("plans:overview", code=plan.code), []


# Below this OCR confidence (0-100) a line is highlighted as doubtful on the review screen.
DOUBTFUL = 80


def _source_lines(item: PlanImport) -> list[dict]:
    """The document's lines for the review: what each became, whether it is warned, and
    for a scan the OCR confidence (a doubtful line is highlighted like a warned one)."""
    warned = {w["where"] for w in item.warnings}
    confidence = (item.reading.get("ocr") or {}).get("lines", {})
    lines = []
    for where, text in item.source_lines:
        conf = confidence.get(where)
        lines.append(
            {
                "where": where,
                "text": text,
                "role": item.roles.get(where, ""),
                "warned": where in warned,
                "conf": conf,
                "doubtful": conf is not None and conf < DOUBTFUL,
            }
        )
    return lines


@requires(C.IMPORT_PLANS)
def review(request, pk: int):
    item = get_import_for_user(request.user, pk)
    if item.status in (PlanImport.Status.READING, PlanImport.Status.FAILED):
        template = "plans/_import_reading.html" if request.headers.get("HX-Request") else None
        return render(request, template or "plans/import_reading.html", {"item": item})
    if request.GET.get("reading"):  # the reading page's poll: read meanwhile, open the review
        return HttpResponse(status=204, headers={"HX-Redirect": request.path})
    data = item.data
    errors: list[str] = []
    if request.method == "POST" and item.status == PlanImport.Status.PREVIEW:
        form = import_forms.ReviewForm(request.POST, base=item.data)
        valid = form.is_valid()
        data = form.corrected or item.data
        errors = form.messages() if not valid else validate(data)
        if not errors:
            item.data = data
            item.save(update_fields=["data"])
            if not form.saving:
                messages.info(request, _("Corrections kept; nothing is saved to the plan yet."))
                return redirect("plans:import_review", pk=item.pk)
            response, errors = _save(request, item, data)
            if response is not None:
                return response
    source = _source_lines(item)
    changes = preview_changes(data) if not errors else None
    index = {line["where"]: i for i, line in enumerate(source)}
    warnings = [{**w, "anchor": index.get(w["where"])} for w in item.warnings]
    context = {
        "item": item,
        "data": data,
        "errors": errors,
        "source": source,
        "warnings": warnings,
        "changes": changes,
        "unchanged": changes is not None and versions.is_empty(changes),
        "new_names": unknown_names(data) if not errors else [],
        "converted_from": item.reading.get("converted_from"),
        "ocr": item.reading.get("ocr"),
        "ocr_targets": {
            i: ((item.reading.get("ocr") or {}).get("fields") or {}).get(f"target-{i}")
            for i in range(len(data.get("targets", [])))
        },
        "measures": [(m, dict(Measure.choices).get(m, m)) for m in import_forms.MEASURES],
        "recurrences": import_forms.RECURRENCES,
    }
    return render(request, "plans/import_review.html", context, status=400 if errors else 200)
