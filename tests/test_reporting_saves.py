"""A save writes only what changed (issue 17): one changed field is one UPDATE of its
item (or value), the revision once and one audit entry with that field's before and
after, in a handful of queries whatever the size of the report; unchanged items and
indicator values are not written at all.

The counts are of the whole request through the test client, in the test's own
transaction: the view's BEGIN and COMMIT become a SAVEPOINT and its RELEASE, so a
count here is the count served on PostgreSQL. One changed item's text: 7 (the session
with its user, BEGIN, the report locked with the item, the item's and the report's
UPDATEs, the audit INSERT, COMMIT); one indicator's value: 8 (the indicator read with
its values instead of the item, the value's UPDATE more) — issue 17's goal is 8."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from indicators.models import Indicator, IndicatorValue, Kind
from indicators.reports import indicators_for
from reporting.models import AgencyReport, ReportItem
from reporting.periods import open_period
from reporting.services import StaleRevision, save_draft
from tests.conftest import make_user

JSON = {"HTTP_ACCEPT": "application/json"}
BASE = "/api/v1/plans/qb-sxtdbv-2021/years/2022/reports"


@pytest.fixture
def report(plan, coordinator, personas):
    period = open_period(plan, 2022, coordinator)
    return AgencyReport.objects.get(period=period, agency__code="qb-so-du-lich")


def _item(report, code="V.2"):
    group, number = code.split(".")
    return report.items.select_related("task__group").get(
        task__group__number=group, task__number=number
    )


def _draft(client, report, data):
    return client.post(reverse("reporting:draft", args=[report.pk]), data, **JSON)


def _writes(ctx) -> list[str]:
    """The statements that wrote, as "UPDATE table" / "INSERT table"."""
    found = []
    for query in ctx.captured_queries:
        words = query["sql"].replace('"', "").split()
        if words[0] in ("UPDATE", "DELETE"):
            found.append(f"{words[0]} {words[1 if words[0] == 'UPDATE' else 2]}")
        elif words[0] == "INSERT":
            found.append(f"INSERT {words[2]}")
    return found


def _draft_entries(report):
    return AuditEntry.objects.filter(
        object_type="reporting.agencyreport", object_id=str(report.pk), note="draft"
    )


def test_one_changed_item_through_the_draft_view(client, report, reporter):
    item = _item(report)
    client.force_login(reporter)
    url = reverse("reporting:draft", args=[report.pk])
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            url, {"revision": "1", "action": "save", f"item-{item.task_id}-done": "Mới"}, **JSON
        )
    assert response.status_code == 200 and response.json()["revision"] == 2
    assert len(ctx) <= 7, [q["sql"][:90] for q in ctx.captured_queries]
    assert _writes(ctx) == [
        "UPDATE reporting_reportitem",
        "UPDATE reporting_agencyreport",
        "INSERT audit_auditentry",
    ]
    entry = _draft_entries(report).get()
    assert entry.before == {"item V.2 done": "", "revision": 1}
    assert entry.after == {"item V.2 done": "Mới", "revision": 2}
    assert entry.changed_fields() == [("item V.2 done", "", "Mới"), ("revision", 1, 2)]


def test_the_audit_page_shows_which_field_of_the_save_changed(client, report, reporter, admin_user):
    item = _item(report)
    client.force_login(reporter)
    data = {"revision": "1", f"item-{item.task_id}-status": "done"}
    assert _draft(client, report, data).status_code == 200
    client.force_login(admin_user)
    page = client.get(reverse("accounts:audit"), {"type": "reporting.agencyreport"})
    text = page.content.decode()
    assert "<code>item V.2 status</code>: not_started → done" in text
    assert "<code>revision</code>: 1 → 2" in text


def test_the_lock_is_on_the_report_row_only(client, report, reporter):
    """Not on its period's nor its agency's row (PostgreSQL locks every joined table
    without OF): the agencies of one period save side by side."""
    item = _item(report)
    client.force_login(reporter)
    url = reverse("reporting:draft", args=[report.pk])
    with CaptureQueriesContext(connection) as ctx:
        client.post(url, {"revision": "1", f"item-{item.task_id}-done": "x"}, **JSON)
    locks = [q["sql"] for q in ctx.captured_queries if "FOR UPDATE" in q["sql"]]
    if connection.features.has_select_for_update:
        assert len(locks) == 1 and locks[0].endswith('FOR UPDATE OF "reporting_agencyreport"')
    else:
        assert locks == []  # SQLite: the IMMEDIATE transaction locks the database


def test_one_changed_item_through_the_api(client, report, reporter):
    client.force_login(reporter)
    task = str(_item(report).task_id)
    body = {"revision": 1, "items": {task: {"done": "45 cơ sở"}}}
    with CaptureQueriesContext(connection) as ctx:
        response = client.put(f"{BASE}/qb-so-du-lich", body, content_type="application/json")
    assert response.status_code == 200
    answer = response.json()
    assert answer["revision"] == 2 and answer["task_ids"]["V.2"] == task
    assert [i["done"] for i in answer["items"] if i["task"] == "V.2"] == ["45 cơ sở"]
    assert len(answer["items"]) == report.items.count()
    # the answer comes from the items read under the lock: no snapshot query after
    assert len(ctx) <= 9, [q["sql"][:90] for q in ctx.captured_queries]
    assert _writes(ctx) == [
        "UPDATE reporting_reportitem",
        "UPDATE reporting_agencyreport",
        "INSERT audit_auditentry",
    ]
    assert _draft_entries(report).count() == 1


def test_a_save_that_changes_nothing_writes_nothing(client, report, reporter):
    item = _item(report)
    client.force_login(reporter)
    url = reverse("reporting:draft", args=[report.pk])
    data = {"revision": "1", f"item-{item.task_id}-done": "", f"item-{item.task_id}-spent": ""}
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data, **JSON)
    assert response.status_code == 200 and response.json()["revision"] == 1
    assert _writes(ctx) == [] and not _draft_entries(report).exists()


# --- indicator values entered with the report ---------------------------------------


@pytest.fixture
def value_report(demo):
    """The demo's 2025 draft of Sở VHTTDL, supplying four more indicators."""
    report = AgencyReport.objects.select_related("period", "agency").get(
        period__plan=demo, period__year=2025, agency__code="qt-so-vhttdl"
    )
    assert report.state == "draft"
    kinds = [Kind.REPORTED, Kind.RATIO, Kind.YES_SHARE]
    for indicator in Indicator.objects.filter(plan=demo, kind__in=kinds).order_by("pk")[:4]:
        indicator.suppliers.add(report.agency)
    return report


