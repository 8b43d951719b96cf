"""Kept pages (planwatch.pagecache, decision 90): a main page is given again as it was
rendered until anything is written to the database, and never to someone else.

The tests run in a transaction that never commits, so the commits are played by
pytest-django's ``django_capture_on_commit_callbacks(execute=True)``: the callbacks
the writes scheduled run when the block ends, as they would at a real commit."""

from __future__ import annotations

import io
import re

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Agency
from plans.models import Plan
from planwatch import pagecache
from reporting.models import AgencyReport
from reporting.periods import open_period

CODE = "qb-sxtdbv-2021"


@pytest.fixture
def kept(settings, tmp_path):
    """Kept pages on, in a cache and a generation of this test's own."""
    settings.PAGE_CACHE = True
    settings.VAR_DIR = tmp_path
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"pages-{tmp_path.name}",
        },
    }
    # What an earlier test wrote in its transaction, rolled back, would be bumped with
    # this test's first commit (more than needed, never less): start from nothing.
    connection.planwatch_written = set()


def _nonce(response) -> str:
    found = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert found
    return found.group(1)


def _without_nonce(response) -> bytes:
    return response.content.replace(_nonce(response).encode(), b"NONCE")


def _changed(before: dict[str, str]) -> set[str]:
    after = pagecache.snapshot()
    return {table for table, token in after.items() if before.get(table) != token}


def _autosave(client, report, item, text: str, commits) -> None:
    """The form's autosave of one item's text, committed (``commits``: pytest-django's
    ``django_capture_on_commit_callbacks``)."""
    with commits(execute=True):
        saved = client.post(
            reverse("reporting:draft", args=[report.pk]),
            {"revision": "1", "action": "save", f"item-{item.task_id}-done": text},
            HTTP_ACCEPT="application/json",
        )
    assert saved.status_code == 200, saved.content


def test_a_write_moves_the_generation_at_commit_once(
    kept, plan, django_capture_on_commit_callbacks
):
    before = pagecache.snapshot()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        Agency.objects.filter(code="qb-so-du-lich").update(abbreviation="SDL")
        Agency.objects.filter(code="qb-so-tnmt").update(abbreviation="TNMT")
        assert pagecache.snapshot() == before  # not before the commit
    assert len(callbacks) == 1
    assert _changed(before) == {"agencies_agency"}


def test_a_rolled_back_write_and_a_session_move_nothing(
    kept, plan, coordinator, client, django_capture_on_commit_callbacks
):
    before = pagecache.snapshot()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                Plan.objects.filter(code=CODE).update(title="Đổi rồi hủy")
                raise RuntimeError
        except RuntimeError:
            pass
        client.force_login(coordinator)  # the session table: no page shows it
    assert callbacks == [] and pagecache.snapshot() == before

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Agency.objects.filter(code="qb-so-tnmt").update(abbreviation="TNMT")
    # The table of the write rolled back earlier too: more than needed, never less.
    assert {"agencies_agency", "plans_plan"} <= _changed(before)


def test_a_page_is_given_again_until_the_data_changes(
    kept, plan, coordinator, client, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("plans:overview", args=[CODE])
    first = client.get(url)
    assert first.status_code == 200 and "csrftoken" in client.cookies
    first = client.get(url)  # the first with the browser's CSRF cookie: kept
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url)
    assert again.status_code == 200
    assert len(ctx) <= 2, [q["sql"][:80] for q in ctx.captured_queries]  # the session
    assert _without_nonce(again) == _without_nonce(first)
    assert _nonce(again) != _nonce(first) and _nonce(again).encode() in again.content
    assert _nonce(first).encode() not in again.content

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Plan.objects.filter(code=CODE).update(title="Kế hoạch đã sửa tên")
    changed = client.get(url)
    assert "Kế hoạch đã sửa tên" in changed.content.decode()
    assert "Kế hoạch đã sửa tên" not in first.content.decode()


