"""What a test finds in the database before it starts: its *data state*.

A state is nothing (``db``), the seed registry (``registry``), the seed plan
(``plan``), the plan after the 2025 restructuring (``restructured``), the demo
reporting years (``demo_reports``), those and the demo indicators
(``demo_progress``), or everything ``load_demo`` loads (``full_demo``). A test asks
for one through the fixture of the same name (tests/conftest.py).

Each state is built at most once per test session and pytest-xdist worker, and
committed; every test then runs inside a transaction that pytest-django rolls back
at its end. ``Database`` remembers what is committed and moves to what the next test
asks for: on top of what is there when it can (``plan`` on ``registry``), else
after a flush. ``order`` sorts the tests by state, so that each worker builds each
state once. tests/README.md says more.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from plans.format import SEED_PLAN
from tests.snapshot import Snapshot

SEED_CODE = json.loads(SEED_PLAN.read_text(encoding="utf-8"))["code"]
COMMUNES = Path(__file__).resolve().parent.parent / "agencies/data/quang-tri-2025-cap-xa.csv"

# The settings every test runs under (tests/conftest.py: _fast_hashing), so that what a
# state builds (demo passwords, e-mails) is what a test of its own would have built.
BUILD_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


@dataclasses.dataclass(frozen=True, eq=False)
class State:
    name: str  # the fixture that asks for it
    build: Callable[[], object]  # what it adds to its parent's data
    parent: State | None = None
    covers: tuple[State, ...] = ()  # states whose data it holds without being built on them

    @property
    def chain(self) -> list[State]:
        """The states it is built on, root first, and itself."""
        return ([*self.parent.chain] if self.parent else []) + [self]

    def holds(self, other: State) -> bool:
        return other in self.chain or any(c.holds(other) for c in self.covers)


def seed_plan():
    from plans.models import Plan

    return Plan.objects.get(code=SEED_CODE)


def _registry() -> None:
    from agencies.registry import load_registry

    load_registry()


def _plan() -> None:
    from plans.saving import load_plan_file

    load_plan_file(SEED_PLAN)


def _restructured() -> None:
    from agencies.importing import import_agencies, read_rows
    from reporting.restructuring import load_succession

    load_succession()
    import_agencies(read_rows(COMMUNES.read_bytes(), "cap-xa.csv"))


def _demo_reports() -> None:
    from reporting.demo import load_reporting_demo

    load_reporting_demo(seed_plan())


def _demo_progress() -> None:
    from indicators.demo import load_indicator_demo

    load_indicator_demo(seed_plan())


def _full_demo() -> None:
    call_command("load_demo", verbosity=0)


EMPTY = State("db", lambda: None)
REGISTRY = State("registry", _registry, EMPTY)
PLAN = State("plan", _plan, REGISTRY)
DEMO_REPORTS = State("demo_reports", _demo_reports, PLAN)
DEMO_PROGRESS = State("demo_progress", _demo_progress, DEMO_REPORTS)
RESTRUCTURED = State("restructured", _restructured, PLAN)
# load_demo starts from an empty database, as `make run` does; it loads the registry
# and the plan itself.
FULL_DEMO = State("full_demo", _full_demo, EMPTY, covers=(PLAN,))

# In the order the tests run: each worker builds on what is there where it can.
ORDER = [EMPTY, REGISTRY, PLAN, DEMO_REPORTS, DEMO_PROGRESS, RESTRUCTURED, FULL_DEMO]
BY_NAME = {s.name: s for s in ORDER if s is not EMPTY}


class StateConflict(Exception):
    pass


def required(fixturenames: Iterable[str]) -> State:
    """The state a test needs, from the fixtures it uses (directly or not)."""
    asked = [BY_NAME[n] for n in fixturenames if n in BY_NAME]
    found = [s for s in asked if all(s.holds(o) for o in asked)]
    if asked and not found:
        raise StateConflict(
            "these data states exclude each other: " + ", ".join(s.name for s in asked)
        )
    return found[0] if found else EMPTY


def order(fixturenames: Iterable[str]) -> int:
    return ORDER.index(required(fixturenames))


class Database:
    """What is committed in this worker's test database."""

    def __init__(self) -> None:
        self.state: State | None = None  # unknown until the first flush
        self.snapshots: dict[State, Snapshot] = {}

    def ensure(self, target: State, transactional: bool = False) -> None:
        """Commits ``target``. For a transactional test (flushed at its end) the state
        is kept as a snapshot the first time, and restored from it after."""
        if self.state is target:
            pass
        elif target in self.snapshots:
            self.state = None
            self.snapshots[target].restore()
            self.state = target
        else:
            self._build(target)
        if transactional and target is not EMPTY and target not in self.snapshots:
            self.snapshots[target] = Snapshot(target.name)
        mail.outbox = []

    def _build(self, target: State) -> None:
        if self.state is not None and self.state in target.chain:
            todo = target.chain[target.chain.index(self.state) + 1 :]
        else:
            self.flush()
            todo = target.chain[1:]
        with override_settings(**BUILD_SETTINGS):
            for step in todo:
                self.state = None  # a build that fails leaves an unknown database
                with transaction.atomic():
                    step.build()
                self.state = step

    def flush(self) -> None:
        # As TransactionTestCase does after each test: every table emptied, then the
        # content types and permissions made again by post_migrate.
        call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
        self.state = EMPTY

    def forget(self) -> None:
        """After a transactional test: its end flushed (or it committed anything)."""
        self.state = None
