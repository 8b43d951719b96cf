"""The document formats, registered in one place. A format is a writer module
with a ``write(report, context) -> bytes`` function and one ``register`` call
below; the model's choices, the pages' buttons, the API's routes and the
``make_document`` command all read this table.

Light on purpose: the writers (python-docx, openpyxl, LibreOffice) are imported
only when a document is written, in the task worker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import import_string

Progress = Callable[[int, str], None]


@dataclass
class WriteContext:
    """What a writer is given beside the report."""

    step: Progress  # step(percent, text): progress shown to the user
    template: Callable[[], bytes]  # the plan's Word template (read when asked)


@dataclass(frozen=True)
class Format:
    code: str  # the file extension and the value in URLs and forms
    label: str  # in the list of documents
    button: str  # on the button that makes it
    style: str  # the button's Bootstrap class
    content_type: str
    writer: str  # dotted path of write(report, context) -> bytes
    charts: bool = True  # whether the report's charts are drawn first
    availability: str = ""  # dotted path of a () -> bool (e.g. LibreOffice installed)

    def write(self, report, context: WriteContext) -> bytes:
        return import_string(self.writer)(report, context)

    def available(self) -> bool:
        return not self.availability or bool(import_string(self.availability)())


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> None:
    FORMATS[fmt.code] = fmt


def choices() -> list[tuple[str, str]]:
    """For the model field (a callable: a new format needs no migration)."""
    return [(f.code, f.label) for f in FORMATS.values()]


def get(code: str) -> Format | None:
    return FORMATS.get(code)


register(
    Format(
        "docx",
        "Word (.docx)",
        "Word",
        "btn-primary",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "documents.word.write",
    )
)
register(
    Format(
        "xlsx",
        "Excel (.xlsx)",
        "Excel",
        "btn-outline-success",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "documents.excel.write",
        charts=False,
    )
)
register(
    Format(
        "pdf",
        "PDF",
        "PDF",
        "btn-outline-danger",
        "application/pdf",
        "documents.pdf.write",
        availability="documents.pdf.available",
    )
)
