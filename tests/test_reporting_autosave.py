"""The report form's autosave endpoint (reporting:draft): one field at a time, its
refusal under its own name, 409 on a stale revision unless nothing would change,
and 401/403 as JSON for a script whose session ended (never a login page)."""

import pytest
from django.urls import reverse

from reporting.models import AgencyReport
from reporting.periods import open_period
from reporting.services import submit_report

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def report(plan, coordinator, personas):
    period = open_period(plan, 2022, coordinator)
    return AgencyReport.objects.get(period=period, agency__code="qb-so-du-lich")


def _item(report, code="V.2"):
    group, number = code.split(".")
    return report.items.get(task__group__number=group, task__number=number)


def _draft(client, report, data):
    return client.post(reverse("reporting:draft", args=[report.pk]), data, **JSON)


def test_one_field_saves_alone_and_the_others_stay(client, report, reporter):
    item = _item(report)
    item.results = "Đã có kết quả"
    item.save()
    client.force_login(reporter)
    response = _draft(client, report, {"revision": "1", f"item-{item.task_id}-done": "Mới"})
    assert response.status_code == 200 and response.json()["revision"] == 2
    item.refresh_from_db()
    assert (item.done, item.results) == ("Mới", "Đã có kết quả")


def test_a_bad_field_is_refused_under_its_name_and_blocks_no_other(client, report, reporter):
    item = _item(report)
    client.force_login(reporter)
    bad = _draft(client, report, {"revision": "1", f"item-{item.task_id}-spent": "abc"})
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == [f"item-{item.task_id}-spent"]
    good = _draft(client, report, {"revision": "1", f"item-{item.task_id}-done": "Đã làm"})
    assert good.status_code == 200
    item.refresh_from_db()
    assert item.done == "Đã làm" and item.spent is None


def test_not_done_needs_its_reason_and_the_reason_is_kept_with_the_status(client, report, reporter):
    item = _item(report)
    client.force_login(reporter)
    status, reason = f"item-{item.task_id}-status", f"item-{item.task_id}-reason"
    refused = _draft(client, report, {"revision": "1", status: "not_done", reason: ""})
    assert refused.status_code == 400 and list(refused.json()["errors"]) == [reason]
    assert (
        _draft(client, report, {"revision": "1", status: "not_done", reason: "Hết vốn"}).status_code
        == 200
    )
    item.refresh_from_db()
    # A later save of another field keeps the reason (not cleared by its absence).
    assert (
        _draft(client, report, {"revision": "2", f"item-{item.task_id}-done": "x"}).status_code
        == 200
    )
    item.refresh_from_db()
    assert (item.status, item.reason, item.done) == ("not_done", "Hết vốn", "x")


def test_a_stale_revision_is_a_conflict_unless_nothing_would_change(client, report, reporter):
    item = _item(report)
    client.force_login(reporter)
    name = f"item-{item.task_id}-done"
    assert _draft(client, report, {"revision": "1", name: "Bản của tôi "}).status_code == 200
    # The same save again (a reload overtook its answer): nothing is overwritten.
    again = _draft(client, report, {"revision": "1", name: "Bản của tôi"})
    assert again.status_code == 200 and again.json()["revision"] == 2
    stale = _draft(client, report, {"revision": "1", name: "Bản khác"})
    assert stale.status_code == 409 and "ghi đè" in stale.json()["message"]
    item.refresh_from_db()
    assert item.done == "Bản của tôi"


def test_an_ended_session_answers_401_json_not_a_login_page(client, report):
    response = _draft(client, report, {"revision": "1", "difficulties": "x"})
    assert response.status_code == 401 and response.json()["code"] == "signed_out"
    htmx = client.post(
        reverse("reporting:report", args=[report.pk]), {"revision": "1"}, HTTP_HX_REQUEST="true"
    )
    assert htmx.status_code == 401
    # A page asked for by the browser itself still goes to the login page.
    assert client.get(reverse("reporting:report", args=[report.pk])).status_code == 302


def test_a_refused_script_request_answers_403_json(client, report, reporter, other_reporter):
    client.force_login(other_reporter)
    response = _draft(client, report, {"revision": "1", "difficulties": "x"})
    assert response.status_code in (403, 404)
    if response.status_code == 403:
        assert response.json()["code"] == "forbidden"


def test_a_report_with_nothing_on_any_task_is_not_submitted(client, report, reporter):
    client.force_login(reporter)
    url = reverse("reporting:report", args=[report.pk])
    response = client.post(url, {"revision": "1", "action": "submit"})
    body = response.content.decode()
    assert response.status_code == 400 and "V.2" in body and "VIII.2" in body
    report.refresh_from_db()
    assert report.state == "draft"
    item = _item(report)
    item.status = "in_progress"
    item.save()
    submit_report(report, reporter)
    report.refresh_from_db()
    assert report.state == "submitted"


def test_a_report_is_returned_with_comments_on_tasks_only(
    report, reporter, coordinator, django_capture_on_commit_callbacks
):
    from django.core import mail

    from reporting.services import return_report

    report.items.update(status="in_progress")
    submit_report(report, reporter)
    with django_capture_on_commit_callbacks(execute=True):
        return_report(report, coordinator, "", {"item-V.2": "Ghi rõ tên cơ sở", "proposals": ""})
    report.refresh_from_db()
    assert report.state == "returned"
    assert list(report.comments.values_list("field", "text")) == [("item-V.2", "Ghi rõ tên cơ sở")]
    assert any("Nhiệm vụ V.2: Ghi rõ tên cơ sở" in m.body for m in mail.outbox)
