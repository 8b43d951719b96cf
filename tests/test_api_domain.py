"""The domain functions the API routes call, tested without HTTP: tokens, finding an
agency by id or code, a plan's tasks on a day, importing an upload, the progress year,
the indicator values a user may read, a report as data; and the API's input types."""

import datetime as dt
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from accounts import tokens
from accounts.models import ApiToken
from agencies.registry import find_agency
from api.errors import validation_fields
from api.fields import Code, Money, Text, Year
from indicators.models import Indicator, IndicatorValue, Kind
from indicators.reading import YearOutsidePlan, progress_year, read_indicator
from plans.answering import plan_tasks_on
from plans.importer import DocumentError
from plans.importer.document import MAX_BYTES
from plans.importing import check_upload_size, import_upload
from plans.models import Plan, Target
from reporting.models import AgencyReport, ReportState
from reporting.periods import open_period
from reporting.reading import report_data
from tests.conftest import PASSWORD

SEED_TXT = Path(__file__).resolve().parent.parent / "plans/data/ke-hoach-sxtdbv-quang-binh-2021.txt"


def test_a_token_for_good_credentials_finds_its_user_until_deactivated(rf, reporter):
    assert tokens.issue_for_credentials(rf.post("/"), reporter.username, "wrong") is None
    issued = tokens.issue_for_credentials(rf.post("/"), reporter.username, PASSWORD)
    assert issued["expires_in_days"] >= 1 and tokens.user_for_token(issued["token"]) == reporter
    assert ApiToken.objects.get(user=reporter).last_used_at is not None
    assert tokens.user_for_token("x" * 500) is None and tokens.user_for_token("") is None
    reporter.is_active = False
    reporter.save()
    assert tokens.user_for_token(issued["token"]) is None


def test_an_agency_is_found_by_id_or_code_and_huge_ids_find_nothing(registry):
    agency = find_agency("qb-so-du-lich")
    assert agency.name == "Sở Du lịch"
    assert find_agency(str(agency.pk)) == agency
    assert find_agency("9" * 30) is None and find_agency("0") is None
    assert find_agency("٣") is None  # a digit, but not an ASCII one


def test_a_plans_tasks_on_a_day_follow_the_succession(plan):
    answers = plan_tasks_on(plan, dt.date(2024, 12, 10))
    assert len(answers) == 26 and answers[0].task.code == "I.1"
    assert all(a.references for a in answers)


def test_an_upload_is_refused_by_size_before_it_is_read():
    check_upload_size(MAX_BYTES)
    with pytest.raises(DocumentError, match="MB"):
        check_upload_size(MAX_BYTES + 1)


def test_importing_an_upload_saves_only_when_asked(registry, coordinator):
    data = SEED_TXT.read_bytes()
    body = import_upload(data, "kh.txt", coordinator, save=False)
    assert body["code"] == "qb-sxtdbv-2021" and "saved" not in body and not Plan.objects.exists()
    body = import_upload(data, "kh.txt", coordinator, save=True)
    assert body["saved"]["version"] == 1 and Plan.objects.filter(code="qb-sxtdbv-2021").exists()
    with pytest.raises(DocumentError):
        import_upload(b"nope", "x.docx", coordinator, save=True)


def test_the_progress_year_defaults_to_last_year_within_the_plan(plan):
    assert progress_year(plan, 2022) == 2022
    assert plan.period_start <= progress_year(plan) <= plan.period_end
    with pytest.raises(YearOutsidePlan) as caught:
        progress_year(plan, 2040)
    assert set(caught.value.fields) == {"year"}


def test_a_reporter_reads_other_agencies_values_only_once_accepted(plan, personas):
    period = open_period(plan, 2022, personas["coordinator"], announce=False)
    target = Target.objects.filter(plan=plan).first()
    indicator = Indicator.objects.create(
        plan=plan, target=target, name="x", unit="mô hình", kind=Kind.REPORTED
    )
    own = period.reports.get(agency__code="qb-so-du-lich")
    other = period.reports.get(agency__code="qb-so-tnmt")
    for report in (own, other):
        IndicatorValue.objects.create(
            indicator=indicator, year=2022, agency=report.agency, value=2, report=report
        )
    agencies = {v.agency for v in read_indicator(personas["reporter"], indicator).values}
    assert agencies == {"qb-so-du-lich"}
    AgencyReport.objects.filter(pk=other.pk).update(state=ReportState.ACCEPTED)
    reading = read_indicator(personas["reporter"], indicator)
    assert {v.agency for v in reading.values} == {"qb-so-du-lich", "qb-so-tnmt"}
    assert {v.agency: v.counts for v in reading.values} == {
        "qb-so-du-lich": False,
        "qb-so-tnmt": True,
    }
    assert reading.series == {"total": {2022: 2.0}}  # only the accepted value counts
    assert len(read_indicator(personas["viewer"], indicator).values) == 2


def test_a_report_as_data_maps_task_codes_to_the_ids_a_draft_uses(plan, personas):
    period = open_period(plan, 2022, personas["coordinator"], announce=False)
    report = period.reports.select_related("agency", "period").get(agency__code="qb-so-du-lich")
    data = report_data(report)
    assert data["agency_code"] == "qb-so-du-lich" and data["state"] == "draft"
    assert [i["task"] for i in data["items"]] == list(data["task_ids"])
    assert report.items.get(task_id=int(data["task_ids"]["V.2"])).task.code == "V.2"


# --- the input types --------------------------------------------------------------


@pytest.mark.parametrize("bad", ["a\x00b", "\x07", "\ud800", "x" * 11])
def test_text_refuses_controls_surrogates_and_overlong(bad):
    with pytest.raises(ValidationError):
        TypeAdapter(Text(10)).validate_python(bad)


def test_text_keeps_tabs_and_newlines_and_is_nfc():
    assert TypeAdapter(Text(10)).validate_python("a\tb\r\n") == "a\tb\r\n"
    assert TypeAdapter(Text(10)).validate_python("Ho\u0300a") == "Hòa"


@pytest.mark.parametrize(
    "kind, bad",
    [(Money, -1), (Money, 10**16), (Money, 1.5), (Year, 10**20), (Code, "a/b"), (Code, "x" * 81)],
)
def test_numbers_and_codes_stay_within_what_the_database_holds(kind, bad):
    with pytest.raises(ValidationError):
        TypeAdapter(kind).validate_python(bad)


def test_validation_errors_become_field_messages(settings):
    errors = [
        {"type": "missing", "loc": ("body", "body", "revision")},
        {"type": "string_too_long", "loc": ("query", "q"), "ctx": {"max_length": 5}},
        {"type": "something_new", "loc": ("path", "code")},
    ]
    assert validation_fields(errors) == {
        "revision": "Trường này là bắt buộc.",
        "q": "Tối đa 5 ký tự.",
        "code": "Giá trị không hợp lệ.",
    }
