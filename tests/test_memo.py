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
from django.urls import reverse

from agencies.models import Agency
from plans.models import Assignment, Task
from plans.queries import agency_choices, parse_filter, table_answers, table_tasks
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


def test_the_agency_filter_is_kept_until_an_agency_is_written(transactional_db, plan, generations):
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


def _codes(plan, **params) -> list[str]:
    return [t.code for t in table_tasks(plan, parse_filter(plan, params))]


def test_the_task_list_is_kept_until_a_task_is_written(transactional_db, plan, generations):
    every = _codes(plan)
    with CaptureQueriesContext(connection) as queries:
        assert _codes(plan) == every
    assert len(queries) == 0  # kept (no filter: parse_filter reads nothing)
    task = Task.objects.current().get(plan=plan, group__number="I", number="1")
    with transaction.atomic():
        task.retired = True
        task.save(update_fields=["retired"])
    assert _codes(plan) == [c for c in every if c != "I.1"]


def test_each_filter_has_its_own_list(transactional_db, plan, generations):
    every = _codes(plan)
    mine = _codes(plan, agency="qb-so-du-lich", role="lead")
    assert mine and set(mine) < set(every)
    assert _codes(plan, agency="qb-so-du-lich", role="lead") == mine
    assert _codes(plan, year="2021") != _codes(plan, year="2030")
    with transaction.atomic():
        Assignment.objects.filter(task__plan=plan, agency__code="qb-so-du-lich").delete()
    assert _codes(plan, agency="qb-so-du-lich", role="lead") == []


def test_the_page_as_of_a_day_leaves_the_kept_tasks_as_they_were(
    transactional_db, plan, generations, client, coordinator
):
    """The answers of a day are the request's, not written on the shared tasks."""
    client.force_login(coordinator)
    url = reverse("plans:tasks", args=[plan.code])
    for day in ("2024-06-01", "2026-12-01"):
        page = client.get(url, {"as_of": day})
        assert page.status_code == 200 and b"answer-lead" in page.content
    with CaptureQueriesContext(connection) as queries:
        tasks = table_tasks(plan, parse_filter(plan, {}))
    assert len(queries) == 0  # the page's list, kept
    assert tasks and not any(hasattr(t, "answer") for t in tasks)


def test_the_words_a_search_finds_are_kept_until_an_agency_is_renamed(
    transactional_db, plan, generations
):
    found = _codes(plan, q="so du lich")
    assert found
    with CaptureQueriesContext(connection) as queries:
        assert _codes(plan, q="so du lich") == found
    assert len(queries) == 2  # the tasks and their references; the words kept
    assert _codes(plan, q="so du lich moi") == []
    Agency.objects.filter(code="qb-so-du-lich").update(
        name="Sở Du lịch mới", search_key="so du lich moi"
    )
    assert _codes(plan, q="so du lich moi") == found


def test_the_answers_of_a_day_are_kept_until_an_assignment_is_written(
    transactional_db, plan, generations
):
    tasks = table_tasks(plan, parse_filter(plan, {}))
    answers = table_answers(plan, tasks, DAY)
    with CaptureQueriesContext(connection) as queries:
        assert table_answers(plan, tasks, DAY) is answers
    assert len(queries) == 0
    assert table_answers(plan, tasks[:3], DAY) is not answers  # other tasks, other answers
    first = tasks[0]
    lead = Assignment.objects.filter(task=first, role="lead").first()
    assert lead is not None
    with transaction.atomic():
        Assignment.objects.filter(pk=lead.pk).update(wording="Chủ trì mới")
    again = table_answers(plan, tasks, DAY)
    assert again is not answers
    assert "Chủ trì mới" in [r.wording for r in again[first.pk].lead_refs]
