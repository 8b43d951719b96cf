"""Importing in the browser and through the API, for every role."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import Agency
from plans.models import Plan, PlanImport, Task
from tests.conftest import ROLES

DOCS = Path(__file__).resolve().parent / "documents"
SEED_TXT = (
    Path(__file__).resolve().parent.parent
    / "plans"
    / "data"
    / ("ke-hoach-sxtdbv-quang-binh-2021.txt")
)


def _upload(client, path: Path, name: str | None = None):
    data = path.read_bytes() if isinstance(path, Path) else path
    return client.post(
        reverse("plans:import"), {"document": SimpleUploadedFile(name or path.name, data)}
    )


@pytest.mark.parametrize("role", ROLES)
def test_only_admin_and_coordinator_import(client, personas, role):
    client.force_login(personas[role])
    allowed = role in ("admin", "coordinator")
    assert client.get(reverse("plans:import")).status_code == (200 if allowed else 403)
    response = _upload(client, DOCS / "ha-tinh-57-kh-ubnd-2021.docx")
    assert response.status_code == (302 if allowed else 403)
    assert PlanImport.objects.exists() == allowed


def test_upload_review_correct_and_save(client, coordinator):
    client.force_login(coordinator)
    response = _upload(client, DOCS / "ha-tinh-57-kh-ubnd-2021.docx")
    item = PlanImport.objects.get()
    assert response["Location"] == reverse("plans:import_review", args=[item.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Hội Liên hiệp Phụ nữ tỉnh" in page and "table-warning" in page
    assert 'data-task="2.6"' in page
    # Correct the code and one timeframe, remove one task, then save.
    post = {
        "code": "ht-sxtdbv-2021-57",
        "task-0-0-content": "Tuyên truyền trên báo, đài",
        "task-0-0-lead": "Đài PT-TH tỉnh",
        "task-0-0-partners": "Sở Công Thương",
        "task-0-0-tf_text": "Hằng năm",
        "task-0-0-tf_start": "2021",
        "task-0-0-tf_end": "2025",
        "task-0-0-tf_recurrence": "annual",
        "task-1-5-delete": "on",
        "save": "1",
    }
    response = client.post(reverse("plans:import_review", args=[item.pk]), post)
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = Plan.objects.get(code="ht-sxtdbv-2021-57")
    first = Task.objects.current().get(plan=plan, group__number="1", number="1")
    assert first.content == "Tuyên truyền trên báo, đài" and first.end_year == 2025
    assert first.assignments.get(role="lead").agency.name == "Đài PT-TH tỉnh"
    assert Task.objects.current().filter(plan=plan).count() == 8
    item.refresh_from_db()
    assert item.status == "saved" and item.plan == plan
    assert Agency.objects.filter(name="UBND tỉnh Hà Tĩnh").exists()


def test_corrections_with_errors_save_nothing(client, coordinator):
    client.force_login(coordinator)
    _upload(client, DOCS / "ha-tinh-57-kh-ubnd-2021.md")
    item = PlanImport.objects.get()
    response = client.post(
        reverse("plans:import_review", args=[item.pk]),
        {
            "target-0-text": "x",
            "target-0-measure": "share",
            "target-0-min": "130",
            "task-0-0-content": "x",
            "task-0-0-lead": "",
            "task-0-0-tf_start": "năm nay",
            "decision_number": "57/KH-UBND",
            "decision_date": "31/02/2021",
            "save": "1",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "không thể vượt quá 100%" in body
    assert "không có đơn vị chủ trì" in body
    assert "không phải là năm" in body and "không phải là ngày" in body
    assert (
        Plan.objects.count() == 0 and Agency.objects.filter(name__contains="Hà Tĩnh").count() == 0
    )


def test_comma_decimals_are_accepted_in_corrections(client, coordinator):
    client.force_login(coordinator)
    _upload(client, DOCS / "ha-tinh-57-kh-ubnd-2021.md")
    item = PlanImport.objects.get()
    client.post(
        reverse("plans:import_review", args=[item.pk]),
        {
            "target-0-text": "Tiết kiệm 12,5% năng lượng",
            "target-0-measure": "reduction",
            "target-0-min": "12,5",
            "target-0-max": "",
            "target-0-unit": "%",
            "check": "1",
        },
    )
    item.refresh_from_db()
    assert item.data["targets"][0]["min"] == 12.5 and item.data["targets"][0]["max"] is None


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "rong.txt", "Tệp rỗng"),
        (b"PK\x03\x04 not really", "hong.docx", "không phải tệp Word"),
        (b"MZ\x90\x00", "virus.exe", "Chỉ nhận tệp"),
    ],
)
def test_bad_uploads_get_a_vietnamese_message(client, coordinator, data, name, message):
    client.force_login(coordinator)
    response = client.post(reverse("plans:import"), {"document": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PlanImport.objects.count() == 0


def test_a_pdf_is_read_by_the_worker_with_progress_then_reviewed(client, coordinator):
    from worker.runner import run_until_empty

    client.force_login(coordinator)
    response = _upload(client, DOCS / "ha-tinh-57-kh-ubnd-2021.pdf")
    item = PlanImport.objects.get()
    assert item.status == "reading" and response["Location"].endswith(f"/{item.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="reading"' in page and "?reading=1" in page
    assert run_until_empty() == 1
    item.refresh_from_db()
    assert item.status == "preview" and item.source is None and item.data["task_groups"]
    poll = client.get(response["Location"] + "?reading=1", HTTP_HX_REQUEST="true")
    assert poll.status_code == 204 and poll["HX-Redirect"] == response["Location"]
    assert 'data-task="2.6"' in client.get(response["Location"]).content.decode()


def test_a_scan_is_refused_by_the_worker_with_the_reason(client, coordinator):
    from worker.runner import run_until_empty

    client.force_login(coordinator)
    response = _upload(client, (DOCS / "bad-image-only.pdf").read_bytes(), "scan.pdf")
    run_until_empty()
    item = PlanImport.objects.get()
    assert item.status == "failed" and item.source is None
    page = client.get(response["Location"]).content.decode()
    assert "không có chữ" in page and "hx-get" not in page.split('id="import-reading"')[1]
    # Nothing to review or save from a failed import.
    assert client.post(response["Location"], {"save": "1"}).status_code == 200
    assert not Plan.objects.filter(code__startswith="ht-").exists()


def test_upload_without_a_file(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("plans:import"), {})
    assert response.status_code == 400 and "Hãy chọn tệp" in response.content.decode()


def test_htmx_upload_redirects_with_a_header(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:import"),
        {
            "document": SimpleUploadedFile(
                "a.md", (DOCS / "ha-tinh-57-kh-ubnd-2021.md").read_bytes()
            )
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204 and "/plans/import/" in response["HX-Redirect"]


def test_reimport_shows_the_differences_before_saving(client, coordinator, plan):
    client.force_login(coordinator)
    revised = SEED_TXT.read_text("utf-8").replace("\t2021-2025\n", "\t2021-2026\n", 1)
    _upload(client, revised.encode(), "ke-hoach-sua.txt")
    item = PlanImport.objects.get()
    page = client.get(reverse("plans:import_review", args=[item.pk])).content.decode()
    assert "lưu sẽ tạo phiên bản mới" in page and "I.2" in page
    client.post(reverse("plans:import_review", args=[item.pk]), {"save": "1"})
    plan.refresh_from_db()
    assert plan.version == 2


def test_another_coordinators_import_is_visible_but_a_reporter_gets_403(
    client, coordinator, reporter
):
    client.force_login(coordinator)
    _upload(client, DOCS / "ha-tinh-57-kh-ubnd-2021.md")
    item = PlanImport.objects.get()
    client.force_login(reporter)
    assert client.get(reverse("plans:import_review", args=[item.pk])).status_code == 403
    assert (
        client.post(reverse("plans:import_review", args=[item.pk]), {"save": "1"}).status_code
        == 403
    )
    assert Plan.objects.count() == 0


# API -------------------------------------------------------------------------------


def _api_import(client, path: Path, dry_run: bool):
    return client.post(
        "/api/v1/plans/import",
        {
            "document": SimpleUploadedFile(path.name, path.read_bytes()),
            "dry_run": "true" if dry_run else "false",
        },
    )


@pytest.mark.parametrize("role", ROLES)
def test_api_import_permissions(client, personas, role):
    client.force_login(personas[role])
    response = _api_import(client, DOCS / "ha-tinh-57-kh-ubnd-2021.md", dry_run=True)
    assert response.status_code == (200 if role in ("admin", "coordinator") else 403)


def test_api_import_dry_run_returns_the_plan_and_saves_nothing(client, coordinator):
    client.force_login(coordinator)
    body = _api_import(client, SEED_TXT, dry_run=True).json()
    assert body["code"] == "qb-sxtdbv-2021" and len(body["warnings"]) == 1
    assert "saved" not in body and Plan.objects.count() == 0


def test_api_import_saves(client, coordinator):
    client.force_login(coordinator)
    body = _api_import(client, DOCS / "ha-tinh-57-kh-ubnd-2021.pdf", dry_run=False).json()
    assert body["saved"]["code"] == "ht-sxtdbv-2021" and body["saved"]["version"] == 1
    assert Plan.objects.filter(code="ht-sxtdbv-2021").exists()


def test_api_import_bad_file_is_a_400(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        "/api/v1/plans/import", {"document": SimpleUploadedFile("x.docx", b"nope")}
    )
    assert response.status_code == 400 and "Word" in response.json()["message"]


def test_overview_shows_the_version_history(client, coordinator, plan):
    client.force_login(coordinator)
    revised = SEED_TXT.read_text("utf-8").replace("\t2021-2025\n", "\t2021-2026\n", 1)
    _upload(client, revised.encode(), "ke-hoach-sua.txt")
    client.post(reverse("plans:import_review", args=[PlanImport.objects.get().pk]), {"save": "1"})
    page = client.get(reverse("plans:overview", args=[plan.code])).content.decode()
    assert "Phiên bản 2" in page and "ke-hoach-sua.txt" in page
