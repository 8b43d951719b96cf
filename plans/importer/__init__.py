"""The plan importer: a document (.docx, .doc, .txt, .md, .pdf, a scan) -> ``planwatch.plan/1``
with warnings. The parsing core (this package) is plain Python with no Django;
``plans.importing`` connects it to the registry and the database.

    from plans.importer import import_bytes
    result = import_bytes(data, "ke-hoach.docx", known_for)
"""

from __future__ import annotations

from collections.abc import Callable

from plans.importer.document import DocumentError, read
from plans.importer.names import KnownNames
from plans.importer.parser import ImportFailure, ImportResult, parse

__all__ = ["DocumentError", "ImportFailure", "ImportResult", "KnownNames", "import_bytes"]


def import_bytes(
    data: bytes,
    filename: str,
    known_for: Callable[[str | None], KnownNames],
    code: str | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> ImportResult:
    """Read and parse a document; DocumentError or ImportFailure say why not.
    ``progress(percent, step)`` hears of slow readings (OCR, page by page)."""
    return parse(read(data, filename, progress), known_for, code)
