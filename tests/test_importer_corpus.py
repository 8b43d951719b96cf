"""Plan documents as provinces publish them, written for these tests (tests/corpus.py)
and converted here: a plan annexed to its decision with a two-row merged header
(.docx, .doc, a PDF without ruling lines, a scan read by OCR) and a city's plan whose
task table has no ruling lines, on landscape pages, split across pages under a
running header and footer. Each is compared field by field with the plan a clerk
would read from it; every line is mapped or warned."""

from __future__ import annotations

import re

import pytest

from plans.importer.convert import soffice
from plans.importer.ocr import available as ocr_available
from plans.importer.positions import PAGE_NUMBER, RUNNING
from plans.importing import import_document
from tests import corpus

needs_office = pytest.mark.skipif(
    soffice() is None,
    reason="LibreOffice is needed: make test installs it (scripts/ensure-libreoffice)",
)


@pytest.fixture(scope="module")
def documents() -> dict[str, bytes]:
    """Every corpus document once per module (LibreOffice and OCR are slow)."""
    return {}


def _get(documents, name: str) -> bytes:
    if name not in documents:
        makers = {
            "lam-dong.docx": corpus.lam_dong_docx,
            "lam-dong.doc": lambda: corpus.word97(corpus.lam_dong_docx()),
            "lam-dong.pdf": lambda: corpus.libreoffice(
                corpus.lam_dong_docx(ruled=False), ".docx", "pdf"
            ),
            "can-tho.pdf": lambda: corpus.libreoffice(corpus.can_tho_docx(), ".docx", "pdf"),
            "lam-dong-scan.pdf": lambda: corpus.scan(
                corpus.libreoffice(
                    corpus.lam_dong_docx(ruled=False, decision=False), ".docx", "pdf"
                )
            ),
        }
        documents[name] = makers[name]()
    return documents[name]


def _squash(text: str | None) -> str:
    """OCR may drop or add a space ("Thể thaovà"); compared without spaces."""
    return re.sub(r"\s+", "", text or "")


def _compare(plan: dict, expected: dict, *, ocr: bool = False) -> None:
    same = (lambda a, b: _squash(a) == _squash(b)) if ocr else (lambda a, b: a == b)
    for key in ("issuer", "decision", "period", "report_due", "coordinator", "implements"):
        if key in expected:
            assert plan[key] == expected[key], key
    assert same(plan["title"], expected["title"]), plan["title"]
    assert same(plan["general_objective"], expected["general_objective"])
    targets = [
        (t["milestone"], t["measure"], t["min"], t["max"], t["unit"]) for t in plan["targets"]
    ]
    assert targets == expected["targets"]
    groups = plan["task_groups"]
    assert [g["number"] for g in groups] == [g[0] for g in expected["task_groups"]]
    for group, (number, title, tasks) in zip(groups, expected["task_groups"], strict=True):
        assert same(group["title"], title), number
        assert len(group["tasks"]) == len(tasks), number
        for task, (t_no, content, lead, partners, timeframe) in zip(
            group["tasks"], tasks, strict=True
        ):
            code = f"{number}.{t_no}"
            assert task["number"] == t_no, code
            assert same(task["content"], content), (code, task["content"])
            assert [_squash(n) for n in task["lead"]] == [_squash(n) for n in lead], code
            assert [_squash(n) for n in task["partners"]] == [_squash(n) for n in partners], code
            text, start, end, recurrence = timeframe
            got = task["timeframe"]
            assert same(got["text"], text) and (got["start"], got["end"], got["recurrence"]) == (
                start,
                end,
                recurrence,
            ), code
    assert [d["agency"] for d in plan["duties"]] == expected["duties"]


def _every_line_accounted_for(result) -> None:
    warned = {w.where for w in result.warnings}
    for where, text in result.source_lines:
        assert where in result.roles or where in warned, (where, text)


def _no_agency_from_a_heading_or_a_sentence(result) -> None:
    from plans.importer.layout import looks_like_agency

    for name in result.proposed:
        assert looks_like_agency(name.canonical), name
        assert "báo cáo" not in name.canonical and len(name.canonical) < 80, name


