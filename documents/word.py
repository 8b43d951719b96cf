"""The Word writer: the consolidated report rendered into a .docx template
(docxtpl) in a sandboxed Jinja environment with every value escaped, so that
neither agency text nor an uploaded template can run code or break the XML.
Templates are checked before use; a broken one is refused with the reason.

python-docx, docxtpl and Jinja are imported inside the functions: the pages that
only need ``TemplateProblem`` or the size limit must not load them."""

from __future__ import annotations

import functools
import hashlib
import io
import os
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from documents.content import ConsolidatedReport, Kind
from planwatch import uploads

if TYPE_CHECKING:
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

    from documents.formats import WriteContext

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
CHART_WIDTH_MM = 150
KIND_PHRASES = {
    Kind.ANNUAL: "kết quả thực hiện năm",
    Kind.MIDTERM: "sơ kết giữa kỳ",
    Kind.FINAL: "tổng kết",
}
PROPERTIES = (
    "review",
    "year_label",
    "kind_label",
    "empty",
    "filename",
    "appendix",
    "attached",
    "recipient_lines",
    "notes_body",
    "targets_met",
    "targets_missed",
    "tasks_not_done",
    "lessons",
    "funds_reported_text",
    "funds_unbudgeted_text",
)


class TemplateProblem(ValueError):
    """A template that cannot be used: the reason, in the user's language."""


def _environment() -> SandboxedEnvironment:
    from documents import sandbox

    return sandbox.environment()


def context(report: ConsolidatedReport, tpl: DocxTemplate | None = None) -> dict:
    """Every field a template may use (docs/documents.md lists them)."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    data = {f.name: getattr(report, f.name) for f in fields(report) if f.name != "charts"}
    data.update({name: getattr(report, name) for name in PROPERTIES})
    data["year"] = report.years[-1]
    data["kind_phrase"] = KIND_PHRASES[report.kind] + (
        f" {report.years[-1]}" if report.kind == Kind.ANNUAL else f" {report.year_label}"
    )
    for name in ("targets", "compliance", "funds"):
        chart = report.charts.get(name)
        key = f"chart_{name}"
        if chart and tpl is not None:
            data[key] = InlineImage(tpl, io.BytesIO(chart.png), width=Mm(CHART_WIDTH_MM))
        else:
            data[key] = ""
    return data


KNOWN = {
    *(f.name for f in fields(ConsolidatedReport)),
    *PROPERTIES,
    "year",
    "kind_phrase",
    "chart_targets",
    "chart_compliance",
    "chart_funds",
    # Jinja's own names
    "loop",
    "range",
    "dict",
    "lipsum",
    "cycler",
    "joiner",
    "namespace",
}


def _patched_dir() -> Path:
    return Path(settings.VAR_DIR) / "cache" / "docx-patched"


def _kept_patch(src_xml: str, patch: Callable[[str], str]) -> str:
    """docxtpl's cleaning of a part's XML for Jinja (``patch_xml``, a pure function of
    the XML: a third of the filling of the bundled template, issue 17), kept on disk
    by a hash of the XML and docxtpl's version. It is made, as before, in the bounded
    child that fills the template; the next filling (another child) reads it."""
    key = hashlib.sha256(
        (_docxtpl_version() + src_xml).encode("utf-8", "surrogatepass")
    ).hexdigest()
    path = _patched_dir() / f"{key}.xml"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    found = patch(src_xml)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(f".{os.getpid()}.part")
        part.write_text(found, encoding="utf-8", errors="surrogatepass")
        os.replace(part, path)
    except OSError:  # pragma: no cover - a read-only VAR_DIR: made each time
        pass
    return found


@functools.cache
def _docxtpl_version() -> str:
    from importlib.metadata import version

    return f"{version('docxtpl')}|"


@functools.cache
def _template_class() -> type[DocxTemplate]:
    """DocxTemplate, with its parts' cleaned XML kept (``_kept_patch``)."""
    from docxtpl import DocxTemplate

    class Kept(DocxTemplate):
        def patch_xml(self, src_xml: str) -> str:
            return _kept_patch(src_xml, super().patch_xml)

    return Kept


