"""Evidence files: type- and size-checked, stored outside the web root under a
random name, served only to those who may see the report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reporting.models import AgencyReport, Evidence
from reporting.periods import open_period
from reporting.services import submit_report
from tests.conftest import ROLES

PDF = b"%PDF-1.4\n%minutes of the training\n"


@pytest.fixture
def report(plan, coordinator, personas):
    period = open_period(plan, 2022, coordinator)
    return AgencyReport.objects.get(period=period, agency__code="qb-so-du-lich")


def _upload(client, report, name, data):
    return client.post(
        reverse("reporting:evidence_upload", args=[report.pk]),
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_reporter_attaches_a_pdf_that_others_may_download(client, report, personas, settings):
    client.force_login(personas["reporter"])
    page = _upload(client, report, "bien-ban.pdf", PDF).content.decode()
    assert "bien-ban.pdf" in page
    evidence = Evidence.objects.get()
    assert evidence.file.name.startswith(f"evidence/{report.pk}/")
    assert "bien-ban" not in evidence.file.name  # stored under a random name
    assert str(settings.MEDIA_ROOT) in evidence.file.path
    for role in ROLES:
        client.force_login(personas[role])
        response = client.get(reverse("reporting:evidence", args=[evidence.pk]))
        if role == "other_reporter":
            assert response.status_code == 403
        else:
            assert response.status_code == 200
            assert response["Content-Disposition"].startswith("attachment")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.pdf", b"MZ\x90\x00\x03" + b"\0" * 100, "không đúng"),
        ("script.exe", b"MZ\x90\x00", "Chỉ nhận"),
        ("trang.html", b"<script>alert(1)</script>", "Chỉ nhận"),
        ("rong.pdf", b"", "rỗng"),
        ("anh.png", b"GIF89a....", "không đúng"),
    ],
)
def test_bad_files_are_refused(client, report, reporter, name, data, message):
    client.force_login(reporter)
    page = _upload(client, report, name, data).content.decode()
    assert message in page
    assert Evidence.objects.count() == 0


def test_a_file_over_the_limit_is_refused(client, report, reporter, monkeypatch):
    from reporting import evidence

    monkeypatch.setattr(evidence, "MAX_EVIDENCE_BYTES", 10)
    client.force_login(reporter)
    assert "quá lớn" in _upload(client, report, "a.pdf", PDF).content.decode()
    assert Evidence.objects.count() == 0


def test_other_agency_and_submitted_reports_cannot_take_files(
    client, report, reporter, other_reporter
):
    client.force_login(other_reporter)
    assert _upload(client, report, "a.pdf", PDF).status_code == 403
    report.items.update(status="in_progress")  # a report with nothing on any task is refused
    submit_report(report, reporter)
    client.force_login(reporter)
    assert _upload(client, report, "a.pdf", PDF).status_code == 403
    assert Evidence.objects.count() == 0


def test_removing_a_file(client, report, reporter, django_capture_on_commit_callbacks):
    client.force_login(reporter)
    _upload(client, report, "a.pdf", PDF)
    evidence = Evidence.objects.get()
    path = evidence.file.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:evidence_delete", args=[evidence.pk]))
    assert Evidence.objects.count() == 0
    import os

    assert not os.path.exists(path)


def test_a_file_on_a_task_is_listed_with_its_task_in_a_fixed_number_of_queries(
    client, report, reporter
):
    """The evidence list names each file's task from the items the form read already:
    more files on tasks add no query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting import evidence

    items = list(report.items.select_related("task__group").order_by("pk"))
    evidence.attach(report, reporter, SimpleUploadedFile("a.pdf", PDF), items[0])
    client.force_login(reporter)
    url = reverse("reporting:report", args=[report.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert f"a.pdf</a> ({len(PDF)}" in page and f" · {items[0].task.code}" in page
    evidence.attach(report, reporter, SimpleUploadedFile("b.pdf", PDF), items[1])
    evidence.attach(report, reporter, SimpleUploadedFile("c.pdf", PDF))
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert f" · {items[1].task.code}" in page and "c.pdf" in page
    assert len(three) == len(one)