def test_a_kept_page_is_never_given_to_another_user(
    kept, plan, coordinator, reporter, other_reporter, client
):
    period = open_period(plan, 2022, coordinator)
    report = AgencyReport.objects.get(period=period, agency__code="qb-so-du-lich")
    url = reverse("reporting:report", args=[report.pk])
    client.force_login(reporter)
    for _ in range(3):
        assert client.get(url).status_code == 200
    client.force_login(other_reporter)
    assert client.get(url).status_code in (403, 404)
    overview = reverse("plans:overview", args=[CODE])
    client.force_login(coordinator)
    client.get(overview)
    as_coordinator = client.get(overview).content.decode()
    client.force_login(reporter)
    client.get(overview)
    as_reporter = client.get(overview).content.decode()
    assert coordinator.username in as_coordinator and coordinator.username not in as_reporter


def test_a_page_showing_a_message_is_not_kept(
    kept, plan, coordinator, reporter, client, django_capture_on_commit_callbacks
):
    period = open_period(plan, 2022, coordinator)
    report = AgencyReport.objects.get(period=period, agency__code="qb-so-du-lich")
    url = reverse("reporting:report", args=[report.pk])
    client.force_login(reporter)
    client.get(url)
    client.get(url)  # kept, without a message
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(url, {"revision": "1", "action": "save", "difficulties": "Thiếu người"})
    assert saved.status_code == 302
    assert "Đã lưu bản nháp." in client.get(url).content.decode()
    again = client.get(url).content.decode()
    assert "Đã lưu bản nháp." not in again and "Thiếu người" in again


def test_an_autosave_shows_on_the_next_reading_of_the_form(
    kept, plan, coordinator, reporter, client, django_capture_on_commit_callbacks
):
    period = open_period(plan, 2022, coordinator)
    report = AgencyReport.objects.get(period=period, agency__code="qb-so-du-lich")
    item = report.items.order_by("pk").first()
    url = reverse("reporting:report", args=[report.pk])
    client.force_login(reporter)
    client.get(url)
    client.get(url)
    _autosave(client, report, item, "Đã làm xong", django_capture_on_commit_callbacks)
    page = client.get(url).content.decode()
    assert "Đã làm xong" in page and 'value="2"' in page


def test_clear_pages_forgets_them(kept, plan):
    caches["pages"].set("page:x", {"body": b"", "headers": {}, "tables": {}})
    before = pagecache.snapshot()
    call_command("clear_pages", stdout=io.StringIO())
    after = pagecache.snapshot()
    assert caches["pages"].get("page:x") is None
    assert {"plans_plan", "plans_task"} <= {t for t in after if after[t] != before.get(t)}


def test_turned_off_nothing_is_kept(kept, settings, plan, coordinator, client):
    settings.PAGE_CACHE = False
    client.force_login(coordinator)
    url = reverse("plans:overview", args=[CODE])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert len(ctx) > 2


def test_an_autosave_leaves_the_pages_that_do_not_read_reports_kept(
    kept, plan, coordinator, reporter, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        period = open_period(plan, 2022, coordinator)
        client.force_login(reporter)
    report = AgencyReport.objects.get(period=period, agency__code="qb-so-du-lich")
    item = report.items.order_by("pk").first()
    tasks = reverse("plans:tasks", args=[CODE])
    client.get(tasks)
    client.get(tasks)
    _autosave(client, report, item, "Đã làm xong", django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(tasks).status_code == 200
    assert len(ctx) <= 2, [q["sql"][:80] for q in ctx.captured_queries]


def test_a_removed_generations_folder_is_made_again(kept, tmp_path):
    pagecache.bump(["plans_plan"])
    first = pagecache.tokens(["plans_plan"])
    import shutil

    shutil.rmtree(tmp_path / "cache")
    assert pagecache.tokens(["plans_plan"]) == {"plans_plan": "0"}
    pagecache.bump(["plans_plan"])
    again = pagecache.tokens(["plans_plan"])
    assert (
        again != first
        and (tmp_path / "cache/generations/plans_plan").read_text() == again["plans_plan"]
    )


def test_a_sign_in_leaves_the_pages_kept_and_a_change_of_account_does_not(
    kept, plan, coordinator, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import update_last_login

    before = pagecache.snapshot()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with CaptureQueriesContext(connection) as ctx:
            update_last_login(None, coordinator)  # what every sign-in writes
        assert any('SET "last_login"' in q["sql"] for q in ctx.captured_queries)
    assert "accounts_user" not in _changed(before)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        coordinator.last_name = "Nguyễn"
        coordinator.save(update_fields=["last_name", "last_login"])
    assert "accounts_user" in _changed(before)