@needs_office
@pytest.mark.parametrize("name", ["lam-dong.docx", "lam-dong.doc", "lam-dong.pdf"])
def test_a_plan_annexed_to_its_decision_with_a_two_row_header(registry, documents, name):
    result = import_document(_get(documents, name), name)
    _compare(result.plan, corpus.EXPECTED_LAM_DONG)
    _every_line_accounted_for(result)
    _no_agency_from_a_heading_or_a_sentence(result)
    # The decision's articles and recipients are the decision's, not the plan's signature.
    roles = set(result.roles.values())
    assert {"quyết định: điều khoản", "quyết định: nơi nhận, chữ ký"} <= roles
    assert ("converted_from" in result.reading) == name.endswith(".doc")


@needs_office
def test_a_doc_is_converted_and_the_review_says_so(client, coordinator, documents):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from plans.models import PlanImport
    from worker.runner import run_until_empty

    client.force_login(coordinator)
    data = _get(documents, "lam-dong.doc")
    assert data.startswith(b"\xd0\xcf\x11\xe0")  # a real Word 97-2003 file
    response = client.post(
        reverse("plans:import"), {"document": SimpleUploadedFile("ke-hoach.doc", data)}
    )
    item = PlanImport.objects.get()
    assert item.status == "reading"  # converted by the task worker, not in the request
    assert run_until_empty() == 1
    item.refresh_from_db()
    assert item.status == "preview" and item.reading == {"converted_from": "doc"}
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-converted"' in page and "LibreOffice" in page
    assert item.data["coordinator"] == "Sở Văn hóa, Thể thao và Du lịch"


@needs_office
def test_a_table_without_ruling_lines_on_landscape_pages(registry, documents):
    result = import_document(_get(documents, "can-tho.pdf"), "can-tho.pdf")
    _compare(result.plan, corpus.EXPECTED_CAN_THO)
    _every_line_accounted_for(result)
    _no_agency_from_a_heading_or_a_sentence(result)
    # The running header and the page numbers are set aside on every page, never a
    # target, a duty or the title.
    running = [w for w, role in result.roles.items() if role in (RUNNING, PAGE_NUMBER)]
    pages = {w.split(",")[0] for w in running}
    assert len(pages) >= 3 and len(running) >= 2 * len(pages)
    assert all(corpus.RUNNING_HEADER not in str(d["items"]) for d in result.plan["duties"])


@pytest.mark.skipif(not ocr_available(), reason="Tesseract (vie) is needed: make test installs it")
@needs_office
def test_a_scan_is_read_by_ocr_page_by_page_and_every_field_flagged(registry, documents):
    steps: list[tuple[int, str]] = []
    data = _get(documents, "lam-dong-scan.pdf")
    result = import_document(data, "ban-quet.pdf", progress=lambda p, s: steps.append((p, s)))
    expected = {**corpus.EXPECTED_LAM_DONG, "implements": []}  # the decision is not scanned
    _compare(result.plan, expected, ocr=True)
    _every_line_accounted_for(result)
    _no_agency_from_a_heading_or_a_sentence(result)
    pages = [s for _p, s in steps if "OCR" in s]
    assert pages == [f"Nhận dạng chữ (OCR) trang {n}/3" for n in (1, 2, 3)]
    assert [p for p, _s in steps] == sorted(p for p, _s in steps)
    ocr = result.reading["ocr"]
    assert len(ocr["pages"]) == 3
    # Every line and every task and target carries its confidence.
    assert {w for w, _t in result.source_lines} <= set(ocr["lines"])
    codes = [
        f"task-{g['number']}.{t['number']}" for g in result.plan["task_groups"] for t in g["tasks"]
    ]
    for key in codes + [f"target-{i}" for i in range(len(result.plan["targets"]))]:
        assert 0 <= ocr["fields"][key] <= 100, key


def test_an_inline_task_table_without_an_appendix_heading(registry):
    name = "can-tho-inline.docx"
    result = import_document(corpus.can_tho_inline_docx(), name)
    _compare(result.plan, corpus.EXPECTED_CAN_THO)
    _every_line_accounted_for(result)
    assert "phụ lục: tiêu đề" not in result.roles.values()  # the text after it is the plan's


def test_header_columns_are_found_by_meaning():
    from plans.importer.appendix import column_roles

    # One column for the agencies: its agencies lead.
    assert column_roles(["STT", "Nhiệm vụ", "Đơn vị thực hiện", "Thời gian"]) == {
        "number": 0,
        "content": 1,
        "lead": 2,
        "timeframe": 3,
    }
    assert column_roles(["TT", "Hoạt động", "Cơ quan chủ trì", "Cơ quan phối hợp", "Tiến độ"]) == {
        "number": 0,
        "content": 1,
        "lead": 2,
        "partners": 3,
        "timeframe": 4,
    }


