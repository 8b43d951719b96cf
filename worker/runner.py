"""The task worker (``manage.py worker``): it claims queued tasks from
django-tasks' database table, runs each attempt in a child process with a hard
time limit, retries failures after a growing delay, keeps a heartbeat (its lease)
and settles the tasks of workers that stopped beating, and enqueues the scheduled
work when its hour comes.

Why a child process per attempt: a killed child frees its memory (charts and PDF
pull in ~90 MB), a template that loops forever is stopped by SIGKILL where no
exception would reach it, and a crash of the task leaves the worker running. The
parent stays small and only talks to the database."""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import time

from django.conf import settings
from django.db import OperationalError, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskContext, TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from planwatch.logs import bind_task
from worker import schedule
from worker.models import Attempt, Outcome, WorkerProcess
from worker.process import die_with_parent
from worker.registry import Failure, GiveUp, Policy, policy_for

log = logging.getLogger("planwatch.worker")
EXIT_CODES: dict[str, int] = {Outcome.DONE: 0, Outcome.ERROR: 1, Outcome.FINAL: 3}


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WORKER_LEASE_SECONDS)


# One attempt -------------------------------------------------------------------


def _record(attempt: Attempt, outcome: str, message: str) -> str:
    Attempt.objects.filter(pk=attempt.pk).update(
        outcome=outcome, message=message[:20000], finished_at=timezone.now()
    )
    return outcome


def execute(row: DBTaskResult, attempt: Attempt) -> str:
    """Run the task of ``row`` once and record the outcome of ``attempt``."""
    import traceback

    try:
        task = row.task
        args, kwargs = row.args_kwargs["args"], row.args_kwargs["kwargs"]
        if task.takes_context:
            value = task.call(TaskContext(task_result=row.task_result), *args, **kwargs)
        else:
            value = task.call(*args, **kwargs)
        row.set_successful(value)
    except GiveUp as exc:
        return _record(attempt, Outcome.FINAL, str(exc))
    except Exception:
        log.exception("task %s (%s) attempt %s failed", row.pk, row.task_path, attempt.number)
        return _record(attempt, Outcome.ERROR, traceback.format_exc())
    return _record(attempt, Outcome.DONE, "")


def policy_of(task_path: str) -> Policy:
    """The policy of a task, its module imported (which registers it)."""
    try:
        import_string(task_path)
    except ImportError:
        log.error("task %s cannot be imported", task_path)
    return policy_for(task_path)


def _decide(row: DBTaskResult, attempt: Attempt) -> Failure | None:
    """After a failed attempt: put the task back (later) or end it as failed."""
    policy = policy_of(row.task_path)
    now = timezone.now()
    if attempt.outcome == Outcome.STOPPED:
        DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.READY, run_after=now)
        return None
    used = row.attempts.exclude(outcome=Outcome.STOPPED).count()
    retry = (
        attempt.outcome != Outcome.FINAL
        and used < policy.attempts
        and (attempt.outcome != Outcome.TIMEOUT or policy.retry_on_timeout)
    )
    if retry:
        # A lost worker says nothing about the task: try again at once.
        delay = 0 if attempt.outcome == Outcome.LOST else policy.delay(used)
        later = now + dt.timedelta(seconds=delay)
        DBTaskResult.objects.filter(pk=row.pk).update(
            status=TaskResultStatus.READY, run_after=later
        )
    else:
        DBTaskResult.objects.filter(pk=row.pk).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=f"worker.{attempt.outcome}",
            traceback=attempt.message,
        )
    args_kwargs = row.args_kwargs
    return Failure(
        task_id=str(row.pk),
        args=args_kwargs["args"],
        kwargs=args_kwargs["kwargs"],
        outcome=attempt.outcome,
        message=attempt.message,
        attempt=used,
        attempts=policy.attempts,
        final=not retry,
    )


