"""The reporting cycle's domain logic: opening a period, the workflow and who may
move a report, stale drafts, deadlines with time frozen."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from access import rules
from agencies.models import Agency
from audit.models import AuditEntry
from reporting import workflow
from reporting.models import AgencyReport, ItemStatus, ReportState, ReportVersion
from reporting.periods import PeriodError, cutoff, open_period, set_due_date, set_period_status
from reporting.services import (
    ReportError,
    StaleRevision,
    accept_report,
    return_report,
    save_draft,
    submit_report,
)

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def period(plan, coordinator):
    return open_period(plan, 2022, coordinator)


def _report(period, code):
    return AgencyReport.objects.get(period=period, agency__code=code)


def _started(report):
    """The report with one task under way: a report with nothing on any task is refused."""
    item = report.items.order_by("pk").first()
    item.status = "in_progress"
    item.save()
    return report


def test_opening_a_period_creates_a_report_per_responsible_agency(period):
    assert period.due_date == dt.date(2022, 12, 10)
    assert (period.cutoff_start, period.cutoff_end) == (
        dt.date(2021, 12, 15),
        dt.date(2022, 12, 14),
    )
    codes = set(period.reports.values_list("agency__code", flat=True))
    # Named leads, every department and board ("Các sở, ban, ngành"), the 8 districts.
    assert {
        "qb-so-cong-thuong",
        "qb-so-du-lich",
        "qb-so-gddt",
        "qb-dong-hoi",
        "qb-le-thuy",
        "qb-so-y-te",
    } <= codes
    assert "bo-cong-thuong" not in codes and "qb-ubnd-tinh" not in codes
    sdl = _report(period, "qb-so-du-lich")
    roles = {i.task.code: i.role for i in sdl.items.select_related("task", "task__group")}
    assert roles["V.2"] == "lead" and roles["I.1"] == "partner" and len(roles) == 22
    sct = _report(period, "qb-so-cong-thuong")
    assert sct.items.get(task__group__number="I", task__number="1").role == "lead"


def test_tasks_outside_the_year_are_not_listed(plan, coordinator):
    period = open_period(plan, 2024, coordinator)
    sdl = _report(period, "qb-so-du-lich")
    assert not sdl.items.filter(task__group__number="V", task__number="2").exists()
    assert (
        not _report(period, "qb-so-cong-thuong")
        .items.filter(task__group__number="I", task__number="4")
        .exists()
    )  # 2021 – 2023


def test_a_period_opens_once_and_only_within_the_plan(plan, coordinator, period):
    with pytest.raises(PeriodError, match="đã được mở"):
        open_period(plan, 2022, coordinator)
    with pytest.raises(PeriodError, match="Năm phải từ 2021 đến 2030"):
        open_period(plan, 2031, coordinator)


def test_cutoff_follows_decree_09_2019():
    assert cutoff(2025) == (dt.date(2024, 12, 15), dt.date(2025, 12, 14))


ACTORS = ["admin", "coordinator", "reporter", "other_reporter", "finance", "viewer"]
# (action, state) -> roles allowed; the reporter is Sở Du lịch's, the report is Sở Du lịch's.
MATRIX = {
    ("edit", "draft"): {"reporter"},
    ("edit", "returned"): {"reporter"},
    ("edit", "submitted"): set(),
    ("edit", "accepted"): set(),
    ("submit", "draft"): {"reporter"},
    ("submit", "returned"): {"reporter"},
    ("submit", "submitted"): set(),
    ("submit", "accepted"): set(),
    ("accept", "submitted"): {"admin", "coordinator"},
    ("accept", "draft"): set(),
    ("accept", "returned"): set(),
    ("accept", "accepted"): set(),
    ("return", "submitted"): {"admin", "coordinator"},
    ("return", "draft"): set(),
    ("return", "returned"): set(),
    ("return", "accepted"): set(),
}


@pytest.mark.parametrize(("action", "state"), list(MATRIX))
@pytest.mark.parametrize("actor", ACTORS)
def test_role_action_matrix(period, personas, action, state, actor):
    report = _report(period, "qb-so-du-lich")
    report.state = state
    assert workflow.can(personas[actor], action, report) == (actor in MATRIX[(action, state)])


def test_nothing_moves_in_a_locked_period(period, personas):
    report = _report(period, "qb-so-du-lich")
    set_period_status(period, "locked", personas["coordinator"])
    report.refresh_from_db()
    assert workflow.allowed_actions(personas["reporter"], report) == []
    with pytest.raises(PeriodError, match="khóa"):
        set_period_status(period, "open", personas["coordinator"])


def test_reporter_sees_only_their_agency(period, personas):
    own = _report(period, "qb-so-du-lich")
    other = _report(period, "qb-so-tnmt")
    assert rules.can_read_report(personas["reporter"], own)
    assert not rules.can_read_report(personas["reporter"], other)
    assert all(
        rules.can_read_report(personas[r], other) for r in ("coordinator", "viewer", "finance")
    )


def _item_id(report, code):
    group, number = code.split(".")
    return str(report.items.get(task__group__number=group, task__number=number).task_id)


def test_full_cycle_with_time_frozen(period, reporter, coordinator):
    report = _report(period, "qb-so-du-lich")
    with time_machine.travel(dt.datetime(2022, 12, 5, 9, tzinfo=TZ), tick=False):
        save_draft(
            report,
            reporter,
            {
                "difficulties": "Thiếu kinh phí",
                "items": {
                    _item_id(report, "V.2"): {
                        "status": "done",
                        "done": "Hướng dẫn 45 cơ sở lưu trú",
                        "quantities": [{"label": "cơ sở", "value": 45}],
                        "spent": 120000000,
                    }
                },
            },
            revision=1,
        )
        version = submit_report(report, reporter)
    assert version.number == 1 and version.late is False
    report.refresh_from_db()
    assert report.state == "submitted" and report.late is False
    with pytest.raises(ReportError, match="bình luận"):
        return_report(report, coordinator, "")
    return_report(
        report, coordinator, "Bổ sung số liệu nhiệm vụ VIII.2", {"item-VIII.2": "Thiếu số học viên"}
    )
    report.refresh_from_db()
    assert report.state == "returned" and report.comments.count() == 2
    with time_machine.travel(dt.datetime(2022, 12, 12, 9, tzinfo=TZ), tick=False):
        save_draft(
            report,
            reporter,
            {
                "items": {
                    _item_id(report, "VIII.2"): {
                        "status": "in_progress",
                        "done": "Cử 3 cán bộ tham gia",
                    }
                }
            },
            revision=report.revision,
        )
        version = submit_report(report, reporter)
    assert version.number == 2 and version.late is True  # resubmitted after the due date
    report.refresh_from_db()
    assert report.late is False  # the first submission was on time
    accept_report(report, coordinator)
    report.refresh_from_db()
    assert report.state == "accepted"
    v1, v2 = ReportVersion.objects.filter(report=report).order_by("number")
    assert v1.data["items"] != v2.data["items"]  # versions are frozen as sent
    assert AuditEntry.objects.filter(object_type="reporting.agencyreport").count() >= 5


def test_a_first_submission_after_the_due_date_is_late(period, reporter):
    report = _started(_report(period, "qb-so-du-lich"))
    with time_machine.travel(dt.datetime(2022, 12, 11, 0, 30, tzinfo=TZ), tick=False):
        submit_report(report, reporter)
    report.refresh_from_db()
    assert report.late is True


def test_submitting_on_the_due_date_is_on_time(period, reporter):
    report = _started(_report(period, "qb-so-du-lich"))
    with time_machine.travel(dt.datetime(2022, 12, 10, 23, 59, tzinfo=TZ), tick=False):
        submit_report(report, reporter)
    report.refresh_from_db()
    assert report.late is False


def test_a_closed_period_accepts_reports_but_marks_them_late(period, reporter, coordinator):
    set_period_status(period, "closed", coordinator)
    report = _started(_report(period, "qb-so-du-lich"))
    with time_machine.travel(dt.datetime(2022, 11, 1, tzinfo=TZ), tick=False):
        version = submit_report(report, reporter)
    assert version.late is True


def test_a_moved_due_date_is_audited_and_decides_who_is_late(period, reporter, coordinator):
    moved = set_due_date(period, dt.date(2022, 12, 20), coordinator)
    period.refresh_from_db()
    assert moved.due_date == period.due_date == dt.date(2022, 12, 20)
    entry = AuditEntry.objects.get(
        object_type="reporting.reportingperiod", action="update", actor=coordinator
    )
    assert (entry.before["due_date"], entry.after["due_date"]) == ("2022-12-10", "2022-12-20")
    report = _started(_report(period, "qb-so-du-lich"))
    with time_machine.travel(dt.datetime(2022, 12, 15, 9, tzinfo=TZ), tick=False):
        submit_report(report, reporter)  # after the plan's 10/12, before the new date
    report.refresh_from_db()
    assert report.late is False
    # Early the year after is allowed (a deadline in January).
    assert set_due_date(period, dt.date(2023, 1, 15), coordinator).due_date.year == 2023


@pytest.mark.parametrize("day", [dt.date(2021, 12, 31), dt.date(2024, 1, 5)])
def test_a_due_date_outside_the_year_and_the_next_is_refused(period, coordinator, day):
    with pytest.raises(PeriodError, match="Hạn báo cáo phải trong năm 2022"):
        set_due_date(period, day, coordinator)
    period.refresh_from_db()
    assert period.due_date == dt.date(2022, 12, 10)
    assert not AuditEntry.objects.filter(
        object_type="reporting.reportingperiod", action="update"
    ).exists()


def test_a_locked_period_keeps_its_due_date(period, coordinator):
    set_period_status(period, "locked", coordinator)
    with pytest.raises(PeriodError, match="Kỳ báo cáo đã khóa"):
        set_due_date(period, dt.date(2022, 12, 20), coordinator)
    period.refresh_from_db()
    assert period.due_date == dt.date(2022, 12, 10)


def test_two_people_saving_one_draft_never_overwrite_each_other(period, reporter):
    report = _report(period, "qb-so-du-lich")
    save_draft(report, reporter, {"difficulties": "A"}, revision=1)
    with pytest.raises(StaleRevision):
        save_draft(report, reporter, {"difficulties": "B"}, revision=1)
    report.refresh_from_db()
    assert report.difficulties == "A" and report.revision == 2


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"status": "weird"}, "không hợp lệ"),
        ({"status": "not_done", "reason": ""}, "lý do"),
        ({"spent": -5}, "không thể âm"),
        ({"spent": "1.5"}, "số nguyên"),
        ({"spent": 10**16}, "vượt mọi mức"),
        ({"quantities": [{"value": 3}]}, "tên"),
    ],
)
def test_bad_items_are_refused_and_nothing_saved(period, reporter, item, message):
    report = _report(period, "qb-so-du-lich")
    data = {"difficulties": "changed", "items": {_item_id(report, "V.2"): item}}
    with pytest.raises(ReportError) as err:
        save_draft(report, reporter, data, revision=1)
    assert message in " ".join(err.value.errors)
    report.refresh_from_db()
    assert report.difficulties == "" and report.revision == 1


def test_other_agency_cannot_save_or_submit(period, other_reporter, reporter):
    report = _report(period, "qb-so-du-lich")
    with pytest.raises(PermissionDenied):
        save_draft(report, other_reporter, {"difficulties": "x"}, revision=1)
    with pytest.raises(PermissionDenied):
        submit_report(report, other_reporter)


def test_a_submitted_report_cannot_be_edited(period, reporter):
    report = _started(_report(period, "qb-so-du-lich"))
    submit_report(report, reporter)
    with pytest.raises(PermissionDenied):
        save_draft(report, reporter, {"difficulties": "x"}, revision=report.revision + 1)


def test_item_status_choices_are_the_four_of_the_issue():
    assert set(ItemStatus.values) == {"not_started", "in_progress", "done", "not_done"}
    assert set(ReportState.values) == {"draft", "submitted", "returned", "accepted"}


def test_agencies_not_valid_that_year_get_no_report(plan, coordinator):
    Agency.objects.filter(code="qb-dong-hoi").update(valid_to=dt.date(2025, 6, 30))
    period = open_period(plan, 2026, coordinator)
    assert not period.reports.filter(agency__code="qb-dong-hoi").exists()


def test_the_demo_submits_through_the_service_audited_and_late_by_the_due_date(plan):
    from django.utils import timezone

    from reporting.demo import load_reporting_demo

    load_reporting_demo(plan)
    versions = ReportVersion.objects.filter(report__period__plan=plan).select_related(
        "report__period"
    )
    submissions = AuditEntry.objects.filter(object_type="reporting.agencyreport", note="submit")
    assert submissions.count() == versions.count() > 0
    for version in versions:
        due = version.report.period.due_date
        assert version.late == (timezone.localdate(version.submitted_at) > due)
