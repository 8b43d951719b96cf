"""Indicators: values checked as DHIS2 checks them, only accepted reports counted,
the dashboard showing every status with its numbers, the API."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from agencies.models import Agency
from indicators.models import Indicator, IndicatorValue, Kind
from indicators.overview import plan_progress
from indicators.progress import Status
from indicators.values import ValueError_, save_value, set_baseline
from reporting.models import AgencyReport
from tests.conftest import ROLES

CODE = "qb-sxtdbv-2021"


def _indicator(plan, milestone, position):
    return Indicator.objects.select_related("target", "plan").get(
        plan=plan, target__milestone=milestone, target__position=position
    )


def test_demo_dashboard_shows_every_status(demo):
    # Over 2024 (the 2025 targets on their way) and 2025 (their milestone: met or not).
    statuses = {row.assessment.status for y in (2024, 2025) for row in plan_progress(demo, y)}
    assert statuses == set(Status)
    rows = {(r.target.milestone, r.target.position): r for r in plan_progress(demo, 2025)}
    assert rows[(2025, 1)].assessment.numbers["reduction"] == 6.5
    assert rows[(2025, 2)].assessment.status == Status.RANGE_MET  # 7 models ≥ 6
    assert rows[(2025, 6)].assessment.status == Status.NOT_ACHIEVED
    assert rows[(2030, 6)].assessment.status == Status.DETERIORATION
    assert rows[(2030, 8)].assessment.status == Status.NOT_ASSESSABLE
    assert plan_progress(demo, 2024)[5].assessment.status == Status.DETERIORATION


@pytest.mark.parametrize("year", [2025, 2026, 2030])
def test_after_2025_no_2025_target_reads_on_track(demo, year):
    rows = [r for r in plan_progress(demo, year) if r.target.milestone == 2025]
    assert len(rows) == 9
    final = {Status.ACHIEVED, Status.RANGE_MET, Status.NOT_ACHIEVED, Status.NOT_ASSESSABLE}
    assert {r.assessment.status for r in rows} <= final
    bags = next(r for r in rows if r.target.position == 7).assessment  # cut 30 %, 29,17 % done
    assert bags.status == Status.NOT_ACHIEVED and bags.numbers["gap"] == pytest.approx(0.8333)
    assert "29,17" in bags.reason and "0,83" in bags.reason


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"value": "130"}, "không thể vượt quá 100"),
        ({"value": "-2"}, "không thể âm"),
        ({"value": "abc"}, "không phải là số"),
    ],
)
def test_share_values_are_checked(demo, kwargs, message):
    indicator = _indicator(demo, 2025, 9)  # a yes-share in %
    indicator.kind = Kind.REPORTED
    with pytest.raises(ValueError_) as err:
        save_value(indicator, 2024, **kwargs)
    assert message in " ".join(err.value.errors)


def test_counts_must_be_whole(demo):
    indicator = _indicator(demo, 2025, 2)
    with pytest.raises(ValueError_, match="số nguyên"):
        save_value(indicator, 2024, value="2,5")
    with pytest.raises(ValueError_, match="âm"):
        save_value(indicator, 2024, value="-2")


def test_a_part_cannot_be_above_its_whole(demo):
    with pytest.raises(ValueError_, match="lớn hơn tổng"):
        save_value(_indicator(demo, 2025, 4), 2024, numerator="21", denominator="20")


def test_comma_decimals_are_read_the_vietnamese_way(demo):
    row = save_value(_indicator(demo, 2025, 1), 2024, value="95,25", category="thép")
    assert row.value == Decimal("95.25")


def test_a_year_outside_the_plan_is_refused(demo):
    with pytest.raises(ValueError_, match="ngoài giai đoạn"):
        save_value(_indicator(demo, 2025, 1), 2031, value="90")


def test_a_big_jump_warns_but_saves(demo):
    from agencies.models import Agency

    sct = Agency.objects.get(code="qb-so-cong-thuong")
    row = save_value(_indicator(demo, 2025, 7), 2026, value="200", agency=sct)
    assert row.pk and "kiểm tra" in row.warning


def test_a_reduction_needs_a_baseline_above_zero(demo):
    indicator = _indicator(demo, 2025, 1)
    with pytest.raises(ValueError_, match="lớn hơn 0"):
        set_baseline(indicator, "2020", "0")
    indicator.refresh_from_db()
    assert indicator.baseline_value == 100


def test_only_accepted_reports_count(demo, coordinator):
    plan = demo
    indicator = _indicator(plan, 2025, 7)
    report = AgencyReport.objects.filter(
        period__plan=plan, period__year=2025, agency__code="qt-so-vhttdl"
    ).first()
    IndicatorValue.objects.filter(indicator=indicator, year=2025).delete()
    save_value(indicator, 2025, value="500", agency=report.agency, report=report)
    rows = {(r.target.milestone, r.target.position): r for r in plan_progress(plan, 2025)}
    assert rows[(2025, 7)].series.get(2025) is None  # the report is a draft
    report.state = "accepted"
    report.save()
    rows = {(r.target.milestone, r.target.position): r for r in plan_progress(plan, 2025)}
    assert rows[(2025, 7)].series[2025] == 500


@pytest.mark.parametrize("role", ROLES)
def test_progress_pages_for_each_role(client, demo, personas, role):
    client.force_login(personas[role])
    assert client.get(reverse("indicators:dashboard", args=[CODE])).status_code == 200
    target = _indicator(demo, 2025, 1).target
    assert client.get(reverse("indicators:target", args=[CODE, target.pk])).status_code == 200
    response = client.post(
        reverse("indicators:target_value", args=[CODE, target.pk]),
        {"year": "2024", "value": "95"},
    )
    assert response.status_code == (302 if role in ("admin", "coordinator") else 403)


def test_dashboard_explains_every_status_by_its_numbers(client, demo, viewer):
    client.force_login(viewer)
    url = reverse("indicators:dashboard", args=[CODE])
    page = "".join(client.get(url, {"year": y}).content.decode() for y in ("2024", "2025"))
    for label in [
        "Không đạt",
        "Đã đạt",
        "Đạt mức cao",
        "Đúng tiến độ",
        "Cần đẩy nhanh",
        "Tiến triển hạn chế",
        "Đi xuống",
        "Chưa đánh giá được",
    ]:
        assert label in page
    assert "R = " not in page and "đạt 79 % nhịp độ cần thiết" in page and "giảm 6,5%" in page


def test_dashboard_query_count_does_not_grow(client, demo, viewer, django_assert_max_num_queries):
    client.force_login(viewer)
    url = reverse("indicators:dashboard", args=[CODE])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url, {"year": "2025"})
    indicator = _indicator(demo, 2025, 7)
    for year in range(2021, 2026):
        for i in range(10):
            IndicatorValue.objects.create(
                indicator=indicator, year=year, category=f"chợ {i}", value=900
            )
    with CaptureQueriesContext(connection) as after:
        client.get(url, {"year": "2025"})
    assert len(after.captured_queries) == len(before.captured_queries) <= 15


def test_target_page_has_chart_data_and_table(client, demo, viewer):
    client.force_login(viewer)
    target = _indicator(demo, 2025, 1).target
    page = client.get(reverse("indicators:target", args=[CODE, target.pk])).content.decode()
    data = json.loads(
        page.split('id="chart-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data["band"]["year"] == 2025 and data["band"]["low"] == 95.0
    assert 2025 in data["years"] and "thép" in data["breakdown"]


def test_csv_download_has_no_formulas(client, demo, viewer):
    import csv
    import io

    target = _indicator(demo, 2025, 1).target
    target.text = '=HYPERLINK("http://x","bấm")'
    target.save()
    client.force_login(viewer)
    body = client.get(reverse("indicators:csv", args=[CODE]), {"year": "2025"}).content.decode()
    assert body.startswith("\ufeffMốc,") and "Đi xuống" in body
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 18
    assert rows[1][1].startswith("'=HYPERLINK")  # text, never a formula
    assert rows[1][-1] == ""  # an empty note stays empty (it was a lone "'")


def test_api_progress_and_values(client, demo, viewer):
    client.force_login(viewer)
    body = client.get(f"/api/v1/plans/{CODE}/progress", {"year": 2025}).json()
    earlier = client.get(f"/api/v1/plans/{CODE}/progress", {"year": 2024}).json()
    seen = {r["status"] for r in body + earlier}
    assert len(body) == 17 and seen == {s.value for s in Status}
    assert "gap" in body[6]["numbers"] and body[6]["status"] == "not_achieved"
    first = body[0]
    assert first["numbers"]["reduction"] == 6.5 and first["indicator"]["unit"] == "điểm"
    assert client.get(f"/api/v1/plans/{CODE}/progress", {"year": 2040}).status_code == 400
    values = client.get(f"/api/v1/indicators/{first['indicator']['id']}/values").json()
    assert values["baseline"] == {"year": 2020, "value": 100.0}
    assert values["series"]["total"]["2025"] == 93.5
    assert client.get("/api/v1/indicators/999999/values").status_code == 404


def _successor_reporter(personas):
    """The Sở Du lịch persona, moved (as a merge moves users) to its 2025 successor."""
    reporter = personas["reporter"]
    reporter.agency = Agency.objects.get(code="qt-so-vhttdl")
    reporter.save()
    return reporter


def test_an_agency_answers_in_its_report_and_it_counts_once_accepted(client, demo, personas):
    reporter, coordinator = _successor_reporter(personas), personas["coordinator"]
    report = AgencyReport.objects.get(period__plan=demo, period__year=2025, agency=reporter.agency)
    question = _indicator(demo, 2025, 9)  # departments using eco-friendly products
    IndicatorValue.objects.filter(indicator=question, year=2025, agency=reporter.agency).delete()
    client.force_login(reporter)
    url = reverse("reporting:report", args=[report.pk])
    assert f'data-indicator="{question.pk}"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "revision": str(report.revision),
            "action": "submit",
            f"indicator-{question.pk}-value": "0",
            f"item-{report.items.first().task_id}-status": "in_progress",
        },
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator=question, year=2025, agency=reporter.agency)
    assert value.value == 0 and value.report == report

    def share():
        rows = {(r.target.milestone, r.target.position): r for r in plan_progress(demo, 2025)}
        return rows[(2025, 9)].series[2025]

    assert share() == 100.0  # the answer is not counted while the report is only submitted
    client.force_login(coordinator)
    client.post(reverse("reporting:accept", args=[report.pk]))
    assert share() < 100.0


def test_a_bad_indicator_value_in_a_report_saves_nothing(client, demo, personas):
    from indicators.models import Indicator as Ind

    reporter = _successor_reporter(personas)
    report = AgencyReport.objects.get(period__plan=demo, period__year=2025, agency=reporter.agency)
    share = Ind.objects.create(
        plan=demo,
        target=_indicator(demo, 2025, 5).target.__class__.objects.get(
            plan=demo, milestone=2030, position=8
        ),
        name="Tỷ lệ thử",
        unit="%",
        kind="reported",
    )
    share.suppliers.add(reporter.agency)
    client.force_login(reporter)
    response = client.post(
        reverse("reporting:report", args=[report.pk]),
        {
            "revision": str(report.revision),
            "action": "save",
            "difficulties": "x",
            f"indicator-{share.pk}-value": "130",
        },
    )
    assert response.status_code == 400 and "vượt quá 100" in response.content.decode()
    report.refresh_from_db()
    assert report.difficulties == "" and not IndicatorValue.objects.filter(indicator=share).exists()


@pytest.mark.parametrize("role", ROLES)
def test_registry_page_and_adding(client, demo, personas, role):
    from indicators.models import RegistryEntry

    client.force_login(personas[role])
    url = reverse("indicators:registry", args=[CODE])
    assert client.get(url).status_code == 200
    before = RegistryEntry.objects.count()
    response = client.post(
        url,
        {
            "category": "event",
            "name": "Hội nghị tập huấn SXSH",
            "year": "2024",
            "locality": "Đồng Hới",
            "agency": personas["coordinator"].agency_id,
        },
    )
    allowed = role in ("admin", "coordinator", "reporter", "other_reporter")
    assert response.status_code == (302 if allowed else 403)
    assert RegistryEntry.objects.count() == before + (1 if allowed else 0)
    if role == "reporter":  # a reporter registers for their own agency only
        assert RegistryEntry.objects.latest("pk").agency == personas["reporter"].agency


def test_registry_entry_needs_a_name_and_a_year_in_the_plan(client, demo, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("indicators:registry", args=[CODE]),
        {"category": "event", "name": " ", "year": "2040", "agency": coordinator.agency_id},
    )
    body = response.content.decode()
    assert response.status_code == 400 and "Năm phải từ 2021 đến 2030" in body


@pytest.mark.parametrize("role", ROLES)
def test_progress_api_for_each_role(client, demo, personas, role):
    client.force_login(personas[role])
    assert client.get(f"/api/v1/plans/{CODE}/progress").status_code == 200
    indicator = _indicator(demo, 2025, 1)
    assert client.get(f"/api/v1/indicators/{indicator.pk}/values").status_code == 200


def test_progress_api_needs_a_login(client, demo):
    assert client.get(f"/api/v1/plans/{CODE}/progress").status_code == 401
    assert client.get("/api/v1/indicators/1/values").status_code == 401


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("sum", 30.0),
        ("mean", 15.0),
        ("weighted_mean", 17.5),
        ("ratio_of_sums", 100 * 6 / 40),
    ],
)
def test_declared_aggregations(how, expected):
    from indicators.series_reference import _aggregate

    rows = [
        IndicatorValue(value=Decimal(10), numerator=Decimal(2), denominator=Decimal(10)),
        IndicatorValue(value=Decimal(20), numerator=Decimal(4), denominator=Decimal(30)),
    ]
    assert _aggregate(rows, how) == pytest.approx(expected)


def test_a_refused_entry_keeps_what_was_typed_with_the_message_beside_its_field(
    client, demo, coordinator
):
    from indicators.models import IndicatorValue

    client.force_login(coordinator)
    indicator = _indicator(demo, 2025, 1)
    url = reverse("indicators:target_value", args=[CODE, indicator.target.pk])
    before = IndicatorValue.objects.count()

    page = client.post(url, {"year": "2024", "value": "abc"})
    html = page.content.decode()
    assert page.status_code == 400
    assert 'name="value" id="id_value" value="abc" aria-invalid="true"' in html.replace(
        ' class="form-control form-control-sm is-invalid"', ""
    )
    assert 'id="error-value"' in html and 'value="2024"' in html  # the year kept too

    page = client.post(url, {"year": "2040", "value": "12,5"})  # refused by the service
    html = page.content.decode()
    assert page.status_code == 400 and 'id="value-errors"' in html and "2021" in html
    assert 'value="2040"' in html and 'value="12,5"' in html
    assert IndicatorValue.objects.count() == before  # nothing saved

    page = client.post(
        reverse("indicators:target_baseline", args=[CODE, indicator.target.pk]),
        {"baseline_year": "x", "baseline_value": "1"},
    )
    html = page.content.decode()
    assert page.status_code == 400 and 'id="error-baseline_year"' in html
    assert 'value="x"' in html


def test_dashboard_of_one_milestone_shows_its_targets_only(client, demo, viewer):
    client.force_login(viewer)
    url = reverse("indicators:dashboard", args=[CODE])
    every = client.get(url, {"year": "2025"}).context
    assert every["milestones"] == [2025, 2030] and every["milestone"] is None
    answer = client.get(url, {"year": "2025", "milestone": "2030"})
    one = answer.context
    assert one["milestone"] == 2030 and one["milestones"] == [2025, 2030]
    assert [r.target.pk for r in one["rows"]] == [
        r.target.pk for r in every["rows"] if r.target.milestone == 2030
    ]
    assert answer.content.decode().count('<div class="col"><a class="card') == len(one["rows"]) > 0
    unknown = client.get(url, {"year": "2025", "milestone": "2027"}).context
    assert unknown["milestone"] is None and len(unknown["rows"]) == len(every["rows"])


def test_target_page_of_no_current_target_of_the_plan_is_not_found(client, demo, viewer):
    from plans.models import Target

    client.force_login(viewer)
    target = _indicator(demo, 2025, 1).target
    assert client.get(reverse("indicators:target", args=[CODE, target.pk])).status_code == 200
    assert client.get(reverse("indicators:target", args=[CODE, 999999])).status_code == 404
    Target.objects.filter(pk=target.pk).update(retired=True)
    assert client.get(reverse("indicators:target", args=[CODE, target.pk])).status_code == 404
