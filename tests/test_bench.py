"""The benchmark tools of bench/ at a tiny size (one province, this year, three
communes): the dataset generator makes consistent data with the project's own
functions, and the deadline rush reads the report form as the browser's autosave
sends it. No duration is asserted (bench/README.md holds the figures)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import dataset
from bench.rush import read_form


@pytest.fixture
def tiny(db):
    return dataset.generate(provinces=1, scale=0.1, years=range(2026, 2027), quiet=True)


def test_the_generator_builds_consistent_reports_values_and_funding(tiny):
    from budget.models import BudgetLine
    from indicators.models import IndicatorValue
    from reporting.models import AgencyReport, ReportItem, ReportState, ReportVersion

    assert tiny["provinces"] == 1 and tiny["reports"] > 0
    states = set(AgencyReport.objects.values_list("state", flat=True))
    assert {"draft", "submitted", "accepted"} <= states <= set(ReportState.values)
    # Every report sent has its versions; a draft has none; an item per task and role.
    for report in AgencyReport.objects.all():
        versions = ReportVersion.objects.filter(report=report).count()
        if report.state == ReportState.DRAFT:
            assert versions == 0
        else:
            assert versions >= 1 and report.submitted_at is not None
        assert report.items.exists()
    assert ReportItem.objects.count() == tiny["items"]
    # Values belong to their report's agency and year.
    value = IndicatorValue.objects.select_related("report__period").first()
    assert value.agency_id == value.report.agency_id and value.year == value.report.period.year
    assert BudgetLine.objects.filter(budget__year=2026).count() == tiny["budget lines"] > 0
    assert dataset.built(1) and not dataset.built(2)


@override_settings(BENCH_VIEWS=True)
def test_the_rush_reads_the_form_as_autosave_sends_it(tiny, client):
    from accounts.models import User
    from reporting.models import AgencyReport, ReportState

    report = AgencyReport.objects.filter(period__year=2026, state=ReportState.DRAFT).first()
    reporter = User.objects.get(username=f"bench-reporter-{report.agency.code}")
    client.force_login(reporter)
    page = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    values, units, _kinds = read_form(page)
    assert values["revision"] == str(report.revision)
    item = report.items.first()
    assert units[f"item-{item.task_id}-done"] == [f"item-{item.task_id}-done"]
    name = f"item-{item.task_id}-done"
    response = client.post(
        reverse("reporting:draft", args=[report.pk]),
        {"revision": values["revision"], "action": "save", name: "Đã làm."},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200 and response.json()["ok"]
    item.refresh_from_db()
    assert item.done == "Đã làm."
    assert client.get(reverse("bench_trivial")).status_code == 200


def test_the_trivial_view_is_off_unless_benchmarking(client, db):
    from accounts.models import User

    client.force_login(User.objects.create_user("someone", role="viewer"))
    assert client.get(reverse("bench_trivial")).status_code == 404
