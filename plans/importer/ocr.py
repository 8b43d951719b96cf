"""Scanned PDFs read by OCR: each page rendered by poppler's pdftoppm, its words
recognised by Tesseract with the Vietnamese model (Debian's tesseract-ocr-vie), with
their boxes and confidences; the paragraphs and the task table are then rebuilt
from the words' positions (plans.importer.positions), like a text PDF without
ruling lines. Page by page, with progress, in the task worker. Plain Python: no
Django."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from plans.importer.document import Document, DocumentError, Progress
from plans.importer.positions import Page, Word, build

DPI = 300
PAGE_TIMEOUT = 180
LANGUAGE = "vie"
MAX_PAGES = 60  # at ~6 s a page (bench/ocr.py), within the worker's 10-minute limit
IMAGE_WIDTH = 1000  # the page image kept for the review screen, in pixels
SPECKS = set("¬\"'_~`´^*°«»")  # marks of dust and rules a scan has, when OCR is unsure


def available() -> bool:
    if not (shutil.which("tesseract") and shutil.which("pdftoppm")):
        return False
    listed = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, check=False, timeout=30
    )
    return LANGUAGE in listed.stdout.split()


def _die_with_parent() -> None:
    from worker.process import die_with_parent

    die_with_parent()


def _run(command: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            command,
            capture_output=True,
            timeout=PAGE_TIMEOUT,
            check=False,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # one core per reading
            preexec_fn=_die_with_parent,
        )
    except subprocess.TimeoutExpired:
        raise DocumentError("Nhận dạng chữ (OCR) một trang quá lâu; đã dừng.") from None


def words_of(tsv: str, dpi: int = DPI) -> list[Word]:
    """Tesseract's TSV: one row per recognised word, with its box in pixels."""
    scale = 72 / dpi
    words = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        left, top = int(row["left"]), int(row["top"])
        width, height = int(row["width"]), int(row["height"])
        conf = max(0, min(100, round(float(row["conf"]))))
        if conf < 80 and all(ch in SPECKS for ch in text):
            continue  # specks of the scan read as "¬", "_", '"'
        words.append(
            Word(
                text,
                left * scale,
                (left + width) * scale,
                top * scale,
                (top + height) * scale,
                conf,
            )
        )
    return words


def _page_image(png: Path) -> tuple[bytes, float, float]:
    from PIL import Image

    with Image.open(png) as image:
        width, height = image.size
        small = image.convert("L")
        small.thumbnail((IMAGE_WIDTH, IMAGE_WIDTH * 2))
        out = io.BytesIO()
        small.save(out, "JPEG", quality=60)
    return out.getvalue(), width * 72 / DPI, height * 72 / DPI


def ocr_page(pdf: Path, number: int, folder: Path) -> Page:
    """One page rendered and recognised."""
    stem = folder / f"trang-{number}"
    done = _run(["pdftoppm", "-f", str(number), "-l", str(number), "-r", str(DPI), "-gray",
                 "-png", "-singlefile", str(pdf), str(stem)])  # fmt: skip
    png = stem.with_suffix(".png")
    if done.returncode != 0 or not png.exists():
        raise DocumentError(f"Không dựng được ảnh trang {number} của tệp PDF.")
    done = _run(["tesseract", str(png), "stdout", "-l", LANGUAGE, "--psm", "4", "tsv"])
    if done.returncode != 0:
        raise DocumentError(f"Không nhận dạng được chữ ở trang {number} (Tesseract).")
    image, width, height = _page_image(png)
    png.unlink()
    return Page(number, width, height, words_of(done.stdout.decode("utf-8", "replace")), [], image)


def read_scan(data: bytes, count: int, progress: Progress | None = None) -> Document:
    """A PDF whose pages are images: every page recognised, then read from positions."""
    step = progress or (lambda _p, _s: None)
    if count > MAX_PAGES:
        raise DocumentError(
            f"Bản quét dài {count} trang; chỉ nhận dạng chữ (OCR) được bản quét tối đa "
            f"{MAX_PAGES} trang (khoảng 6 giây một trang): hãy tải lên phần kế hoạch và phụ lục "
            "nhiệm vụ, hoặc tệp Word hay PDF có văn bản."
        )
    if not available():
        raise DocumentError(
            "Tệp PDF không có chữ (có thể là bản quét ảnh) và máy chủ chưa cài Tesseract "
            "(tesseract-ocr-vie) để nhận dạng chữ; hãy dùng tệp Word hoặc PDF có văn bản."
        )
    pages = []
    with tempfile.TemporaryDirectory(prefix="planwatch-ocr-") as tmp:
        pdf = Path(tmp) / "ban-quet.pdf"
        pdf.write_bytes(data)
        for number in range(1, count + 1):
            step(30 + 55 * (number - 1) // count, f"Nhận dạng chữ (OCR) trang {number}/{count}")
            pages.append(ocr_page(pdf, number, Path(tmp)))
    if sum(len(w.text) for p in pages for w in p.words) < 20:
        raise DocumentError(
            "Tệp PDF không có chữ: là bản quét ảnh nhưng nhận dạng chữ (OCR) không thấy chữ "
            "nào; hãy dùng bản quét rõ hơn, tệp Word hoặc PDF có văn bản."
        )
    built = build(pages)
    document = Document(built.items, built.lines, "ocr")
    document.confidence = built.confidence
    document.pages = [p.image for p in pages]
    return document
