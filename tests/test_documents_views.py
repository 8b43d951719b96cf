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

CODE = "qb-sxtdbv-2021"
ROLES = ["admin", "coordinator", "reporter", "other_reporter", "finance", "viewer"]
READERS = {"admin", "coordinator", "finance", "viewer"}
MANAGERS = {"admin", "coordinator"}


@pytest.fixture(autouse=True)
def _inline_jobs(settings):
    settings.DOCUMENTS_IN_BACKGROUND = False


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
        assert 'data-status="done"' in response.content.decode()
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


@pytest.mark.parametrize("role", ROLES)
def test_api_year_report_for_each_role(client, period, personas, role):
    client.force_login(personas[role])
    response = client.get(f"/api/v1/plans/{CODE}/years/2022/report.docx")
    assert response.status_code == (200 if role in READERS else 403)
    if role in READERS:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        Document(io.BytesIO(response.content))


def test_api_formats_reviews_and_errors(client, period, personas):
    assert client.get(f"/api/v1/plans/{CODE}/years/2022/report.docx").status_code == 401
    client.force_login(personas["viewer"])
    xlsx = client.get(f"/api/v1/plans/{CODE}/years/2022/report.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    pdf = client.get(f"/api/v1/plans/{CODE}/years/2022/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    review = client.get(f"/api/v1/plans/{CODE}/reviews/midterm/report.docx")
    assert review.status_code == 200
    assert "so-ket-qb-sxtdbv-2021-2021-2025.docx" in review["Content-Disposition"]
    assert client.get(f"/api/v1/plans/{CODE}/reviews/other/report.docx").status_code == 404
    assert client.get(f"/api/v1/plans/{CODE}/years/2022/report.odt").status_code == 404
    bad = client.get(f"/api/v1/plans/{CODE}/years/1990/report.docx")
    assert bad.status_code == 400 and "ngoài thời kỳ" in bad.json()["detail"]
    assert client.get("/api/v1/plans/nope/years/2022/report.docx").status_code == 404


def test_api_schema_lists_the_document_routes(client):
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
    assert len(five_years) == len(one_year) <= 20


def test_a_user_keeps_their_last_ten_documents(client, period, personas):
    from documents import generate

    for _ in range(12):
        generate.start_job(period.plan, "annual", [2022], "xlsx", personas["viewer"])
    assert DocumentJob.objects.filter(created_by=personas["viewer"]).count() == 10


def test_an_interrupted_job_ends_as_failed(client, period, personas):
    import datetime as dt

    from django.utils import timezone

    job = DocumentJob.objects.create(
        plan=period.plan,
        kind="annual",
        first_year=2022,
        last_year=2022,
        format="docx",
        created_by=personas["viewer"],
        status="running",
    )
    DocumentJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=30)
    )
    client.force_login(personas["viewer"])
    html = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    assert "bị gián đoạn" in html and 'data-status="failed"' in html


def test_a_job_started_from_the_page_in_the_background_ends_done_with_its_file(
    transactional_db, client, period, personas, settings
):
    """The background path (DOCUMENTS_IN_BACKGROUND, as served): the page answers with
    the job, the file is made after the request's transaction commits, and the job's
    page, polled as htmx polls it, ends with the download. Transactional, so that
    what the request commits is there for the job to read."""
    import time

    from openpyxl import load_workbook

    settings.DOCUMENTS_IN_BACKGROUND = True
    client.force_login(personas["viewer"])
    response = client.post(
        reverse("documents:generate", args=[CODE]),
        {"kind": "annual", "year": "2022", "format": "xlsx"},
        HTTP_HX_REQUEST="true",
    )
    job = DocumentJob.objects.get()
    assert response.status_code == 200 and 'class="job small"' in response.content.decode()
    url = reverse("documents:job", args=[job.pk])
    give_up = time.monotonic() + 300  # a job that never ends, not a speed goal (bench/)
    while 'hx-get="%s"' % url in (html := client.get(url, HTTP_HX_REQUEST="true").text):
        assert time.monotonic() < give_up, "the job never ended"
        time.sleep(0.2)
    assert 'data-status="done"' in html, html
    download = client.get(reverse("documents:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('bao-cao-qb-sxtdbv-2021-2022.xlsx"')
    assert load_workbook(io.BytesIO(download.content)).sheetnames