def settle(row_pk, attempt_pk: int, outcome_if_running: str = "", message: str = "") -> None:
    """End an attempt: ``outcome_if_running`` is what happened when the attempt
    could not say so itself (timeout, crash, lost worker). Safe to call twice."""
    with transaction.atomic():
        if outcome_if_running:
            Attempt.objects.filter(pk=attempt_pk, outcome=Outcome.RUNNING).update(
                outcome=outcome_if_running, message=message, finished_at=timezone.now()
            )
        row = DBTaskResult.objects.select_for_update().filter(pk=row_pk).first()
        attempt = Attempt.objects.get(pk=attempt_pk)
        if row is None or row.status != TaskResultStatus.RUNNING:
            if attempt.outcome == Outcome.RUNNING:  # the task ended but not its record
                _record(attempt, Outcome.DONE, "")
            return
        if attempt.outcome in (Outcome.DONE, Outcome.RUNNING):
            return
        failure = _decide(row, attempt)
    if failure is not None:
        _tell(row_pk, failure)


def _tell(row_pk, failure: Failure) -> None:
    hook = policy_of(DBTaskResult.objects.get(pk=row_pk).task_path).on_failure
    if hook is None:
        return
    try:
        hook(failure)
    except Exception:  # a hook must not stop the worker
        log.exception("failure hook of task %s failed", row_pk)


# The worker ------------------------------------------------------------------------


