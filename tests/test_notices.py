"""Notices reach their people, in the app and in mail.outbox, once each: a year
opened (and the coordinator told who was not reached), reminders, a report
submitted, returned (with the comments), accepted, and the appraisal done."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from budget import services as budget_services
from notices.models import Kind, Notice, Preference
from notices.send import Message, deliver
from plans.models import Task
from reporting import services
from reporting.models import ReminderKind
from reporting.periods import open_period
from reporting.reminders import notify

OWNER = "qb-so-du-lich"


@pytest.fixture
def opened(plan, personas, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "http://127.0.0.1:8115"
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        period = open_period(plan, 2026, personas["coordinator"])
    return period


def _notices(user, kind):
    return list(Notice.objects.filter(user=user, kind=kind))


def _mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_a_year_opened_reaches_every_agency_and_tells_the_coordinator_who_was_missed(
    opened, personas
):
    reporter, coordinator = personas["reporter"], personas["coordinator"]
    [notice] = _notices(reporter, Kind.OPENED)
    assert (
        "2026" in notice.title
        and notice.url == f"/reporting/{opened.reports.get(agency__code=OWNER).pk}/"
    )
    [message] = _mails_to(reporter.email)
    assert "http://127.0.0.1:8115/reporting/" in message.body
    [summary] = _notices(coordinator, Kind.OPENED)
    assert str(opened.reports.count()) in summary.title
    # the seed's agencies have no account and (mostly) no address: each is named, with why
    missed = [line for line in summary.body.splitlines() if line.startswith("- ")]
    assert missed and all("chưa có tài khoản" in line for line in missed)
    assert not any(OWNER in line or "Sở Du lịch:" in line for line in missed)
    # other_reporter's agency is reached too, and nobody got it twice
    assert len(_notices(personas["other_reporter"], Kind.OPENED)) in (0, 1)
    assert len(_mails_to(reporter.email)) == 1


def test_an_agency_without_account_is_emailed_at_its_own_address(
    plan, personas, django_capture_on_commit_callbacks
):
    period = open_period(plan, 2026, personas["coordinator"], announce=False)
    report = period.reports.exclude(agency__users__isnull=False).select_related("agency").first()
    agency = report.agency
    agency.email = "vanthu@example.vn"
    agency.save()
    mail.outbox = []
    assert notify(report, ReminderKind.MANUAL, period.due_date)
    assert [m.to for m in mail.outbox] == [["vanthu@example.vn"]]
    assert Notice.objects.filter(recipient="mail:vanthu@example.vn").count() == 1
    # once a day: the same reminder again sends nothing
    assert not notify(report, ReminderKind.MANUAL, period.due_date)
    assert len(mail.outbox) == 1


def test_submitted_returned_accepted_reach_their_people(
    opened, personas, django_capture_on_commit_callbacks
):
    reporter, coordinator = personas["reporter"], personas["coordinator"]
    report = opened.reports.get(agency__code=OWNER)
    item = report.items.select_related("task").first()
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_report(report, reporter)
    [submitted] = _notices(coordinator, Kind.SUBMITTED)
    assert "Sở Du lịch" in submitted.title and submitted.url == f"/reporting/{report.pk}/"
    assert _mails_to(coordinator.email) and not _mails_to(reporter.email)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(
            report,
            coordinator,
            "Bổ sung số liệu.",
            {f"item-{item.task.code}": "Thiếu số lớp tập huấn."},
        )
    [returned] = _notices(reporter, Kind.RETURNED)
    assert "Bổ sung số liệu." in returned.body and "Thiếu số lớp tập huấn." in returned.body
    assert f"Nhiệm vụ {item.task.code}" in returned.body
    [message] = _mails_to(reporter.email)
    assert "Thiếu số lớp tập huấn." in message.body
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_report(report, reporter)
    assert len(_notices(coordinator, Kind.SUBMITTED)) == 2  # version 2 is news again
    report.refresh_from_db()
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_report(report, coordinator)
    assert len(_notices(reporter, Kind.ACCEPTED)) == 1
    assert len(_mails_to(reporter.email)) == 1


def test_a_user_who_turns_email_off_gets_the_notice_in_the_app_only(opened, personas):
    reporter = personas["reporter"]
    Preference.objects.create(user=reporter, kind=Kind.REMINDER, email=False)
    report = opened.reports.get(agency__code=OWNER)
    mail.outbox = []
    assert services.remind(report, personas["coordinator"])
    assert len(_notices(reporter, Kind.REMINDER)) == 1
    assert not _mails_to(reporter.email)


def test_the_same_key_is_recorded_and_sent_once(plan, personas):
    message = Message(Kind.REMINDER, "x:1", "Nhắc", "Nội dung", "/")
    mail.outbox = []
    assert len(deliver(message, [personas["reporter"]], ["a@example.vn"])) == 2
    assert deliver(message, [personas["reporter"]], ["a@example.vn"]) == []
    assert len(mail.outbox) == 2


def test_appraisal_done_tells_the_coordinator_and_the_agencies(
    plan, personas, django_capture_on_commit_callbacks
):
    budget = budget_services.budget_for(plan, 2026, create=True)
    task = next(t for t in Task.objects.current().filter(plan=plan) if t.code == "VIII.2")
    line, _w = budget_services.save_line(
        budget,
        personas["reporter"],
        {
            "task": task,
            "agency": None,
            "source": "provincial",
            "content": "Lớp học",
            "amount": 5000,
        },
    )
    budget_services.submit(budget, personas["coordinator"])
    budget_services.appraise_line(line, personas["finance"], "reduced", 4000, "Giảm số lớp")
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        budget_services.complete_appraisal(budget, personas["finance"])
    assert len(_notices(personas["coordinator"], Kind.APPRAISED)) == 1
    [mine] = _notices(personas["reporter"], Kind.APPRAISED)
    assert "Giảm số lớp" in mine.body and "4.000" in mine.body
    assert _mails_to(personas["coordinator"].email) and _mails_to(personas["reporter"].email)


def test_the_menu_counts_unread_and_opening_marks_read(opened, personas, client):
    reporter = personas["reporter"]
    client.force_login(reporter)
    page = client.get("/notices/")
    assert 'id="unread-count"' in page.content.decode()
    notice = Notice.objects.get(user=reporter)
    response = client.get(f"/notices/{notice.pk}/")
    assert response.status_code == 302 and response["Location"] == notice.url
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'id="unread-count"' not in client.get("/notices/").content.decode()
    # another's notice is not found
    client.force_login(personas["other_reporter"])
    assert client.get(f"/notices/{notice.pk}/").status_code == 404


def test_the_email_choice_is_saved(plan, personas, client):
    client.force_login(personas["finance"])
    response = client.post("/notices/settings/", {"opened": "on", "appraised": "on"})
    assert response.status_code == 302
    assert set(
        Preference.objects.filter(user=personas["finance"], email=False).values_list(
            "kind", flat=True
        )
    ) == {"reminder", "submitted", "returned", "accepted"}


def test_opening_a_year_tells_the_coordinator_on_the_page_who_was_not_reached(
    client, plan, personas
):
    client.force_login(personas["coordinator"])
    response = client.post(
        reverse("reporting:plan", args=[plan.code]), {"year": "2026"}, follow=True
    )
    html = response.content.decode()
    assert "Chưa báo được qua e-mail" in html and "chưa có tài khoản" in html


def test_the_daily_reminders_reach_the_agencies_in_the_app_and_by_mail(opened, personas):
    from reporting.reminders import send_due_reminders

    mail.outbox = []
    before = opened.due_date.replace(day=opened.due_date.day - 7)
    assert send_due_reminders(before) > 0
    [notice] = _notices(personas["reporter"], Kind.REMINDER)
    assert "10/12/2026" in notice.title
    assert len(_mails_to(personas["reporter"].email)) == 1
    send_due_reminders(before)  # the worker's schedule runs again the same day
    assert len(_notices(personas["reporter"], Kind.REMINDER)) == 1
