"""Documents pages and API routes for every role: who reads the consolidated report,
who changes the template; a job from the button to the file; the printable page."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from documents.models import DocumentJob, DocumentTemplate
from documents.template import default_template
from reporting.periods import open_period
from tests.conftest import ROLES
from worker.runner import run_until_empty

CODE = "qb-sxtdbv-2021"
READERS = {"admin", "coordinator", "finance", "viewer", "signer"}  # a signer reads as a viewer
MANAGERS = {"admin", "coordinator"}


@pytest.fixture
def period(plan, coordinator, personas):
    return open_period(plan, 2022, coordinator, announce=False)


@pytest.mark.parametrize("role", ROLES)
def test_documents_page_for_each_role(client, period, personas, role):
    client.force_login(personas[role])
    response = client.get(reverse("documents:index", args=[CODE]))
    assert response.status_code == (200 if role in READERS else 403)
    if role in READERS:
        html = response.content.decode()
        assert 'data-year="2022"' in html
        assert ("Tải mẫu lên" in html) == (role in MANAGERS)


@pytest.mark.parametrize("role", ROLES)
def test_generating_for_each_role(client, period, personas, role):
    client.force_login(personas[role])
    response = client.post(
        reverse("documents:generate", args=[CODE]),
        {"kind": "annual", "year": "2022", "format": "docx"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == (200 if role in READERS else 403)
    if role in READERS:
        job = DocumentJob.objects.get()
        html = response.content.decode()
        assert 'data-status="queued"' in html
        assert 'hx-get="%s"' % reverse("documents:job", args=[job.pk]) in html
        assert run_until_empty() == 1  # the task worker makes it
        page = client.get(reverse("documents:job", args=[job.pk]), HTTP_HX_REQUEST="true")
        assert 'data-status="done"' in page.content.decode()
        download = client.get(reverse("documents:job_download", args=[job.pk]))
        assert download.status_code == 200
        assert download["Content-Disposition"].endswith('bao-cao-qb-sxtdbv-2021-2022.docx"')
        Document(io.BytesIO(download.content))


def test_a_job_is_its_owners_and_the_coordinators(client, period, personas):
    client.force_login(personas["viewer"])
    client.post(
        reverse("documents:generate", args=[CODE]),
        {"kind": "annual", "year": "2022", "format": "xlsx"},
    )
    job = DocumentJob.objects.get()
    run_until_empty()
    client.force_login(personas["finance"])
    assert client.get(reverse("documents:job_download", args=[job.pk])).status_code == 404
    client.force_login(personas["reporter"])
    assert client.get(reverse("documents:job", args=[job.pk])).status_code == 403
    client.force_login(personas["coordinator"])
    assert client.get(reverse("documents:job_download", args=[job.pk])).status_code == 200


def test_a_running_job_polls_and_shows_its_progress(client, period, personas):
    job = DocumentJob.objects.create(
        plan=period.plan,
        kind="annual",
        first_year=2022,
        last_year=2022,
        format="pdf",
        created_by=personas["viewer"],
        status="running",
        progress=70,
        step="Chuyển sang PDF bằng LibreOffice",
    )
    client.force_login(personas["viewer"])
    html = client.get(reverse("documents:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = html.content.decode()
    assert 'hx-get="%s"' % reverse("documents:job", args=[job.pk]) in html
    assert 'aria-valuenow="70"' in html and "Chuyển sang PDF" in html


def test_bad_generate_requests_get_a_vietnamese_message(client, period, personas):
    client.force_login(personas["coordinator"])
    url = reverse("documents:generate", args=[CODE])
    response = client.post(url, {"kind": "annual", "year": "1999", "format": "docx"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "nằm ngoài thời kỳ của kế hoạch" in page
    response = client.post(
        url, {"kind": "annual", "year": "abc", "format": "docx"}, HTTP_HX_REQUEST="true"
    )
    assert "Chọn năm" in response.content.decode()
    assert not DocumentJob.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_printable_page_for_each_role(client, period, personas, role):
    client.force_login(personas[role])
    response = client.get(reverse("documents:print", args=[CODE]) + "?kind=annual&year=2022")
    assert response.status_code == (200 if role in READERS else 403)
    if role in READERS:
        html = response.content.decode()
        assert '<meta charset="utf-8">' in html
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
        assert "@page" in html and "Nơi nhận:" in html


def test_printable_review(client, period, personas):
    client.force_login(personas["viewer"])
    html = client.get(reverse("documents:print", args=[CODE]) + "?kind=midterm").content.decode()
    assert "Sơ kết giai đoạn 2021–2025" in html


@pytest.mark.parametrize("role", ROLES)
def test_template_upload_for_each_role(client, period, personas, role):
    client.force_login(personas[role])
    upload = io.BytesIO(default_template())
    upload.name = "mau.docx"
    response = client.post(reverse("documents:template_upload", args=[CODE]), {"template": upload})
    if role in MANAGERS:
        assert response.status_code == 302
        assert DocumentTemplate.objects.filter(active=True).count() == 1
    else:
        assert response.status_code == 403
        assert not DocumentTemplate.objects.exists()


def test_a_refused_template_shows_the_reason(client, period, personas):
    client.force_login(personas["coordinator"])
    upload = io.BytesIO(b"this is not word")
    upload.name = "mau.docx"
    response = client.post(
        reverse("documents:template_upload", args=[CODE]), {"template": upload}, follow=True
    )
    assert "Mẫu bị từ chối" in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_template_download(client, period, personas):
    client.force_login(personas["viewer"])
    response = client.get(reverse("documents:template", args=[CODE]))
    assert response.status_code == 200
    assert "{{ issuer }}" in "\n".join(
        c.text
        for t in Document(io.BytesIO(response.content)).tables
        for r in t.rows
        for c in r.cells
    )


# --- API --------------------------------------------------------------------


def _api_document(client, path: str):
    """A document through the API as a client without waiting does it: 202 and
    the job, the worker runs, then the file."""
    queued = client.get(path + "?wait=0")
    assert queued.status_code == 202, queued.content
    job = queued.json()
    assert queued["Location"] == job["url"] and job["status"] == "queued"
    assert client.get(job["file_url"]).status_code == 409  # not ready yet
    run_until_empty()
    polled = client.get(job["url"]).json()
    assert polled["status"] == "done" and polled["progress"] == 100, polled
    return client.get(job["file_url"])


@pytest.mark.parametrize("role", ROLES)
def test_api_year_report_for_each_role(client, period, personas, role):
    client.force_login(personas[role])
    path = f"/api/v1/plans/{CODE}/years/2022/report.docx"
    if role not in READERS:
        assert client.get(path).status_code == 403
        return
    response = _api_document(client, path)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    Document(io.BytesIO(response.content))


def test_api_formats_reviews_and_errors(client, period, personas):
    assert client.get(f"/api/v1/plans/{CODE}/years/2022/report.docx").status_code == 401
    client.force_login(personas["viewer"])
    xlsx = _api_document(client, f"/api/v1/plans/{CODE}/years/2022/report.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    pdf = _api_document(client, f"/api/v1/plans/{CODE}/years/2022/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    review = _api_document(client, f"/api/v1/plans/{CODE}/reviews/midterm/report.docx")
    assert review.status_code == 200
    assert "so-ket-qb-sxtdbv-2021-2021-2025.docx" in review["Content-Disposition"]
    assert client.get(f"/api/v1/plans/{CODE}/reviews/other/report.docx").status_code == 422
    assert client.get(f"/api/v1/plans/{CODE}/years/2022/report.odt").status_code == 422
    bad = client.get(f"/api/v1/plans/{CODE}/years/1990/report.docx")
    assert bad.status_code == 400 and "ngoài thời kỳ" in bad.json()["message"]
    assert client.get("/api/v1/plans/nope/years/2022/report.docx").status_code == 404
    assert not DocumentJob.objects.filter(first_year=1990).exists()


def test_api_jobs_are_their_owners_and_the_coordinators(client, period, personas):
    client.force_login(personas["viewer"])
    job = client.get(f"/api/v1/plans/{CODE}/years/2022/report.xlsx?wait=0").json()
    client.force_login(personas["finance"])
    assert client.get(job["url"]).status_code == 404
    assert client.get(job["file_url"]).status_code == 404
    client.force_login(personas["reporter"])
    assert client.get(job["url"]).status_code == 403
    client.force_login(personas["coordinator"])
    assert client.get(job["url"]).json()["status"] == "queued"


def test_api_answers_a_failed_job_with_its_reason(client, period, personas, settings):
    client.force_login(personas["viewer"])
    settings.PLANWATCH_SOFFICE = "/nonexistent"
    assert client.get(f"/api/v1/plans/{CODE}/years/2022/report.pdf").status_code == 503
    assert not DocumentJob.objects.exists()  # refused before a job is made


def test_api_schema_lists_the_document_routes(client, viewer):
    client.force_login(viewer)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/plans/{code}/years/{year}/report.{fmt}" in paths
    assert "/api/v1/plans/{code}/reviews/{kind}/report.{fmt}" in paths


@pytest.mark.parametrize("role", ["admin", "coordinator", "finance", "viewer"])
def test_the_years_page_offers_the_consolidated_report(client, period, personas, role):
    client.force_login(personas[role])
    html = client.get(reverse("reporting:year", args=[CODE, 2022])).content.decode()
    assert 'id="consolidated"' in html
    assert reverse("documents:generate", args=[CODE]) in html


def test_assembling_takes_a_fixed_number_of_queries(plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from documents.content import Kind, assemble
    from reporting.demo import load_reporting_demo

    load_reporting_demo(plan)
    with CaptureQueriesContext(connection) as one_year:
        assemble(plan, [2021], Kind.ANNUAL)
    with CaptureQueriesContext(connection) as five_years:
        assemble(plan, [2021, 2022, 2023, 2024, 2025], Kind.MIDTERM)
    assert len(five_years) == len(one_year) <= 30


def test_a_user_keeps_their_last_ten_documents(client, period, personas):
    from documents import generate

    for _ in range(12):
        generate.start_job(period.plan, "annual", [2022], "xlsx", personas["viewer"])
    assert DocumentJob.objects.filter(created_by=personas["viewer"]).count() == 10


def test_a_failed_job_shows_its_reason_and_stops_polling(client, period, personas):
    job = DocumentJob.objects.create(
        plan=period.plan,
        kind="annual",
        first_year=2022,
        last_year=2022,
        format="docx",
        created_by=personas["viewer"],
        status="failed",
        error="Việc tạo tài liệu bị gián đoạn; hãy tạo lại.",
    )
    client.force_login(personas["viewer"])
    html = client.get(reverse("documents:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = html.content.decode()
    assert "bị gián đoạn" in html and 'data-status="failed"' in html
    assert "hx-get" not in html
