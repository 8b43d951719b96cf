"""Reporting pages for every role; the cycle in the browser's forms; e-mails."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from reporting.models import AgencyReport, Reminder, ReportItem
from reporting.periods import open_period
from reporting.services import submit_report
from tests.conftest import ROLES

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "qb-sxtdbv-2021"


@pytest.fixture
def period(plan, coordinator, personas):
    return open_period(plan, 2022, coordinator)


def _report(period, code="qb-so-du-lich"):
    return AgencyReport.objects.get(period=period, agency__code=code)


def _started(report):
    """The report with its tasks under way: a report with nothing on any task is refused."""
    report.items.update(status="in_progress")
    return report


@pytest.mark.parametrize("role", ROLES)
def test_report_page_for_each_role(client, period, personas, role):
    client.force_login(personas[role])
    response = client.get(reverse("reporting:report", args=[_report(period).pk]))
    assert response.status_code == (403 if role == "other_reporter" else 200)
    if role == "other_reporter":
        assert "Sở Du lịch" not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_year_dashboard_for_each_role(client, period, personas, role):
    client.force_login(personas[role])
    response = client.get(reverse("reporting:year", args=[CODE, 2022]))
    if role in ("reporter", "other_reporter"):
        assert response.status_code == 302  # to their own report
        assert response["Location"] == reverse(
            "reporting:report", args=[_report(period, personas[role].agency.code).pk]
        )
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_only_coordinators_open_periods(client, plan, personas, role):
    client.force_login(personas[role])
    url = reverse("reporting:plan", args=[CODE])
    response = client.post(url, {"year": "2023", "confirm": "1"})
    assert response.status_code == (302 if role in ("admin", "coordinator") else 403)


def test_opening_a_period_emails_the_agencies(
    client, plan, coordinator, reporter, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:plan", args=[CODE]), {"year": "2023", "confirm": "1"})
    to_reporter = [m for m in mail.outbox if reporter.email in m.to]
    assert len(to_reporter) == 1 and "Mở kỳ báo cáo năm 2023" in to_reporter[0].subject


def test_opening_a_year_asks_first_and_says_who_is_asked_and_e_mailed(
    client, plan, coordinator, reporter, django_capture_on_commit_callbacks
):
    from agencies.models import Agency
    from reporting.models import ReportingPeriod
    from reporting.periods import opening_preview

    preview = opening_preview(plan, 2023)
    silent = next(a for a in preview.agencies if a.pk != reporter.agency_id)
    Agency.objects.filter(pk=silent.pk).update(email="")
    preview = opening_preview(plan, 2023)
    assert silent in preview.unreachable and reporter.agency not in preview.unreachable
    client.force_login(coordinator)
    url = reverse("reporting:plan", args=[CODE])
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(url, {"year": "2023"})
    page = asked.content.decode()
    assert asked.status_code == 200 and not ReportingPeriod.objects.filter(year=2023).exists()
    assert f"{len(preview.agencies)} cơ quan" in page and f"{preview.emailed} cơ quan" in page
    assert silent.name in page and 'name="confirm"' in page and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        opened = client.post(url, {"year": "2023", "confirm": "1"}, follow=True)
    assert ReportingPeriod.objects.filter(year=2023).exists()
    assert f"{preview.emailed} cơ quan" in opened.content.decode() and mail.outbox


def test_a_year_opened_by_mistake_is_cancelled_while_nobody_saved(
    client, plan, coordinator, reporter
):
    from audit.models import AuditEntry
    from reporting.models import ReportingPeriod

    client.force_login(coordinator)
    period = open_period(plan, 2023, coordinator, announce=False)
    year_url = reverse("reporting:year", args=[CODE, 2023])
    assert 'id="cancel-period"' in client.get(year_url).content.decode()
    cancel = reverse("reporting:period_cancel", args=[CODE, 2023])
    assert client.post(cancel, {}).status_code == 302  # not confirmed: nothing happens
    assert ReportingPeriod.objects.filter(pk=period.pk).exists()
    response = client.post(cancel, {"confirm": "1"})
    assert response.status_code == 302 and response["Location"].endswith("/reporting/")
    assert not ReportingPeriod.objects.filter(pk=period.pk).exists()
    entry = AuditEntry.objects.get(object_type="reporting.reportingperiod", action="delete")
    assert entry.actor == coordinator and "removed" in entry.note
    # Once an agency saved something, it can only be closed or locked.
    period = open_period(plan, 2023, coordinator, announce=False)
    report = period.reports.get(agency=reporter.agency)
    from reporting.services import save_draft

    save_draft(report, reporter, {"difficulties": "Đã nhập"}, revision=1)
    assert 'id="cancel-period"' not in client.get(year_url).content.decode()
    client.post(cancel, {"confirm": "1"})
    assert ReportingPeriod.objects.filter(pk=period.pk).exists()


def test_the_cycle_through_the_forms(
    client, period, reporter, coordinator, django_capture_on_commit_callbacks
):
    report = _report(period)
    item = report.items.select_related("task", "task__group").get(
        task__group__number="V", task__number="2"
    )
    url = reverse("reporting:report", args=[report.pk])
    client.force_login(reporter)
    data = {
        "revision": "1",
        f"item-{item.task_id}-status": "done",
        f"item-{item.task_id}-done": "Hướng dẫn 45 cơ sở",
        f"item-{item.task_id}-quantities": "Cơ sở lưu trú: 45 cơ sở",
        f"item-{item.task_id}-spent": "1.250.000.000",
        "difficulties": "Thiếu người",
    }
    assert client.post(url, {**data, "action": "save"}).status_code == 302
    item.refresh_from_db()
    assert item.spent == 1_250_000_000 and item.quantities == [
        {"label": "Cơ sở lưu trú", "value": 45, "unit": "cơ sở"}
    ]
    # A stale form saves nothing.
    response = client.post(url, {**data, "difficulties": "B", "action": "save"})
    assert response.status_code == 400 and "tải lại" in response.content.decode()
    assert client.post(url, {"revision": "2", "action": "submit"}).status_code == 302
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:return", args=[report.pk]),
            {
                "comment": "Bổ sung số liệu",
                "comment-item-V.2": "Ghi rõ tên cơ sở",
            },
        )
    assert response.status_code == 302
    assert any("trả lại" in m.subject for m in mail.outbox)
    client.force_login(reporter)
    page = client.get(url).content.decode()
    assert "Bổ sung số liệu" in page and "Ghi rõ tên cơ sở" in page
    report.refresh_from_db()
    client.post(url, {"revision": str(report.revision), "action": "submit"})
    client.force_login(coordinator)
    client.post(reverse("reporting:accept", args=[report.pk]))
    report.refresh_from_db()
    assert report.state == "accepted"
    compare = client.get(reverse("reporting:compare", args=[report.pk]), {"a": 1, "b": 2})
    assert compare.status_code == 200


def test_htmx_autosave_answers_the_new_revision(client, period, reporter):
    report = _report(period)
    client.force_login(reporter)
    response = client.post(
        reverse("reporting:report", args=[report.pk]),
        {"revision": "1", "action": "save", "difficulties": "x"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert 'value="2"' in body and "tự động" in body and "<html" not in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("spent", "-5", "không thể âm"),
        ("spent", "12,5 triệu", "số nguyên"),
        ("status", "weird", "không hợp lệ"),
        ("quantities", "bốn mươi lớp", "thiếu nhãn"),
    ],
)
def test_bad_input_in_the_form(client, period, reporter, field, value, message):
    report = _report(period)
    item = report.items.first()
    client.force_login(reporter)
    response = client.post(
        reverse("reporting:report", args=[report.pk]),
        {
            "revision": "1",
            "action": "save",
            f"item-{item.task_id}-status": "in_progress",
            f"item-{item.task_id}-{field}": value,
        },
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert ReportItem.objects.get(pk=item.pk).status == "not_started"


def test_reporter_cannot_act_on_another_agencys_report(client, period, other_reporter):
    client.force_login(other_reporter)
    pk = _report(period).pk
    url = reverse("reporting:report", args=[pk])
    for action in ("save", "submit"):
        assert client.post(url, {"action": action, "revision": "1"}).status_code == 403
    for name in ("reporting:accept", "reporting:return"):
        assert client.post(reverse(name, args=[pk]), {"comment": "x"}).status_code == 403


def test_reporter_cannot_accept_their_own_report(client, period, reporter):
    report = _started(_report(period))
    submit_report(report, reporter)
    client.force_login(reporter)
    assert client.post(reverse("reporting:accept", args=[report.pk])).status_code == 403


def test_dashboard_counts_and_query_count(
    client, period, coordinator, reporter, django_assert_max_num_queries
):
    with time_machine.travel(dt.datetime(2022, 12, 1, tzinfo=TZ), tick=False):
        submit_report(_started(_report(period)), reporter)
    client.force_login(coordinator)
    with time_machine.travel(dt.datetime(2022, 12, 20, tzinfo=TZ), tick=False):
        with django_assert_max_num_queries(12):
            page = client.get(reverse("reporting:year", args=[CODE, 2022])).content.decode()
    expected = period.reports.count()
    assert f">{expected}<" in page
    assert "10 ngày quá hạn" in page  # the others, 10 days after 10/12


def test_heat_map_shows_years(client, plan, coordinator):
    open_period(plan, 2021, coordinator)
    open_period(plan, 2022, coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("reporting:plan", args=[CODE])).content.decode()
    assert 'id="heat-map"' in page and "2021" in page and "2022" in page


def test_send_reminders_is_idempotent(period, reporter):
    with time_machine.travel(dt.datetime(2022, 12, 3, 8, tzinfo=TZ), tick=False):
        call_command("send_reminders")
        call_command("send_reminders")
    reminders = Reminder.objects.filter(report__agency=reporter.agency, kind="before")
    assert reminders.count() == 1
    assert sum(reporter.email in m.to for m in mail.outbox) == 1


@pytest.mark.parametrize(
    ("day", "kind"), [(3, "before"), (7, "before"), (10, "due"), (11, "overdue"), (14, "overdue")]
)
def test_reminder_schedule(period, reporter, day, kind):
    call_command("send_reminders", "--date", f"2022-12-{day:02d}")
    assert Reminder.objects.filter(report__agency=reporter.agency, kind=kind).exists()


def test_no_reminder_after_submission(period, reporter):
    submit_report(_started(_report(period)), reporter)
    call_command("send_reminders", "--date", "2022-12-10")
    assert not Reminder.objects.filter(report__agency=reporter.agency).exists()


def test_one_click_remind(client, period, coordinator, reporter):
    client.force_login(coordinator)
    client.post(reverse("reporting:remind", args=[_report(period).pk]))
    assert Reminder.objects.filter(kind="manual").count() == 1
    assert any(reporter.email in m.to for m in mail.outbox)


@pytest.mark.parametrize("role", ROLES)
def test_the_due_date_is_moved_on_the_year_page_by_coordinators_only(
    client, period, personas, role
):
    client.force_login(personas[role])
    url = reverse("reporting:year", args=[CODE, 2022])
    step = reverse("reporting:period_due_date", args=[CODE, 2022])
    response = client.post(step, {"due_date": "2022-12-18"})
    period.refresh_from_db()
    if role in ("admin", "coordinator"):
        assert response.status_code == 302 and period.due_date == dt.date(2022, 12, 18)
        assert "18/12/2022" in client.get(url).content.decode()
    else:
        assert response.status_code == 403
        assert period.due_date == dt.date(2022, 12, 10)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "Ngày không hợp lệ"),
        ("", "Hãy nhập ngày"),
        ("2030-12-10", "Hạn báo cáo phải trong năm 2022"),
    ],
)
def test_a_bad_due_date_changes_nothing_and_says_why(client, period, coordinator, value, message):
    client.force_login(coordinator)
    step = reverse("reporting:period_due_date", args=[CODE, 2022])
    response = client.post(step, {"due_date": value}, follow=True)
    period.refresh_from_db()
    assert period.due_date == dt.date(2022, 12, 10)
    assert message in response.content.decode()


def test_demo_years_show_every_situation(demo):
    from reporting.models import ReportingPeriod

    periods = {p.year: p for p in ReportingPeriod.objects.all()}
    assert sorted(periods) == [2021, 2022, 2023, 2024, 2025, 2026]
    assert periods[2021].status == "locked" and periods[2025].status == "closed"
    assert periods[2026].status == "open"  # this year, due 10/12/2026
    reports = AgencyReport.objects.exclude(period__year=2026)
    assert reports.filter(late=True).exists()  # some late
    assert reports.filter(first_submitted_at__isnull=True).exists()  # some missing
    assert reports.filter(state="accepted", late=False).count() > reports.count() / 2
    returned = AgencyReport.objects.get(period__year=2024, agency__code="qb-so-du-lich")
    assert returned.versions.count() == 2 and returned.comments.exists()
    assert AgencyReport.objects.get(period__year=2025, agency__code="qt-so-vhttdl").state == "draft"
    assert (
        AgencyReport.objects.get(period__year=2025, agency__code="qt-so-nnmt").state == "submitted"
    )
    call_command("load_demo", verbosity=0)
    assert ReportingPeriod.objects.count() == 6  # idempotent


def test_dashboard_queries_do_not_grow_with_the_agencies(client, plan, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from agencies.models import Agency, AgencyKind

    client.force_login(coordinator)
    open_period(plan, 2022, coordinator)
    url = reverse("reporting:year", args=[CODE, 2022])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    province = Agency.objects.get(code="qb-ubnd-tinh")
    for i in range(25):
        Agency.objects.create(
            code=f"qb-extra-{i}",
            name=f"Ban thử nghiệm {i}",
            kind=AgencyKind.BOARD,
            parent=province,
            province=province,
        )
    open_period(plan, 2023, coordinator)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("reporting:year", args=[CODE, 2023]))
    assert len(large.captured_queries) == len(small.captured_queries)
    with CaptureQueriesContext(connection) as heat:
        client.get(reverse("reporting:plan", args=[CODE]))
    assert len(heat.captured_queries) <= 10


def test_reminder_days_are_configurable(period, reporter, settings):
    settings.REMINDER_DAYS_BEFORE = [5]
    call_command("send_reminders", "--date", "2022-12-03")
    assert not Reminder.objects.filter(kind="before").exists()
    call_command("send_reminders", "--date", "2022-12-05")
    assert Reminder.objects.filter(report__agency=reporter.agency, kind="before").exists()


def test_comments_on_difficulties_stand_beside_the_field(client, period, reporter, coordinator):
    report = _started(_report(period))
    submit_report(report, reporter)
    client.force_login(coordinator)
    client.post(
        reverse("reporting:return", args=[report.pk]),
        {"comment": "Xem lại", "comment-difficulties": "Nêu cụ thể hơn"},
    )
    client.force_login(reporter)
    page = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    before_field = page.split('name="difficulties"')[0]
    assert "Nêu cụ thể hơn" in before_field.split("report-indicators")[-1]


def test_report_page_queries_do_not_grow_with_versions_and_comments(
    client, period, coordinator, reporter
):
    """Each version names who submitted it and each comment its version: read with
    them, not one query each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting.services import record_submission, return_report

    report = _started(_report(period))
    url = reverse("reporting:report", args=[report.pk])
    client.force_login(coordinator)

    def cycle() -> str:
        record_submission(report, reporter)
        return_report(report, coordinator, "Bổ sung số liệu", {"difficulties": "Rõ hơn"})
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url).content.decode()
        assert f"v{report.versions.count()} · " in page
        return ctx

    one, two = cycle(), cycle()
    assert len(two) == len(one)
