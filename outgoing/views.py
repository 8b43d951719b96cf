"""Pages of the outgoing documents: the list and a new draft, a document with its
versions, steps and sendings, the register with its search and Excel export, the
verification of any signed PDF, and an agency's formal report and signed PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from access import rules
from access.capabilities import Capability as C
from access.decorators import requires, signed_in
from access.lookups import (
    get_outgoing_for_user,
    get_outgoing_version_for_user,
    get_plan_for_user,
    get_report_for_user,
)
from outgoing import excel, formal, reports, services, signing
from outgoing.forms import (
    ApproveForm,
    CommentForm,
    DraftForm,
    FormalReportForm,
    RecipientsForm,
    RegisterSearchForm,
    RevisionForm,
    UploadForm,
    VerifyForm,
)
from outgoing.models import OutgoingDocument, RegisterEntry, SignedReport
from outgoing.register import search
from planwatch.http import post_or_redirect

READ = (C.READ_DOCUMENTS, C.SIGN_DOCUMENTS)
ACT = (C.MANAGE_DOCUMENTS, C.SIGN_DOCUMENTS)


def _file(name: str, content_type: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(*READ)
def index(request):
    documents = OutgoingDocument.objects.select_related("agency", "plan")[:100]
    from plans.models import Plan

    return render(
        request,
        "outgoing/index.html",
        {"documents": documents, "form": DraftForm(), "plans": Plan.objects.order_by("code")},
    )


@requires(*READ, post=C.MANAGE_DOCUMENTS)
@post_or_redirect("outgoing:index")
def create(request):
    form = DraftForm(request.POST)
    try:
        if not form.is_valid():
            raise services.OutgoingError(" ".join(form.messages()))
        plan = get_plan_for_user(request.user, form.cleaned_data["plan"])
        document = services.create_draft(plan, form.cleaned_data["year"], request.user)
    except Http404:
        messages.error(request, _("Choose a plan."))
        return redirect("outgoing:index")
    except services.OutgoingError as exc:
        messages.error(request, exc.message)
        return redirect("outgoing:index")
    messages.success(request, _("The draft is made from the accepted reports."))
    return redirect("outgoing:detail", pk=document.pk)


@requires(*READ)
def detail(request, pk: int):
    document = get_outgoing_for_user(request.user, pk)
    user = request.user
    lines = "\n".join(
        f"{r.name} | {r.email}" if r.email else r.name for r in document.recipients.all()
    )
    steps = {
        action: rules.may_act_on_outgoing(user, action, document)
        for action in ("upload", "submit", "approve", "return", "issue", "send")
    }
    return render(
        request,
        "outgoing/detail.html",
        {
            "document": document,
            "versions": document.versions.defer("docx", "pdf").select_related("created_by"),
            "dispatches": document.dispatches.select_related("sent_by"),
            "recipients": document.recipients.all(),
            "steps": steps,
            "upload_form": UploadForm(initial={"revision": document.revision}),
            "recipients_form": RecipientsForm(
                initial={"revision": document.revision, "lines": lines}
            ),
            "approve_form": ApproveForm(initial={"revision": document.revision}),
            "return_form": CommentForm(initial={"revision": document.revision}),
            "signing_key": signing.key_config(),
        },
    )


def _step(request, pk: int, act) -> HttpResponse:
    document = get_outgoing_for_user(request.user, pk)
    try:
        act(document)
    except services.OutgoingForbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except services.OutgoingError as exc:
        messages.error(request, exc.message)
    return redirect("outgoing:detail", pk=document.pk)


def _revision(form) -> int | None:
    if not form.is_valid():
        raise services.OutgoingError(" ".join(form.messages()))
    return form.cleaned_data.get("revision")


@requires(*READ, post=ACT)
@post_or_redirect("outgoing:detail", "pk")
def upload(request, pk: int):
    def act(document):
        form = UploadForm(request.POST, request.FILES)
        revision = _revision(form)
        upload = form.cleaned_data["file"]
        services.upload_version(document, request.user, revision, upload.name, upload.read())
        messages.success(request, _("The new version is kept."))

    return _step(request, pk, act)


@requires(*READ, post=ACT)
@post_or_redirect("outgoing:detail", "pk")
def recipients(request, pk: int):
    def act(document):
        form = RecipientsForm(request.POST)
        revision = _revision(form)
        services.set_recipients(document, request.user, revision, form.cleaned_data["lines"])
        messages.success(request, _("The recipients are saved."))

    return _step(request, pk, act)


@requires(*READ, post=ACT)
@post_or_redirect("outgoing:detail", "pk")
def submit(request, pk: int):
    def act(document):
        services.submit(document, request.user, _revision(RevisionForm(request.POST)))
        messages.success(request, _("The document is sent for approval."))

    return _step(request, pk, act)


@requires(*READ, post=ACT)
@post_or_redirect("outgoing:detail", "pk")
def approve(request, pk: int):
    def act(document):
        form = ApproveForm(request.POST)
        revision = _revision(form)
        data = form.cleaned_data
        approval = services.Approval(data["comment"], data["title"], data["authority"])
        services.approve(document, request.user, revision, approval)
        messages.success(request, _("The document is approved."))

    return _step(request, pk, act)


@requires(*READ, post=ACT)
@post_or_redirect("outgoing:detail", "pk")
def return_view(request, pk: int):
    def act(document):
        form = CommentForm(request.POST)
        revision = _revision(form)
        services.return_for_changes(document, request.user, revision, form.cleaned_data["comment"])
        messages.success(request, _("The document is returned with your comments."))

    return _step(request, pk, act)


@requires(*READ, post=ACT)
@post_or_redirect("outgoing:detail", "pk")
def issue(request, pk: int):
    def act(document):
        done = services.issue(document, request.user, _revision(RevisionForm(request.POST)))
        messages.success(
            request,
            _("Issued as %(ref)s; the PDF is being made.") % {"ref": done.reference},
        )

    return _step(request, pk, act)


@requires(*READ, post=ACT)
@post_or_redirect("outgoing:detail", "pk")
def send(request, pk: int):
    def act(document):
        dispatch = services.send(document, request.user, _revision(RevisionForm(request.POST)))
        messages.success(
            request, _("Sent to %(n)s recipients by e-mail.") % {"n": len(dispatch.to)}
        )

    return _step(request, pk, act)


@requires(*READ)
def version_download(request, pk: int):
    version = get_outgoing_version_for_user(request.user, pk)
    if request.GET.get("format") == "pdf":
        if not version.pdf:
            raise Http404(_("The PDF is not made yet."))
        return _file(
            version.filename.replace(".docx", ".pdf"), "application/pdf", bytes(version.pdf)
        )
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return _file(version.filename, docx, bytes(version.docx))


# --- the register -----------------------------------------------------------------------


def _entries(request):
    form = RegisterSearchForm(request.GET or None)
    entries = RegisterEntry.objects.select_related("agency", "document")
    if form.is_valid():
        data = form.cleaned_data
        entries = search(entries, data["q"])
        if data["year"]:
            entries = entries.filter(year=data["year"])
        if data["kind"]:
            entries = entries.filter(kind=data["kind"])
    return form, entries


@requires(*READ)
def register_view(request):
    form, entries = _entries(request)
    return render(
        request,
        "outgoing/register.html",
        {"form": form, "entries": entries[:500], "query": request.GET.urlencode()},
    )


@requires(*READ)
def register_export(request):
    _form, entries = _entries(request)
    return _file(
        "so-van-ban-di.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        excel.register_workbook(list(entries[:20000])),
    )


# --- verification -------------------------------------------------------------------------


@signed_in
def verify(request):
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = signing.verify(form.cleaned_data["file"].read())
    return render(request, "outgoing/verify.html", {"form": form, "result": result})


# --- an agency's formal report ----------------------------------------------------------------


@requires(C.READ_ALL_REPORTS, C.READ_OWN_REPORTS, post=C.EDIT_OWN_REPORT)
def report_formal(request, pk: int):
    report = get_report_for_user(request.user, pk)
    form = FormalReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signature = formal.Signature(
            data["number"], data["signer_name"], data["signer_title"], data["authority"]
        )
        try:
            made = reports.formal_report(
                report, request.user, signature, data["fmt"], from_register=data["from_register"]
            )
        except services.OutgoingForbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except services.OutgoingError as exc:
            form.add_error(None, exc.message)
        else:
            return _file(made.filename, made.content_type, made.data)
    return render(
        request,
        "outgoing/report_formal.html",
        {
            "report": report,
            "form": form,
            "upload_form": VerifyForm(),
            "signed": SignedReport.objects.filter(report=report).defer("pdf"),
            "may_edit": rules.may(request.user, (C.EDIT_OWN_REPORT,), report.agency_id),
        },
    )


@requires(C.READ_ALL_REPORTS, C.READ_OWN_REPORTS, post=C.EDIT_OWN_REPORT)
@post_or_redirect("outgoing:report_formal", "pk")
def report_signed(request, pk: int):
    report = get_report_for_user(request.user, pk)
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        for message in form.messages():
            messages.error(request, message)
        return redirect("outgoing:report_formal", pk=report.pk)
    upload = form.cleaned_data["file"]
    try:
        signed = reports.attach_signed(report, request.user, upload.name, upload.read())
    except services.OutgoingForbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except services.OutgoingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The signed PDF is attached: %(status)s.") % {"status": signed.get_status_display()},
        )
    return redirect("outgoing:report_formal", pk=report.pk)