class Worker:
    """One worker process. ``fork=False`` runs attempts in this process (tests, and
    the live-server thread of the browser tests): same bookkeeping, no hard limit."""

    def __init__(
        self,
        *,
        queues: tuple[str, ...] = ("default",),
        interval: float = 1.0,
        fork: bool = True,
        until_empty: bool = False,
        max_tasks: int | None = None,
        scheduled: bool = True,
        worker_id: str = "",
    ):
        self.queues = queues
        self.interval = interval
        self.fork = fork
        self.until_empty = until_empty
        self.max_tasks = max_tasks
        self.scheduled = scheduled
        self.host = socket.gethostname()[:255]
        self.worker_id = (worker_id or f"{self.host[:40]}-{os.getpid()}-{get_random_string(8)}")[
            :64
        ]
        self.stopping = False
        self.force = False
        self.tasks_run = 0
        self._last_beat = 0.0
        self._last_reap = 0.0
        self._task = None

    # lifecycle
    def handle_signals(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum, _frame) -> None:
        if self.stopping:
            self.force = True
        self.stopping = True
        log.warning("worker %s: %s, stopping", self.worker_id, signal.Signals(signum).name)

    def run(self) -> int:
        """Work until stopped (or until the queue is empty); returns tasks run."""
        self._register()
        try:
            while not self.stopping:
                self.beat()
                self.reap()
                if self.scheduled:
                    schedule.enqueue_due()
                claimed = self.claim()
                if claimed is None:
                    if self.until_empty:
                        break
                    self._sleep(self.interval)
                    continue
                self.run_one(*claimed)
                if self.max_tasks is not None and self.tasks_run >= self.max_tasks:
                    break
        finally:
            WorkerProcess.objects.filter(pk=self.worker_id).update(
                stopped_at=timezone.now(), task_id=None
            )
        return self.tasks_run

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < end:
            time.sleep(min(0.2, seconds))

    def _register(self) -> None:
        now = timezone.now()
        WorkerProcess.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"host": self.host, "pid": os.getpid(), "started_at": now, "last_beat": now},
        )
        log.info("worker %s started (queues %s)", self.worker_id, ",".join(self.queues))

    def beat(self, force: bool = False) -> None:
        """Renew the lease every WORKER_HEARTBEAT_SECONDS."""
        if not force and time.monotonic() - self._last_beat < settings.WORKER_HEARTBEAT_SECONDS:
            return
        self._last_beat = time.monotonic()
        renewed = WorkerProcess.objects.filter(pk=self.worker_id, stopped_at__isnull=True).update(
            last_beat=timezone.now(), task_id=self._task
        )
        if not renewed:
            # Another worker found this one dead (it stalled past its lease) and has
            # settled its task: stop rather than finish a task now run elsewhere.
            log.error("worker %s lost its lease; stopping", self.worker_id)
            self.stopping = self.force = True

    # claiming and running
    def claim(self) -> tuple[DBTaskResult, Attempt] | None:
        tasks = DBTaskResult.objects.ready().filter(queue_name__in=self.queues)
        try:
            with exclusive_transaction(tasks.db):
                row = tasks.get_locked()
                if row is None:
                    return None
                row.claim(self.worker_id)
                attempt = Attempt.objects.create(
                    task=row,
                    number=row.attempts.count() + 1,
                    worker_id=self.worker_id,
                    started_at=row.started_at,
                )
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None
            raise
        return row, attempt

    def run_one(self, row: DBTaskResult, attempt: Attempt) -> None:
        self._task = row.pk
        bind_task(row.pk)
        self.beat(force=True)
        log.info("task %s (%s) attempt %s", row.pk, row.task_path, attempt.number)
        if self.fork:
            self._run_forked(row, attempt)
        else:
            execute(row, attempt)
            settle(row.pk, attempt.pk, Outcome.CRASHED, "no outcome recorded")
        self.tasks_run += 1
        self._task = None
        bind_task("")
        self.beat(force=True)

    def _run_forked(self, row: DBTaskResult, attempt: Attempt) -> None:
        parent = os.getpid()
        connections.close_all()  # the child opens its own
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, measured by its effects
            code = 2
            try:
                os.setpgid(0, 0)  # its own group: LibreOffice & co. die with it
                die_with_parent()
                if os.getppid() != parent:
                    os._exit(2)
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                code = EXIT_CODES.get(execute(row, attempt), 1)
                connections.close_all()
            finally:
                os._exit(code)
        outcome, message = self._watch(pid, policy_of(row.task_path).time_limit)
        settle(row.pk, attempt.pk, outcome, message)

    def _watch(self, pid: int, time_limit: int) -> tuple[str, str]:
        """Wait for the child, beating; kill it past the time limit or on a stop."""
        deadline = time.monotonic() + time_limit
        stop_by = None
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                if os.WIFSIGNALED(status):
                    return Outcome.CRASHED, "killed by signal %s" % os.WTERMSIG(status)
                return Outcome.CRASHED, "exited with status %s" % os.waitstatus_to_exitcode(status)
            now = time.monotonic()
            if now >= deadline:
                self._kill(pid)
                return Outcome.TIMEOUT, "time limit of %s s exceeded" % time_limit
            if self.stopping:
                stop_by = stop_by or now + settings.WORKER_STOP_GRACE_SECONDS
                if self.force or now >= stop_by:
                    self._kill(pid)
                    return Outcome.STOPPED, "stopped by a shutdown"
            self.beat()
            time.sleep(0.1)

    @staticmethod
    def _kill(pid: int) -> None:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.waitpid(pid, 0)

    # other workers
    def reap(self, force: bool = False) -> int:
        """Settle the attempts of workers that stopped beating (or whose process is
        gone, on this host); returns how many."""
        if not force and time.monotonic() - self._last_reap < settings.WORKER_HEARTBEAT_SECONDS:
            return 0
        self._last_reap = time.monotonic()
        dead = dead_workers(self.host, exclude=self.worker_id)
        running = Attempt.objects.filter(outcome=Outcome.RUNNING).exclude(worker_id=self.worker_id)
        known = set(WorkerProcess.objects.values_list("worker_id", flat=True))
        lost = [a for a in running if a.worker_id in dead or a.worker_id not in known]
        for attempt in lost:
            log.error("task %s: worker %s lost mid-attempt", attempt.task_id, attempt.worker_id)
            settle(attempt.task_id, attempt.pk, Outcome.LOST, "worker %s lost" % attempt.worker_id)
        if dead:
            WorkerProcess.objects.filter(pk__in=dead, stopped_at__isnull=True).update(
                stopped_at=timezone.now()
            )
        return len(lost)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_workers(host: str, exclude: str = "") -> set[str]:
    """Workers not stopped cleanly whose lease ran out, or whose process on this
    host is gone (no need to wait for the lease then)."""
    stale_before = timezone.now() - lease()
    dead = set()
    for worker_id, worker_host, pid, last_beat in WorkerProcess.objects.filter(
        stopped_at__isnull=True
    ).values_list("worker_id", "host", "pid", "last_beat"):
        if worker_id == exclude:
            continue
        same_host = worker_host == host
        if last_beat < stale_before or (
            same_host and (pid == os.getpid() or not _process_alive(pid))
        ):
            dead.add(worker_id)
    return dead


def run_until_empty(queues: tuple[str, ...] = ("default",)) -> int:
    """Run every queued task that is due, in this process, and return how many
    (tests and the management command's ``--until-empty --in-process``)."""
    return Worker(queues=queues, fork=False, until_empty=True, scheduled=False).run()
