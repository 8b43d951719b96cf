"""Outgoing documents (văn bản đi): a document and every version of it, its
recipients (Nơi nhận) and each sending; the outgoing register (sổ văn bản đi) of
each issuing agency, numbered per calendar year and kind; and the signed PDF
an agency attaches to its own report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from plans.models import Plan
from reporting.models import AgencyReport


class Kind(models.TextChoices):
    """Abbreviations of Nghị định 30/2020/NĐ-CP, Phụ lục III."""

    BC = "BC", _("Report (BC)")
    KH = "KH", _("Plan (KH)")
    CV = "CV", _("Official letter (CV)")
    TB = "TB", _("Notice (TB)")
    TTr = "TTr", _("Submission (TTr)")


class State(models.TextChoices):
    DRAFT = "draft", _("draft")
    PENDING = "pending", _("sent for approval")
    RETURNED = "returned", _("returned with comments")
    APPROVED = "approved", _("approved")
    ISSUED = "issued", _("issued")
    SENT = "sent", _("sent")


class OutgoingDocument(models.Model):
    agency = models.ForeignKey(
        Agency, verbose_name=_("issuing agency"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="outgoing"
    )
    year = models.PositiveSmallIntegerField(_("report year"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices, default=Kind.BC)
    title = models.CharField(_("summary (trích yếu)"), max_length=500)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    symbol = models.CharField(_("symbol"), max_length=40)  # "BC-SCT"
    place = models.CharField(_("place"), max_length=80, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    signer_authority = models.CharField(_("signing authority"), max_length=80, blank=True)
    comment = models.TextField(_("comments"), blank=True)
    pdf_error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing document")
        verbose_name_plural = _("outgoing documents")

    def __str__(self) -> str:
        return f"{self.reference} {self.title[:80]}"

    @property
    def reference(self) -> str:
        """ "123/BC-SCT" once issued, "…/BC-SCT" before."""
        return f"{self.number if self.number else '…'}/{self.symbol}"


class VersionKind(models.TextChoices):
    GENERATED = "generated", _("generated from the accepted reports")
    UPLOADED = "uploaded", _("edited Word file uploaded")
    ISSUED = "issued", _("issued (number, date and signer filled in)")


class Version(models.Model):
    """A version of a document: never changed once made."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=VersionKind.choices)
    docx = models.BinaryField()
    pdf = models.BinaryField(null=True, blank=True)
    signed = models.BooleanField(_("signed"), default=False)
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="outgoing_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class Recipient(models.Model):
    """One line of Nơi nhận; one with an e-mail address is sent the PDF."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="recipients"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("recipient"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["document", "position", "id"]

    def __str__(self) -> str:
        return self.name


class Dispatch(models.Model):
    """One sending of an issued document: when, by whom, to whom."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="dispatches"
    )
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to = models.JSONField(default=list)  # [{"name": ..., "email": ...}]
    without_address = models.JSONField(default=list)  # names of recipients not e-mailed

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.sent_at:%Y-%m-%d %H:%M}"


class RegisterCounter(models.Model):
    """The last number given in an agency's register for a year and kind."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=4, choices=Kind.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "kind"], name="outgoing_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} {self.kind}: {self.last}"


class RegisterEntry(models.Model):
    """A line of the outgoing register (sổ văn bản đi)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("issuing agency"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    number = models.PositiveIntegerField(_("number"))
    symbol = models.CharField(_("symbol"), max_length=40)
    issued_on = models.DateField(_("date"))
    summary = models.CharField(_("summary (trích yếu)"), max_length=500)
    signer_name = models.CharField(_("signer"), max_length=150, blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    search_text = models.TextField(blank=True)  # without diacritics, lower case
    document = models.OneToOneField(
        OutgoingDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="entry"
    )
    report = models.ForeignKey(
        AgencyReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency", "-year", "kind", "-number"]
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "kind", "number"], name="outgoing_register_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="outgoing_number_positive"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.number}/{self.symbol}"


class SignatureStatus(models.TextChoices):
    VALID = "valid", _("signed, valid")
    UNTRUSTED = "untrusted", _("signed, certificate not trusted")
    ALTERED = "altered", _("changed after signing")
    UNSIGNED = "unsigned", _("not signed")
    UNREADABLE = "unreadable", _("unreadable")


class SignedReport(models.Model):
    """The signed PDF of an agency's own formal report (every upload kept)."""

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="signed_files")
    revision = models.PositiveIntegerField()  # the report's revision it was attached to
    filename = models.CharField(max_length=200)
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=SignatureStatus.choices)
    signer = models.CharField(max_length=300, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.filename}"
