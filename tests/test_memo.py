"""Results kept in the process until a table they read is written (planwatch.memo):
the task table's agency filter ("who answers today") is given again without a query
while nothing it read changed, and computed again after a write, committed.

Outside a transaction (``transactional_db``: real commits, as a page is served), since
inside one nothing is kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency
from plans.models import Assignment
from plans.queries import agency_choices
from planwatch import memo

DAY = dt.date(2026, 12, 1)


@pytest.fixture
def generations(settings, tmp_path):
    """Generations of this test's own, nothing kept from another test."""
    settings.VAR_DIR = tmp_path
    connection.planwatch_written = set()
    memo.forget()
    yield
    memo.forget()


def _labels(plan) -> dict[str, str]:
    issued, today = agency_choices(plan, DAY)
    return {c.agency.code: c.label for c in [*issued, *today]}


def _queries(plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        agency_choices(plan, DAY)
    return len(queries)


def test_the_agency_filter_is_kept_until_an_agency_is_written(
    transactional_db, plan, generations
):
    first = _labels(plan)
    assert _queries(plan) == 0  # kept
    assert _labels(plan) == first
    Agency.objects.filter(code="qb-so-du-lich").update(name="Sở Du lịch mới")
    assert _queries(plan) > 0  # the write moved the agencies' generation
    assert _labels(plan)["qb-so-du-lich"] == "Sở Du lịch mới"
    assert _queries(plan) == 0


def _issued(plan) -> set[str]:
    return {c.agency.code for c in agency_choices(plan, DAY)[0]}


def test_a_write_of_assignments_is_seen_at_its_commit(transactional_db, plan, generations):
    assert "qb-so-du-lich" in _issued(plan)
    with transaction.atomic():
        Assignment.objects.filter(task__plan=plan, agency__code="qb-so-du-lich").delete()
        assert "qb-so-du-lich" not in _issued(plan)  # not kept inside: computed
    assert "qb-so-du-lich" not in _issued(plan)


def test_the_plan_handed_in_counts_as_read(transactional_db, plan, generations):
    _labels(plan)
    plan.title = plan.title + "."
    plan.save(update_fields=["title"])
    assert _queries(plan) > 0


def test_nothing_is_kept_inside_a_transaction(transactional_db, plan, generations):
    with transaction.atomic():
        first = _queries(plan)
        assert first > 0 and _queries(plan) > 0


def test_a_kept_result_counts_its_tables_for_the_page_around_it(
    transactional_db, plan, generations
):
    """A kept page (pagecache.cached_page) that used a kept result without a query must
    still be stale after a write of the agencies."""
    computed: set[str] = set()
    connection.planwatch_reading = computed
    try:
        _labels(plan)
        given: set[str] = set()
        connection.planwatch_reading = given
        assert _queries(plan) == 0
    finally:
        connection.planwatch_reading = None
    assert {"agencies_agency", "plans_assignment", "plans_plan"} <= computed
    assert given == computed


def test_the_oldest_key_goes_first(transactional_db, generations, monkeypatch):
    monkeypatch.setattr(memo, "MAX_ENTRIES", 2)
    calls: list[int] = []

    def compute(n: int):
        calls.append(n)
        return n

    for n in (1, 2, 1, 3, 1, 2):
        assert memo.remembered(("t", n), lambda n=n: compute(n)) == n
    assert calls == [1, 2, 3, 2]  # 2 was the least recently used when 3 came