def _value_fields(indicator, value, numerator, denominator) -> dict[str, str]:
    if indicator.kind == Kind.RATIO:
        return {"numerator": numerator, "denominator": denominator}
    if indicator.kind == Kind.YES_SHARE:
        return {"value": "1"}
    return {"value": value}


def _reported(report):
    return next(i for i in indicators_for(report) if i.kind == Kind.REPORTED)


def test_one_changed_indicator_value_through_the_draft_view(client, value_report):
    report, indicator = value_report, _reported(value_report)
    IndicatorValue.objects.update_or_create(
        indicator=indicator,
        year=2024,
        category="",
        agency=report.agency,
        defaults={"value": 40},
    )
    client.force_login(make_user("r-vhttdl", "reporter", "qt-so-vhttdl"))
    url = reverse("reporting:draft", args=[report.pk])
    name = f"indicator-{indicator.pk}-value"
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, {"revision": str(report.revision), name: "90"}, **JSON)
    assert response.status_code == 200, response.content
    # session and user, BEGIN, the report locked, the indicator with its value and last
    # year's (one query), the value's UPDATE or INSERT, the report's UPDATE, audit, COMMIT
    assert len(ctx) <= 8, [q["sql"][:90] for q in ctx.captured_queries]
    assert [w for w in _writes(ctx) if "indicatorvalue" in w] in (
        ["UPDATE indicators_indicatorvalue"],
        ["INSERT indicators_indicatorvalue"],
    )
    row = IndicatorValue.objects.get(indicator=indicator, year=2025, agency=report.agency)
    assert row.value == 90 and row.report_id == report.pk
    assert "+125%" in row.warning  # from last year's 40, looked up with the value itself
    entry = _draft_entries(report).get()
    assert entry.after[f"indicator {indicator.pk} value"] == "90"
    assert not AuditEntry.objects.filter(object_type="indicators.indicatorvalue").exists()


