"""planwatch.fastsql: statements compiled once give what the ORM gives (decision 95)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, connections
from django.db.models import signals
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from planwatch import fastsql
from reporting.models import AgencyReport, ReportItem

ITEMS = fastsql.Read(
    lambda report, tasks: (
        ReportItem.objects.select_related("report__period__plan", "report__agency", "task__group")
        .filter(report_id=report, task_id__in=tasks)
        .order_by("task_id")
    )
)


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _reports_with_items(count: int) -> list[AgencyReport]:
    reports = list(AgencyReport.objects.filter(items__isnull=False).distinct().order_by("pk"))
    assert len(reports) >= count
    return reports[:count]


def test_a_read_gives_the_orm_objects_with_their_related_ones(demo_reports):
    for report in _reports_with_items(3):  # the SQL kept from the first, values changed
        tasks = sorted(report.items.values_list("task_id", flat=True))[:2]
        got = ITEMS(report=report.pk, tasks=tasks)
        want = list(
            ReportItem.objects.select_related("report__period__plan", "report__agency")
            .select_related("task__group")
            .filter(report_id=report.pk, task_id__in=tasks)
            .order_by("task_id")
        )
        assert [_fields(i) for i in got] == [_fields(i) for i in want] and len(got) == 2
        for mine, theirs in zip(got, want, strict=True):
            assert _fields(mine.report) == _fields(theirs.report)
            assert _fields(mine.report.period.plan) == _fields(theirs.report.period.plan)
            assert _fields(mine.report.agency) == _fields(theirs.report.agency)
            assert _fields(mine.task.group) == _fields(theirs.task.group)
            assert not mine._state.adding and mine._state.db == "default"


def test_each_shape_is_compiled_once_and_a_long_list_goes_through_the_orm(demo_reports):
    report = _reports_with_items(1)[0]
    tasks = sorted(report.items.values_list("task_id", flat=True))
    kept = connections["default"].__dict__.setdefault("planwatch_fastsql", {})
    kept.clear()
    assert len(ITEMS(report=report.pk, tasks=tasks[:1])) == 1
    assert len(ITEMS(report=report.pk, tasks=tasks[1:2])) == 1
    assert len(kept) == 1  # one shape: one task
    assert len(ITEMS(report=report.pk, tasks=tasks[:3])) == 3
    assert len(kept) == 2
    many = tasks[: fastsql.MAX_LIST + 1]
    assert len(many) == fastsql.MAX_LIST + 1
    assert [i.pk for i in ITEMS(report=report.pk, tasks=many)] == sorted(
        report.items.filter(task_id__in=many).values_list("pk", flat=True),
        key=lambda pk: ReportItem.objects.get(pk=pk).task_id,
    )
    assert len(kept) == 2
    assert ITEMS(report=-1, tasks=tasks[:1]) == []


def test_strings_and_arguments_used_twice(demo_reports):
    report = _reports_with_items(1)[0]
    twice = fastsql.Read(
        lambda agency, code: (
            AgencyReport.objects.filter(agency_id=agency, agency__pk=agency)
            .filter(agency__code=code)
            .order_by("pk")
        )
    )
    got = twice(agency=report.agency_id, code=report.agency.code)
    assert [r.pk for r in got] == list(
        AgencyReport.objects.filter(agency_id=report.agency_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert twice(agency=report.agency_id, code="no such code") == []


def test_an_argument_the_sql_does_not_carry_is_refused(db):
    unused = fastsql.Read(lambda report: AgencyReport.objects.all())
    with pytest.raises(ValueError, match="not among the parameters"):
        unused(report=1)


def test_the_statements_pass_through_the_connection_wrappers(demo_reports):
    report = _reports_with_items(1)[0]
    task = report.items.values_list("task_id", flat=True).first()
    with CaptureQueriesContext(connection) as ctx:
        ITEMS(report=report.pk, tasks=[task])
    assert len(ctx.captured_queries) == 1 and "reporting_reportitem" in ctx[0]["sql"]


@pytest.mark.skipif(
    not connection.features.has_select_for_update, reason="SQLite does not lock rows"
)
def test_a_locking_read_outside_a_transaction_is_refused(demo_reports, monkeypatch):
    locked = fastsql.Read(
        lambda report: AgencyReport.objects.select_for_update().filter(pk=report).order_by()
    )
    report = _reports_with_items(1)[0]
    assert [r.pk for r in locked(report=report.pk)] == [report.pk]  # the test's transaction
    monkeypatch.setattr(connection, "get_autocommit", lambda: True)
    with pytest.raises(TransactionManagementError):
        locked(report=report.pk)


def test_update_writes_only_the_named_columns(demo_reports):
    item = ReportItem.objects.filter(done__gt="").order_by("pk").first()
    assert item is not None
    stale = ReportItem.objects.get(pk=item.pk)
    ReportItem.objects.filter(pk=item.pk).update(reason="someone else's")
    stale.done, stale.spent, stale.quantities = (
        "new text",
        12_500_000,
        [{"unit": "km", "value": "3"}],
    )
    with CaptureQueriesContext(connection) as ctx:
        fastsql.update(stale, ["done", "spent", "quantities"])
    assert len(ctx.captured_queries) == 1
    fresh = ReportItem.objects.get(pk=item.pk)
    assert (fresh.done, fresh.spent, fresh.quantities) == (
        "new text",
        12_500_000,
        [{"unit": "km", "value": "3"}],
    )
    assert fresh.reason == "someone else's"  # not named: not written


def test_update_sets_auto_now_and_foreign_keys_and_refuses_a_missing_row(demo_reports):
    report = _reports_with_items(1)[0]
    before = report.updated_at
    report.revision += 1
    fastsql.update(report, ["revision", "updated_at", "updated_by"])
    fresh = AgencyReport.objects.get(pk=report.pk)
    assert fresh.revision == report.revision and fresh.updated_at == report.updated_at
    assert report.updated_at != before  # auto_now set it, as save() does
    gone = AgencyReport.objects.get(pk=report.pk)
    gone.pk = -5
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        fastsql.update(gone, ["revision"])


def test_insert_gives_the_row_its_id_and_its_defaults(demo_reports):
    entry = AuditEntry(
        action="event", object_type="x.y", before={"a": [1, "ă"]}, after=None, note="n"
    )
    fastsql.insert(entry)
    assert entry.pk is not None and not entry._state.adding
    fresh = AuditEntry.objects.get(pk=entry.pk)
    assert _fields(fresh) == _fields(entry)
    assert fresh.at is not None and fresh.before == {"a": [1, "ă"]}
    second = fastsql.insert(AuditEntry(action="event", object_type="x.y"))
    assert second.pk > entry.pk


def test_a_model_with_receivers_is_saved_by_its_save(demo_reports):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(kwargs.get("update_fields"))

    signals.pre_save.connect(receiver, sender=ReportItem)
    try:
        item = ReportItem.objects.order_by("pk").first()
        assert item is not None
        item.done = "through save()"
        fastsql.update(item, ["done"])
        fastsql.save(item)
    finally:
        signals.pre_save.disconnect(receiver, sender=ReportItem)
    assert seen == [frozenset({"done"}), None]
    assert ReportItem.objects.get(pk=item.pk).done == "through save()"


SPENT_ITEMS = fastsql.Count(
    lambda report: ReportItem.objects.filter(report_id=report, spent__isnull=False)
)


def test_a_count_gives_the_orms_count_compiled_once(demo_reports):
    kept = connections["default"].__dict__.setdefault("planwatch_fastsql", {})
    kept.clear()
    for report in [*_reports_with_items(3), None]:
        pk = report.pk if report else 0
        want = ReportItem.objects.filter(report_id=pk, spent__isnull=False).count()
        assert SPENT_ITEMS(report=pk) == want
    assert len(kept) == 1
    with pytest.raises(ValueError, match="plain"):
        fastsql.Count(lambda report: AgencyReport.objects.filter(pk=report)[:1])(report=1)