def _open(template: bytes) -> DocxTemplate:
    if len(template) > MAX_TEMPLATE_BYTES:
        raise TemplateProblem(
            _("The template is too large (%(mb)s MB); the limit is %(limit)s MB.")
            % {"mb": len(template) // (1024 * 1024), "limit": MAX_TEMPLATE_BYTES // (1024 * 1024)}
        )
    if not template.startswith(b"PK\x03\x04"):
        raise TemplateProblem(_("The template is not a Word file (.docx)."))
    try:
        with zipfile.ZipFile(io.BytesIO(template)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                raise TemplateProblem(
                    _("The template is not a Word file (.docx): it has no document body.")
                )
            if any(n.lower().startswith("word/vbaproject") for n in names):
                raise TemplateProblem(
                    _("The template has macros; only .docx files without macros are accepted.")
                )
        uploads.check_document(template)
        tpl = _template_class()(io.BytesIO(template))
        tpl.init_docx()
    except TemplateProblem:
        raise
    except uploads.UploadRefused as exc:
        raise TemplateProblem(str(exc)) from None
    except Exception as exc:
        raise TemplateProblem(
            _("The template cannot be opened as a Word file: %(error)s") % {"error": exc}
        ) from exc
    return tpl


def check_template(
    template: bytes, sample: ConsolidatedReport, others: Iterable[ConsolidatedReport] = ()
) -> list[str]:
    """Refuse a broken template (raise TemplateProblem with the reason); return
    warnings for a usable one. The template is rendered once with ``sample`` and
    once with each of ``others`` (the other years' data), each within the bounds."""
    from jinja2 import TemplateError

    tpl = _open(template)
    try:
        used = tpl.get_undeclared_template_variables(_environment())
    except TemplateError as exc:
        lineno = getattr(exc, "lineno", None)  # TemplateSyntaxError has one, not every error
        line = _(" (line %(n)s)") % {"n": lineno} if lineno else ""
        raise TemplateProblem(
            _(
                "The template has a field tag with a syntax error%(line)s: %(error)s. Check "
                "the {{ }} and {%% %%} pairs."
            )
            % {"line": line, "error": exc.message or exc}
        ) from exc
    unknown = sorted(used - KNOWN)
    if unknown:
        raise TemplateProblem(
            _(
                "The template uses fields that do not exist: %(fields)s. The fields you can "
                "use are listed in the guide to report templates."
            )
            % {"fields": ", ".join("{{ %s }}" % u for u in unknown)}
        )
    for report in (sample, *others):
        render(report, template)
    warnings = []
    for needed in ("issuer", "title"):
        if needed not in used:
            warnings.append(
                _("The template does not use the field {{ %(field)s }}.") % {"field": needed}
            )
    return warnings


def render(report: ConsolidatedReport, template: bytes) -> bytes:
    """The report as .docx bytes, in ``template``, filled within the bounds of
    documents.sandbox (loops, size, time: a child process killed when it is up)."""
    from documents import sandbox

    tpl = _open(template)
    try:
        data = sandbox.run_bounded(lambda: _fill(report, tpl))
    except sandbox.TemplateBound as exc:
        raise TemplateProblem(str(exc)) from None
    except TemplateProblem:
        raise
    except Exception as exc:
        raise TemplateProblem(
            _("The template cannot be filled: %(error)s") % {"error": exc}
        ) from exc
    return data


def _fill(report: ConsolidatedReport, tpl: DocxTemplate) -> bytes:
    """In the child process: fill ``tpl``, save it, check that it opens."""
    from docx import Document
    from jinja2 import TemplateError

    from documents import sandbox

    try:
        tpl.render(context(report, tpl), _environment(), autoescape=True)
        out = io.BytesIO()
        tpl.save(out)
    except TemplateError as exc:
        raise TemplateProblem(
            _("The template cannot be filled: %(error)s") % {"error": exc.message or exc}
        ) from None
    data = out.getvalue()
    if len(data) > sandbox._limits()[1]:
        raise sandbox.too_large()
    try:
        Document(io.BytesIO(data))
    except Exception as exc:
        raise TemplateProblem(
            _("The document made from the template does not open: %(error)s") % {"error": exc}
        ) from None
    return data


def write(report: ConsolidatedReport, context: WriteContext) -> bytes:
    """The Word writer of documents.formats."""
    context.step(50, "Điền mẫu báo cáo Word")
    return render(report, context.template())
