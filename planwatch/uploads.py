"""The checks every uploaded Office file goes through before anything parses it, in
the order they cost: the archive's directory (how much it unzips to, how much each
part inflates, which parts it holds: no program, no macro), then, for a workbook,
how many rows and cells each sheet holds, counted by streaming the sheet's XML in
chunks (a few MB of memory whatever the sheet's size). Only a file that passes is
given to openpyxl (in read-only mode) or python-docx.

A refusal is an ``UploadRefused`` with a message in the user's language; the caller
turns it into its own error type. Bottom layer: the standard library and Django's
translation only."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import PurePosixPath

from django.utils.translation import gettext as _

MAX_UNZIPPED = 50 * 1024 * 1024  # every part together, inflated
MAX_RATIO = 100  # a part (over 1 MB inflated) may not be more than 100 times its packed size
MAX_PARTS = 2000
# Parts that a document, a workbook or a template never holds.
PROGRAM_SUFFIXES = frozenset(
    {
        ".exe", ".dll", ".com", ".scr", ".msi", ".bat", ".cmd", ".ps1", ".vbs", ".vbe",
        ".js", ".jse", ".wsf", ".hta", ".jar", ".cpl", ".lnk", ".sh", ".elf", ".so",
    }
)  # fmt: skip
MACRO_PART = re.compile(r"(^|/)vbaproject\.bin$|(^|/)vbadata\.xml$", re.IGNORECASE)
PROGRAM_MAGIC = (b"MZ", b"\x7fELF")
MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
# A sheet of planwatch's own workbooks: a budget year has at most a few hundred lines,
# a report one row per task. The caps leave room and stop a bomb.
MAX_ROWS = 5000
MAX_CELLS = 100_000
CHUNK = 1024 * 1024


class UploadRefused(ValueError):
    """An uploaded file refused before it is parsed: the reason, for the user."""


def _refuse_suspicious() -> UploadRefused:
    return UploadRefused(
        _("The file's packed content is abnormal (it may be harmful); it was not read.")
    )


def check_archive(data: bytes, kind: str) -> zipfile.ZipFile:
    """The opened archive of a .docx or .xlsx (``kind``) that is safe to parse;
    UploadRefused otherwise. Only the archive's directory is read."""
    not_kind = (
        _("The file is not a Word document (.docx).")
        if kind == "docx"
        else _("The file is not an Excel workbook (.xlsx).")
    )
    if not data.startswith(b"PK\x03\x04"):
        raise UploadRefused(not_kind)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise UploadRefused(not_kind) from None
    if len(infos) > MAX_PARTS:
        raise _refuse_suspicious()
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNZIPPED or (info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
            raise _refuse_suspicious()
        if info.flag_bits & 0x1:
            raise UploadRefused(
                _("The file is protected by a password; remove the password and upload it again.")
            )
        name = info.filename
        if PurePosixPath(name.lower()).suffix in PROGRAM_SUFFIXES or _is_program(archive, info):
            raise UploadRefused(
                _("The file holds a program (%(part)s); it was refused.") % {"part": name[:80]}
            )
        if MACRO_PART.search(name):
            raise UploadRefused(_("The file holds macros; only files without macros are accepted."))
    if MAIN_PART[kind] not in archive.namelist():
        raise UploadRefused(not_kind)
    return archive


def _is_program(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a part that is not XML starts like a Windows or Linux program."""
    if info.is_dir() or info.filename.lower().endswith((".xml", ".rels")) or not info.file_size:
        return False
    try:
        with archive.open(info) as part:
            head = part.read(4)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, zlib.error, OSError):
        raise _refuse_suspicious() from None
    return head.startswith(PROGRAM_MAGIC)


_ROW = re.compile(rb"<(?:\w{1,8}:)?row[\s>/]")
_CELL = re.compile(rb"<(?:\w{1,8}:)?c[\s>/]")
_KEEP = 16  # longer than any tag counted: a tag cut by a chunk's end is counted once


def _count(archive: zipfile.ZipFile, info: zipfile.ZipInfo, stop: tuple[int, int]):
    """(rows, cells) of a sheet's XML, read in chunks; stops once either passes ``stop``."""
    rows = cells = 0
    text = b""
    try:
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                text = text[-_KEEP:] + chunk
                edge = len(text) - _KEEP
                rows += sum(1 for m in _ROW.finditer(text) if m.start() < edge)
                cells += sum(1 for m in _CELL.finditer(text) if m.start() < edge)
                if rows > stop[0] or cells > stop[1]:
                    return rows, cells
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, zlib.error, OSError):
        raise _refuse_suspicious() from None
    rest = text[-_KEEP:]
    return rows + len(_ROW.findall(rest)), cells + len(_CELL.findall(rest))


def check_workbook(data: bytes, *, max_rows: int = MAX_ROWS, max_cells: int = MAX_CELLS):
    """Refuse (UploadRefused) a workbook that is not a safe .xlsx or has a sheet over
    ``max_rows`` rows or ``max_cells`` cells; nothing is parsed."""
    archive = check_archive(data, "xlsx")
    for info in archive.infolist():
        if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
            continue
        rows, cells = _count(archive, info, (max_rows, max_cells))
        if rows > max_rows or cells > max_cells:
            raise UploadRefused(
                _(
                    "A sheet of the workbook is too large (more than %(rows)s rows or "
                    "%(cells)s cells); it was not read."
                )
                % {
                    "rows": f"{max_rows:,}".replace(",", "."),
                    "cells": f"{max_cells:,}".replace(",", "."),
                }
            )


def check_document(data: bytes) -> None:
    """Refuse (UploadRefused) a .docx that is not safe to open."""
    check_archive(data, "docx")


# PDF ------------------------------------------------------------------------------

MAX_PDF_INFLATED = 60 * 1024 * 1024
_STREAM = re.compile(rb"stream\r?\n")


def check_pdf(data: bytes, limit: int = MAX_PDF_INFLATED) -> None:
    """Refuse (UploadRefused) a PDF whose compressed streams inflate past ``limit``
    together (a stream bomb): each stream is inflated in bounded steps, so the check
    itself never holds more than a few MB."""
    total = 0
    for match in _STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            end = len(data)
        total += _inflated_size(data[start:end], limit - total + 1)
        if total > limit:
            raise UploadRefused(
                _(
                    "The PDF file's content inflates abnormally (it may be harmful); it was not read."
                )
            )


def _inflated_size(raw: bytes, budget: int) -> int:
    """How many bytes ``raw`` inflates to (0 when it is not a zlib stream), counting at
    most ``budget``."""
    inflater = zlib.decompressobj()
    size = 0
    pending = raw
    try:
        while pending and size <= budget and not inflater.eof:
            out = inflater.decompress(pending, CHUNK)
            if not out and pending == inflater.unconsumed_tail:
                break  # no progress: not a stream zlib can go on with
            size += len(out)
            pending = inflater.unconsumed_tail
    except zlib.error:
        return size
    return size
