"""Tasks used by the worker's tests (importable by a worker subprocess too)."""

from __future__ import annotations

import smtplib
import time
from pathlib import Path

from django.core.mail.backends.locmem import EmailBackend

from worker.registry import Failure, GiveUp, background

FAILURES: list[Failure] = []


def remember(failure: Failure) -> None:
    FAILURES.append(failure)


@background(time_limit=30, attempts=3, retry_delay=60, on_failure=remember)
def flaky(counter: str, fail_times: int) -> int:
    """Fails its first ``fail_times`` runs (counted in a file: runs may be processes)."""
    path = Path(counter)
    runs = int(path.read_text()) + 1 if path.exists() else 1
    path.write_text(str(runs))
    if runs <= fail_times:
        raise RuntimeError(f"run {runs} fails")
    return runs


@background(time_limit=30, attempts=3, on_failure=remember)
def refuse(reason: str) -> None:
    raise GiveUp(reason)


@background(time_limit=2, attempts=2, on_failure=remember)
def sleepy(seconds: float, marker: str = "") -> str:
    """Sleeps past its 2-second limit when asked; touches ``marker`` if it ever ends."""
    time.sleep(seconds)
    if marker:
        Path(marker).write_text("finished")
    return "slept"


@background(time_limit=120, attempts=2, on_failure=remember)
def patient(seconds: float, release: str = "") -> str:
    """Runs long enough to be caught running on a busy machine: ``seconds``, or until
    the file ``release`` exists."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and not (release and Path(release).exists()):
        time.sleep(0.1)
    return "slept"


class FlakySMTPBackend(EmailBackend):
    """Refuses the first message it is given (an SMTP server that is down)."""

    refused = 0

    def send_messages(self, messages):
        if FlakySMTPBackend.refused == 0:
            FlakySMTPBackend.refused += 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
