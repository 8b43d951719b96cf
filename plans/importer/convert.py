"""Old Word files (.doc, Word 97-2003) converted to .docx by LibreOffice, headless,
in a private profile, then read as .docx. Plain Python: no Django. The task worker
runs it (plans.importing.BACKGROUND_EXTENSIONS); LibreOffice dies with the
attempt that started it."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from plans.importer.document import DocumentError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc (and encrypted .docx)
TIMEOUT = 180


def soffice() -> str | None:
    configured = os.environ.get("PLANWATCH_SOFFICE", "")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def _die_with_parent() -> None:
    from worker.process import die_with_parent

    die_with_parent()


def convert(data: bytes, source_name: str, target: str, timeout: int = TIMEOUT) -> bytes:
    """``data`` converted by LibreOffice to the format ``target`` ("docx", "pdf",
    "doc:MS Word 97"); DocumentError (Vietnamese) when it cannot be."""
    program = soffice()
    if program is None:
        raise DocumentError(
            "Máy chủ chưa cài LibreOffice nên không chuyển được tệp Word cũ (.doc); "
            "hãy mở tệp bằng Word, lưu thành .docx rồi tải lên lại."
        )
    with tempfile.TemporaryDirectory(prefix="planwatch-convert-") as tmp:
        source = Path(tmp) / source_name
        source.write_bytes(data)
        profile = Path(tmp) / "profile"
        try:
            done = subprocess.run(
                [
                    program,
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    target,
                    "--outdir",
                    str(Path(tmp) / "out"),
                    str(source),
                ],
                capture_output=True,
                timeout=timeout,
                check=False,
                env={**os.environ, "HOME": tmp},
                preexec_fn=_die_with_parent,
            )
        except subprocess.TimeoutExpired:
            raise DocumentError(
                "LibreOffice không chuyển xong tệp trong thời gian cho phép."
            ) from None
        produced = list((Path(tmp) / "out").glob("*"))
        if done.returncode != 0 or not produced:
            raise DocumentError(
                "LibreOffice không đọc được tệp Word cũ (.doc): tệp hỏng hoặc được đặt mật khẩu."
            )
        return produced[0].read_bytes()


def doc_to_docx(data: bytes) -> bytes:
    """A Word 97-2003 document as .docx."""
    if not data.startswith(OLE_MAGIC):
        raise DocumentError("Tệp không phải văn bản Word 97-2003 (.doc).")
    return convert(data, "ke-hoach.doc", "docx:MS Word 2007 XML")
