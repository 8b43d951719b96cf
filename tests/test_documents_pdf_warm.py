"""The kept-warm LibreOffice of documents.pdf (documents.office, scripts/office_server.py):
one server per slot, reused, restarted when it died or hung, and the one-shot soffice
when no warm one can be had; the same PDF either way."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import pdfplumber
import pytest

from documents import office, pdf

HAS_UNO = (
    Path("/usr/bin/python3").exists()
    and subprocess.run(["/usr/bin/python3", "-c", "import uno"], check=False).returncode == 0
)
pytestmark = pytest.mark.skipif(
    not (pdf.available() and HAS_UNO), reason="make test installs LibreOffice and python3-uno"
)
TEXT = "Báo cáo năm 2024, Quảng Trị"


@pytest.fixture
def office_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.PLANWATCH_OFFICE_WARM = True
    settings.PLANWATCH_OFFICE_PYTHON = "/usr/bin/python3"
    yield tmp_path / "libreoffice"
    pdf.stop_warm()


def _docx() -> bytes:
    document = docx.Document()
    document.add_heading(TEXT, level=1)
    document.add_page_break()
    document.add_paragraph("Trang hai: Sở Công Thương")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pages(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return [page.extract_text() or "" for page in document.pages]


def _server(root: Path) -> int:
    return int((root / "warm-0.pid").read_text())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def _gone(pid: int) -> bool:
    for _ in range(100):
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def test_the_warm_office_is_reused_and_gives_the_one_shot_pdf(office_dir, settings):
    source = _docx()
    warm = pdf.docx_to_pdf(source)
    server = _server(office_dir)
    assert _alive(server)
    assert pdf.docx_to_pdf(source)[:4] == b"%PDF" and _server(office_dir) == server
    settings.PLANWATCH_OFFICE_WARM = False
    one_shot = pdf.docx_to_pdf(source)
    assert _pages(warm) == _pages(one_shot)
    assert len(_pages(warm)) == 2 and TEXT in _pages(warm)[0]
    pdf.stop_warm()
    assert _gone(server) and not (office_dir / "warm-0.pid").exists()


def test_a_dead_warm_office_is_started_anew(office_dir):
    pdf.docx_to_pdf(_docx())
    server = _server(office_dir)
    os.killpg(server, signal.SIGKILL)  # as the OOM killer would, its soffice too
    assert _gone(server)
    assert TEXT in _pages(pdf.docx_to_pdf(_docx()))[0]
    assert _server(office_dir) != server and _alive(_server(office_dir))


def test_a_hung_warm_office_is_killed_and_the_pdf_made_one_shot(office_dir, monkeypatch):
    pdf.docx_to_pdf(_docx())
    server = _server(office_dir)
    monkeypatch.setattr(office, "TIMEOUT", 0.001)  # no answer in time: taken as hung
    assert TEXT in _pages(pdf.docx_to_pdf(_docx()))[0]
    assert _gone(server) and not (office_dir / "warm-0.pid").exists()


def test_without_uno_the_pdf_is_one_shot_and_not_retried_at_once(office_dir, settings):
    settings.PLANWATCH_OFFICE_PYTHON = sys.executable  # the venv: no uno module
    assert TEXT in _pages(pdf.docx_to_pdf(_docx()))[0]
    assert (office_dir / "warm-0.failed").exists()
    assert not (office_dir / "warm-0.pid").exists()
    started = (office_dir / "warm-0.failed").stat().st_mtime
    assert TEXT in _pages(pdf.docx_to_pdf(_docx()))[0]
    assert (office_dir / "warm-0.failed").stat().st_mtime == started  # not tried again


def test_warm_off_converts_one_shot(office_dir, settings):
    settings.PLANWATCH_OFFICE_WARM = False
    assert TEXT in _pages(pdf.docx_to_pdf(_docx()))[0]
    assert not (office_dir / "warm-0.pid").exists()