def test_a_first_value_through_the_draft_view(client, value_report):
    """An indicator with no value yet, this year or the last: read on its own (one
    query more), its value inserted, its rules and their messages unchanged."""
    report, indicator = value_report, _reported(value_report)
    IndicatorValue.objects.filter(indicator=indicator, agency=report.agency).delete()
    client.force_login(make_user("r-vhttdl", "reporter", "qt-so-vhttdl"))
    url = reverse("reporting:draft", args=[report.pk])
    name = f"indicator-{indicator.pk}-value"
    refused = client.post(url, {"revision": str(report.revision), name: "-1"}, **JSON)
    assert refused.status_code == 400
    assert "âm" in " ".join(refused.json()["errors"]["__all__"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, {"revision": str(report.revision), name: "7"}, **JSON)
    assert response.status_code == 200, response.content
    assert len(ctx) <= 9, [q["sql"][:90] for q in ctx.captured_queries]
    assert [w for w in _writes(ctx) if "indicatorvalue" in w] == [
        "INSERT indicators_indicatorvalue"
    ]
    row = IndicatorValue.objects.get(indicator=indicator, year=2025, agency=report.agency)
    assert row.value == 7 and row.report_id == report.pk and row.warning == ""


def test_an_indicator_the_agency_does_not_supply_is_not_saved(client, value_report):
    report = value_report
    other = (
        Indicator.objects.filter(plan=report.period.plan, kind=Kind.REPORTED)
        .exclude(suppliers=report.agency)
        .first()
    )
    assert other is not None
    client.force_login(make_user("r-vhttdl", "reporter", "qt-so-vhttdl"))
    url = reverse("reporting:draft", args=[report.pk])
    data = {"revision": str(report.revision), f"indicator-{other.pk}-value": "5"}
    response = client.post(url, data, **JSON)
    assert response.status_code == 200 and response.json()["revision"] == report.revision
    assert not IndicatorValue.objects.filter(
        indicator=other, year=2025, agency=report.agency, report=report
    ).exists()


def test_a_full_form_writes_only_the_changed_item_and_value(client, value_report):
    """The whole form sent (no JavaScript, or "save"): every item and indicator posted
    as it stands but one field of each kind changed."""
    report = value_report
    user = make_user("r-vhttdl", "reporter", "qt-so-vhttdl")
    client.force_login(user)
    indicators = indicators_for(report)
    items = list(ReportItem.objects.filter(report=report).select_related("task__group"))
    first = {i.pk: _value_fields(i, "10", "3", "4") for i in indicators}
    page = reverse("reporting:report", args=[report.pk])

    def form(revision, done, value):
        data = {"revision": str(revision), "action": "save", "difficulties": report.difficulties}
        data["proposals"] = report.proposals
        for item in items:
            for name in ("status", "reason", "done", "results", "spent"):
                data[f"item-{item.task_id}-{name}"] = str(getattr(item, name) or "")
        data[f"item-{items[0].task_id}-done"] = done
        for indicator in indicators:
            for name, text in first[indicator.pk].items():
                data[f"indicator-{indicator.pk}-{name}"] = text
        data[f"indicator-{_reported(report).pk}-value"] = value
        return data

    assert client.post(page, form(report.revision, "một", "10")).status_code == 302
    report.refresh_from_db()
    values_before = {
        v.pk: (v.value, v.numerator, v.denominator, v.warning)
        for v in IndicatorValue.objects.filter(report=report)
    }
    assert len(values_before) == len(indicators) >= 4
    entries = _draft_entries(report).count()
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(page, form(report.revision, "hai", "11"))
    assert response.status_code == 302
    assert sorted(_writes(ctx)) == [
        "INSERT audit_auditentry",
        "UPDATE indicators_indicatorvalue",
        "UPDATE reporting_agencyreport",
        "UPDATE reporting_reportitem",
    ]
    assert _draft_entries(report).count() == entries + 1
    entry = _draft_entries(report).first()
    code = items[0].task.code
    assert entry.changed_fields() == [
        (f"indicator {_reported(report).pk} value", "10", "11"),
        (f"item {code} done", "một", "hai"),
        ("revision", report.revision, report.revision + 1),
    ]


def test_a_bad_value_keeps_the_item_of_the_same_save_unsaved(client, value_report):
    report, indicator = value_report, _reported(value_report)
    client.force_login(make_user("r-vhttdl", "reporter", "qt-so-vhttdl"))
    item = report.items.first()
    data = {
        "revision": str(report.revision),
        f"item-{item.task_id}-done": "đổi",
        f"indicator-{indicator.pk}-value": "-3",
    }
    response = client.post(reverse("reporting:draft", args=[report.pk]), data, **JSON)
    assert response.status_code == 400 and "âm" in " ".join(response.json()["errors"]["__all__"])
    item.refresh_from_db()
    assert item.done != "đổi" and not _draft_entries(report).exists()


# --- two saves at once (PostgreSQL: the row lock) -------------------------------------


def _in_thread(target):
    """Run ``target`` on its own connection; its exception, if any, in ``result``."""
    result: dict = {}

    def run():
        try:
            result["value"] = target()
        except Exception as exc:  # handed to the test
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


@pytest.mark.skipif("not connection.features.has_select_for_update")
def test_two_saves_at_once_one_waits_and_is_refused_another_agency_does_not_wait(
    transactional_db, plan, coordinator, reporter, other_reporter
):
    period = open_period(plan, 2022, coordinator)
    mine = AgencyReport.objects.get(period=period, agency__code="qb-so-du-lich")
    theirs = AgencyReport.objects.get(period=period, agency__code="qb-so-tnmt")
    holding, release = threading.Event(), threading.Event()

    def hold(report):  # the first save keeps its lock until told
        holding.set()
        release.wait(60)
        return {}

    first, first_result = _in_thread(
        lambda: save_draft(mine, reporter, {"difficulties": "A"}, 1, also=hold)
    )
    assert holding.wait(60)
    second, second_result = _in_thread(lambda: save_draft(mine, reporter, {"difficulties": "B"}, 1))
    other, other_result = _in_thread(
        lambda: save_draft(theirs, other_reporter, {"difficulties": "C"}, 1)
    )
    other.join(60)  # not held by the lock on another report of the same period
    assert not other.is_alive() and "error" not in other_result
    assert second.is_alive()  # waiting for the first save's lock
    release.set()
    first.join(60)
    second.join(60)
    assert "error" not in first_result
    assert isinstance(second_result.get("error"), StaleRevision)
    mine.refresh_from_db()
    assert (mine.difficulties, mine.revision) == ("A", 2)


def test_a_reports_indicators_are_read_with_their_targets_and_the_reports_plan(value_report):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report = value_report
    plan = report.period.plan
    with CaptureQueriesContext(connection) as ctx:
        indicators = indicators_for(report)
        assert [i.target.code for i in indicators]  # read with them
    assert len(ctx) == 1 and '"plans_plan"."title"' not in ctx.captured_queries[0]["sql"]
    assert indicators and all(i.plan is plan for i in indicators)
    assert [i.pk for i in indicators_for(report, {indicators[-1].pk})] == [indicators[-1].pk]
