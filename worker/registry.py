"""Declaring background tasks: a django-tasks ``Task`` (the API of Django 6's
``django.tasks``, so task code moves unchanged when we reach Django 6) plus the
policy the worker applies to it: a time limit, how many attempts, the delay
between them, and the hooks that tell the domain record (a document job, a
plan import) that an attempt failed or that the task gave up.

This module is imported by task modules at start-up: it stays light."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django_tasks import task as _task


class GiveUp(Exception):
    """Raised by a task when retrying cannot help (the input is wrong); its message
    is meant for the user and ends the task at once."""


@dataclass(frozen=True)
class Failure:
    """What a failure hook is told."""

    task_id: str
    args: list
    kwargs: dict
    outcome: str  # worker.models.Outcome
    message: str
    attempt: int
    attempts: int  # the policy's maximum
    final: bool  # no attempt follows


Hook = Callable[[Failure], None]


@dataclass(frozen=True)
class Policy:
    time_limit: int = 300  # seconds of one attempt; the process is killed past it
    attempts: int = 3
    retry_delay: int = 30  # seconds before the second attempt, doubled after each
    retry_on_timeout: bool = False  # a job that ran out of time usually will again
    on_failure: Hook | None = None

    def delay(self, failed_attempts: int) -> int:
        return self.retry_delay * 2 ** max(0, failed_attempts - 1)


DEFAULT_POLICY = Policy()
POLICIES: dict[str, Policy] = {}


def background(
    *,
    time_limit: int,
    attempts: int,
    retry_delay: int = 30,
    retry_on_timeout: bool = False,
    on_failure: Hook | None = None,
    queue: str = "default",
    priority: int = 0,
):
    """Decorate a module-level function as a background task with its policy.
    ``task.enqueue(*args)`` queues it (arguments must be JSON); the worker runs it."""
    if time_limit < 1 or attempts < 1:
        raise ValueError("time_limit and attempts must be positive")

    def wrap(func):
        declared = _task(queue_name=queue, priority=priority)(func)
        POLICIES[declared.module_path] = Policy(
            time_limit=time_limit,
            attempts=attempts,
            retry_delay=retry_delay,
            retry_on_timeout=retry_on_timeout,
            on_failure=on_failure,
        )
        return declared

    return wrap


def policy_for(task_path: str) -> Policy:
    return POLICIES.get(task_path, DEFAULT_POLICY)
