"""The task worker in this process: retries with a growing delay, tasks that give
up, leases (a dead worker's task is settled by another worker, not by a page
visit), the daily schedule, e-mail through the queue. The same worker in real
processes (kill -9, time limits) is in test_worker_processes.py."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from documents import generate
from documents.content import Kind
from documents.models import DocumentJob, JobStatus
from reporting.periods import open_period
from tests import worker_tasks
from worker import schedule
from worker.models import Attempt, Outcome, ScheduledRun, WorkerProcess
from worker.runner import Worker, dead_workers, run_until_empty

NOW = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clear():
    worker_tasks.FAILURES.clear()
    schedule._seen.clear()


def _outcomes(task_id) -> list[str]:
    return list(Attempt.objects.filter(task_id=task_id).values_list("outcome", flat=True))


def test_a_failing_task_is_retried_later_then_gives_up(db, tmp_path):
    with time_machine.travel(NOW, tick=False) as clock:
        result = worker_tasks.flaky.enqueue(str(tmp_path / "runs"), 5)
        assert run_until_empty() == 1
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == "READY" and row.run_after == NOW + dt.timedelta(seconds=60)
        assert run_until_empty() == 0  # not due yet
        clock.shift(61)
        assert run_until_empty() == 1
        row.refresh_from_db()
        assert row.run_after == NOW + dt.timedelta(seconds=61 + 120)  # the delay doubles
        clock.shift(121)
        assert run_until_empty() == 1
    row.refresh_from_db()
    assert row.status == "FAILED" and "run 3 fails" in row.traceback
    assert _outcomes(result.id) == ["error", "error", "error"]
    assert [f.final for f in worker_tasks.FAILURES] == [False, False, True]
    assert [f.attempt for f in worker_tasks.FAILURES] == [1, 2, 3]


def test_a_task_that_fails_once_succeeds_on_its_retry(db, tmp_path):
    with time_machine.travel(NOW, tick=False) as clock:
        result = worker_tasks.flaky.enqueue(str(tmp_path / "runs"), 1)
        run_until_empty()
        clock.shift(60)
        run_until_empty()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL" and row.return_value == 2
    assert _outcomes(result.id) == ["error", "done"]


def test_a_task_that_gives_up_is_not_retried(db):
    result = worker_tasks.refuse.enqueue("Tệp không đọc được.")
    run_until_empty()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED" and _outcomes(result.id) == ["final"]
    assert (
        worker_tasks.FAILURES[0].message == "Tệp không đọc được." and worker_tasks.FAILURES[0].final
    )


@pytest.fixture
def job(plan, coordinator):
    open_period(plan, 2022, coordinator, announce=False)
    return generate.start_job(plan, Kind.ANNUAL, [2022], "xlsx", coordinator)


def _claimed_by_a_worker_that_dies(job, **dead):
    """Worker A registers and claims the job's task, then stops beating."""
    a = Worker(fork=False, worker_id="worker-a")
    a._register()
    row, attempt = a.claim()
    assert str(row.pk) == str(job.task_id)
    WorkerProcess.objects.filter(pk="worker-a").update(**dead)
    return attempt


def test_a_dead_workers_job_is_retried_by_another_worker(job):
    _claimed_by_a_worker_that_dies(
        job, host="elsewhere", last_beat=timezone.now() - dt.timedelta(minutes=5)
    )
    b = Worker(fork=False, worker_id="worker-b")
    b._register()
    assert b.reap(force=True) == 1
    job.refresh_from_db()
    retrying = _("Interrupted (%(reason)s); trying again (attempt %(next)s of %(of)s)") % {
        "reason": Outcome.LOST.label,
        "next": 2,
        "of": 2,
    }
    assert job.status == JobStatus.QUEUED and job.step == retrying
    assert _outcomes(job.task_id) == ["lost"]
    assert WorkerProcess.objects.get(pk="worker-a").stopped_at is not None
    assert run_until_empty() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and _outcomes(job.task_id) == ["lost", "done"]