def test_targets_under_a_chi_tieu_heading_with_its_year(registry):
    text = corpus.CAN_THO_TEXT.replace(
        "2. Mục tiêu cụ thể\na) Đến năm 2025\n", "2. Chỉ tiêu đến năm 2025\n"
    ).replace("b) Đến năm 2027\n- 100% giáo viên được bồi dưỡng kỹ năng số.\n", "")
    result = import_document(text.encode(), "can-tho.txt")
    assert [(t["milestone"], t["min"]) for t in result.plan["targets"]] == [(2025, 80)]


def test_what_follows_the_recipients_is_not_swallowed(registry):
    text = corpus.CAN_THO_TEXT.replace(
        "II. TỔ CHỨC THỰC HIỆN",
        "Nơi nhận:\n- Các sở, ngành;\nVăn bản này thay thế Kế hoạch số 12/KH-UBND.\nII. TỔ CHỨC THỰC HIỆN",
    )
    result = import_document(text.encode(), "can-tho.txt")
    lines = dict(result.source_lines)
    warned = {w.where for w in result.warnings}
    where = next(w for w, t in lines.items() if t.startswith("Văn bản này thay thế"))
    assert where in warned and result.roles.get(where) != "nơi nhận"


def test_the_review_shows_ocr_confidence_and_the_page_images(client, coordinator):
    import base64
    import io

    from django.urls import reverse
    from PIL import Image

    from plans.importing import import_fields
    from plans.models import PlanImport

    result = import_document(corpus.CAN_THO_TEXT.encode(), "can-tho.txt")
    image = io.BytesIO()
    Image.new("L", (20, 30), 255).save(image, "JPEG")
    doubtful = result.source_lines[0][0]
    result.reading = {
        "ocr": {
            "lines": {
                where: (50 if where == doubtful else 95) for where, _t in result.source_lines
            },
            "fields": {"task-I.1": 62, "target-0": 97},
            "pages": [base64.b64encode(image.getvalue()).decode()],
        }
    }
    item = PlanImport.objects.create(
        created_by=coordinator, filename="scan.pdf", **import_fields(result)
    )
    client.force_login(coordinator)
    page = client.get(reverse("plans:import_review", args=[item.pk])).content.decode()
    assert 'id="import-ocr"' in page and 'src="data:image/jpeg;base64,' in page
    assert "OCR 62%" in page and "OCR 97%" in page and "OCR 50%" in page
    row = page.split(f'data-where="{doubtful}"')[0].rsplit("<tr", 1)[1]
    assert "table-warning" in row  # a doubtful line is highlighted


def test_a_scan_too_long_for_ocr_is_refused_before_reading():
    from plans.importer.document import DocumentError
    from plans.importer.ocr import MAX_PAGES, read_scan

    with pytest.raises(DocumentError, match=f"tối đa {MAX_PAGES} trang"):
        read_scan(b"%PDF-1.4", MAX_PAGES + 1)


def _page(number: int, texts: list[str]):
    from plans.importer.positions import Page, Word

    words = []
    for index, text in enumerate(texts):
        top = 30 + index * 60  # the first line in the top tenth, the last in the bottom
        x = 70.0
        for word in text.split():
            words.append(Word(word, x, x + 6 * len(word), top, top + 11))
            x += 6 * len(word) + 3
    return Page(number, 595, 842, words)


def test_running_headers_and_page_numbers_but_not_the_issuer():
    from plans.importer.positions import build

    body = ["ỦY BAN NHÂN DÂN", *[f"Đoạn văn số {n} của trang" for n in range(1, 13)], "Trang 1"]
    second = ["ỦY BAN NHÂN DÂN", *[f"Nội dung khác {n}" for n in range(1, 13)], "2"]
    built = build([_page(1, body), _page(2, second)])
    roles = {p.text: p.role for p in built.items}
    assert roles["Trang 1"] == PAGE_NUMBER and roles["2"] == PAGE_NUMBER
    assert roles["ỦY BAN NHÂN DÂN"] == ""  # the header block of a decision and of its plan
    assert roles["Đoạn văn số 1 của trang"] == ""
