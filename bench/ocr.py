"""OCR time per page of a scanned plan (not a timed test). The test corpus's Lâm Đồng
plan (tests/corpus.py: three pages, a table without ruling lines) is converted to PDF
by LibreOffice and rendered to an image-only PDF at 300 dpi, as a scanner makes it;
then read by the importer's OCR reader (pdftoppm + Tesseract, Vietnamese) ROUNDS
times. Prints the median time per page of rendering and recognition, and of the
whole reading (the layout and the parse). Also the reading of the text PDF itself
(words' positions, no OCR) for comparison. Goal: under 15 s a page on the 2-core
machine, so that a 30-page scan is read by the worker within its 10-minute limit.

    .venv/bin/python bench/ocr.py [ROUNDS]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_PER_PAGE = 15.0


def main(rounds: int) -> int:
    from plans.importer import KnownNames, import_bytes
    from tests import corpus

    pdf = corpus.libreoffice(corpus.lam_dong_docx(ruled=False, decision=False), ".docx", "pdf")
    scan = corpus.scan(pdf)

    def known(_issuer):
        return KnownNames.from_pairs([])

    pages = 0
    ocr_times, text_times = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        result = import_bytes(scan, "ban-quet.pdf", known)  # the whole reading, parse included
        ocr_times.append(time.perf_counter() - started)
        pages = len(result.reading["ocr"]["pages"])
        started = time.perf_counter()
        import_bytes(pdf, "van-ban.pdf", known)
        text_times.append(time.perf_counter() - started)
    per_page = statistics.median(ocr_times) / pages
    print(f"scan: {pages} pages, {rounds} rounds")
    print(f"OCR (render 300 dpi + Tesseract vie + layout), per page: {per_page:.2f} s")
    print(f"text PDF without ruling lines, whole reading: {statistics.median(text_times):.2f} s")
    print(f"goal: {GOAL_PER_PAGE:.0f} s a page -> {'ok' if per_page <= GOAL_PER_PAGE else 'OVER'}")
    return 0 if per_page <= GOAL_PER_PAGE else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