def test_a_job_whose_last_attempt_is_lost_ends_failed_with_the_reason(job):
    DBTaskResult.objects.filter(pk=job.task_id).update(worker_ids=["x"])
    Attempt.objects.create(
        task_id=job.task_id, number=1, worker_id="x", started_at=timezone.now(), outcome="lost"
    )
    _claimed_by_a_worker_that_dies(
        job, host="elsewhere", last_beat=timezone.now() - dt.timedelta(minutes=5)
    )
    Worker(fork=False, worker_id="worker-b").reap(force=True)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and str(Outcome.LOST.label) in job.error
    assert DBTaskResult.objects.get(pk=job.task_id).status == "FAILED"


def test_a_worker_beating_within_its_lease_is_left_alone(job):
    _claimed_by_a_worker_that_dies(job, host="elsewhere", last_beat=timezone.now())
    assert Worker(fork=False, worker_id="worker-b").reap(force=True) == 0
    assert DocumentJob.objects.get(pk=job.pk).status == JobStatus.QUEUED
    assert _outcomes(job.task_id) == ["running"]


def test_a_gone_process_on_this_host_is_dead_before_its_lease_ends(db):
    import socket

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    pid = int(gone.stdout)
    now = timezone.now()
    WorkerProcess.objects.create(
        worker_id="gone", host=socket.gethostname(), pid=pid, started_at=now, last_beat=now
    )
    assert dead_workers(socket.gethostname()) == {"gone"}


def test_a_worker_that_lost_its_lease_stops(db):
    w = Worker(fork=False, worker_id="stalled")
    w._register()
    WorkerProcess.objects.filter(pk="stalled").update(stopped_at=timezone.now())
    w.beat(force=True)
    assert w.stopping and w.force


def test_the_daily_schedule_enqueues_each_slot_once(db):
    with time_machine.travel(NOW, tick=False):  # 15:00 in Hà Nội
        assert sorted(schedule.enqueue_due()) == ["housekeeping", "reminders"]
        assert schedule.enqueue_due() == []
        schedule._seen.clear()  # another worker process
        assert schedule.enqueue_due() == []
    slots = {r.name: timezone.localtime(r.slot) for r in ScheduledRun.objects.all()}
    assert slots["reminders"].hour == 7 and slots["reminders"].date() == dt.date(2026, 12, 2)
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        assert sorted(schedule.enqueue_due()) == ["housekeeping", "reminders"]
    assert ScheduledRun.objects.count() == 4
    assert run_until_empty() == 4
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 4


def test_the_schedule_before_the_hour_runs_yesterdays_slot(db):
    early = dt.datetime(2026, 12, 2, 6, 30, tzinfo=timezone.get_current_timezone())
    entry = schedule.entries()[0]
    assert timezone.localtime(schedule.latest_slot(entry, early)).date() == dt.date(2026, 12, 1)


def test_mail_is_queued_in_the_transaction_and_delivered_with_retries(db, settings):
    from django.core.mail import send_mail

    settings.EMAIL_BACKEND = "worker.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "tests.worker_tasks.FlakySMTPBackend"
    worker_tasks.FlakySMTPBackend.refused = 0
    with time_machine.travel(NOW, tick=False) as clock:
        send_mail("Nhắc hạn báo cáo", "Nội dung", None, ["a@example.vn"])
        assert mail.outbox == []  # nothing sent inside the request
        run_until_empty()
        assert mail.outbox == []  # the server was down: a retry is queued
        clock.shift(61)
        run_until_empty()
    assert [m.subject for m in mail.outbox] == ["Nhắc hạn báo cáo"]
    assert mail.outbox[0].to == ["a@example.vn"]


def test_a_rolled_back_change_sends_no_mail(db, settings):
    from django.core.mail import send_mail
    from django.db import transaction

    settings.EMAIL_BACKEND = "worker.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("x", "y", None, ["a@example.vn"])
        raise RuntimeError
    assert run_until_empty() == 0 and mail.outbox == []


def test_housekeeping_forgets_old_finished_tasks(db, tmp_path):
    from worker.tasks import housekeeping

    with time_machine.travel(NOW - dt.timedelta(days=40), tick=False):
        worker_tasks.flaky.enqueue(str(tmp_path / "old"), 0)
        run_until_empty()
    worker_tasks.flaky.enqueue(str(tmp_path / "new"), 0)
    run_until_empty()
    done = housekeeping.call("2026-12-02")
    assert DBTaskResult.objects.count() == 1 and done["tasks"] >= 1
