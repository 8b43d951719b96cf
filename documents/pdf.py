"""PDF by LibreOffice: the same .docx the coordinator would open in Word, converted
headless, so that the PDF is the Word document (same template, same signer, same
page numbers) and the Vietnamese text is set with the fonts the server has
(fonts-liberation2 is metric-compatible with Times New Roman).

LibreOffice's first start with a new user profile is much slower than with one it
has used before, and the task worker runs each job in a new (forked) process: so
the profile is not one per process but one per slot (``VAR_DIR/libreoffice/slot-N``),
kept across jobs and taken under an exclusive file lock, so that two conversions
never share a profile at the same time."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from documents import office
from worker.process import die_with_parent

_lock = threading.Lock()  # one conversion at a time in a process
TIMEOUT = 120
SLOTS = 4  # profiles kept: more conversions at once than this wait for a free one


class PdfUnavailable(RuntimeError):
    """No PDF could be made: the reason, in Vietnamese."""


def soffice() -> str | None:
    configured = getattr(settings, "PLANWATCH_SOFFICE", "")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def docx_to_pdf(docx: bytes) -> bytes:
    program = soffice()
    if program is None:
        raise PdfUnavailable(
            _(
                "LibreOffice is not installed on the server, so no PDF can be made; download "
                "the Word file and print it to PDF, or ask the administrator to install the "
                "libreoffice-writer-nogui package."
            )
        )
    with _lock, _profile() as profile, _workspace(profile.parent) as tmp:
        source = Path(tmp) / "bao-cao.docx"
        source.write_bytes(docx)
        slot = int(profile.name.rsplit("-", 1)[1])
        warm = office.convert(program, profile.parent, slot, source, Path(tmp) / "bao-cao.pdf")
        if warm is not None:
            return warm
        return _one_shot(program, profile, Path(tmp), source)


def _one_shot(program: str, profile: Path, tmp: Path, source: Path) -> bytes:
    """The PDF by a soffice started for this document alone (no warm one)."""
    try:
        done = subprocess.run(
            [
                program,
                f"-env:UserInstallation={profile.resolve().as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(tmp),
                str(source),
            ],
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
            env={**os.environ, "HOME": str(tmp)},
            preexec_fn=die_with_parent,  # not outliving a killed attempt
        )
    except subprocess.TimeoutExpired as exc:
        raise PdfUnavailable(_("LibreOffice did not finish the PDF in the time allowed.")) from exc
    target = Path(tmp) / "bao-cao.pdf"
    if done.returncode != 0 or not target.exists():
        shutil.rmtree(profile, ignore_errors=True)  # the next one starts afresh
        detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-300:]
        raise PdfUnavailable(
            _("LibreOffice could not convert to PDF: %(detail)s") % {"detail": detail}
        )
    return target.read_bytes()


def _workspace(root: Path) -> tempfile.TemporaryDirectory:
    """The document's folder, under VAR_DIR rather than /tmp: a warm LibreOffice
    started by the worker has the worker's PrivateTmp, not the web server's."""
    (root / "work").mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix="pdf-", dir=root / "work")


@contextlib.contextmanager
def _profile() -> Iterator[Path]:
    """A LibreOffice user profile no other conversion is using, kept for the next
    one: the first free slot, or (all busy) the wait for one of them."""
    root = Path(settings.VAR_DIR) / "libreoffice"
    root.mkdir(parents=True, exist_ok=True)
    # The lowest free slot: one worker always finds the same, warm, profile.
    for blocking in (False, True):
        for slot in range(SLOTS) if not blocking else [os.getpid() % SLOTS]:
            with open(root / f"slot-{slot}.lock", "a+b") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
                except BlockingIOError:
                    continue
                try:
                    yield root / f"slot-{slot}"
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
                return
    raise AssertionError("unreachable: the blocking lock waits")  # pragma: no cover


def stop_warm() -> None:
    """Stop the warm LibreOffices of this installation and of the slots this process
    started one in (the test suite's end), each under its slot's lock: never in the
    middle of another process's conversion."""
    for root in {Path(settings.VAR_DIR) / "libreoffice", *office.started}:
        for slot in range(SLOTS):
            if not (root / f"warm-{slot}.pid").exists():
                continue
            with open(root / f"slot-{slot}.lock", "a+b") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                try:
                    office.stop(root, slot)
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)


def write(report, context) -> bytes:
    """The PDF writer of documents.formats: the Word document, converted."""
    from documents import word

    data = word.write(report, context)
    context.step(70, "Chuyển sang PDF bằng LibreOffice")
    return docx_to_pdf(data)
