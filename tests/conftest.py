"""Shared fixtures: the data states (tests/states.py, tests/README.md), and one persona
per role (as healthchecks' BaseTestCase does)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import TransactionTestCase
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts.models import User, UserRole
from agencies.models import Agency
from plans.models import Plan
from tests import states

PASSWORD = "correct horse battery staple"
DATABASE = states.Database()  # what this worker's test database holds

# No wall-clock limits in tests (speed lives in bench/): Hypothesis's per-example
# deadline and its too-slow health check fail on a busy machine, not on a bug.
hypothesis_settings.register_profile(
    "planwatch", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("planwatch")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Tests sorted by data state (stable, so file order stays within a state).
    pytest-django's own sort runs after this one and keeps its order first: tests in
    a rolled-back transaction, then transactional ones, then those without a
    database."""
    for item in items:
        _check_data_state_use(item)
    items.sort(key=lambda item: states.order(getattr(item, "fixturenames", ())))


class SlowFirst:
    """After every sort (the one above and pytest-django's), the ``slow`` tests first:
    they use no database, so the data states' order is kept. The workers take the
    next test as they are free (``--dist loadgroup``), so the long ones start early
    and both workers finish together, instead of one waiting for a restore that was
    handed out last."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_configure(config):
    config.pluginmanager.register(SlowFirst(), "planwatch-slow-first")


def _check_data_state_use(item) -> None:
    where = item.nodeid
    if item.get_closest_marker("django_db") or (
        getattr(item, "cls", None) and issubclass(item.cls, TransactionTestCase)
    ):
        raise pytest.UsageError(
            f"{where}: ask for the database through a fixture (db, transactional_db, "
            "registry, plan, ...), not the django_db marker or a Django TestCase, so "
            "that the data state is right (tests/README.md)."
        )
    try:
        states.required(getattr(item, "fixturenames", ()))
    except states.StateConflict as exc:
        raise pytest.UsageError(f"{where}: {exc}") from None
    # A data state's fixture must be the one below: a test file that redefines one
    # would get the state and its own loading on top of it.
    defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    for name in states.BY_NAME:
        fixturedefs = defs.get(name)
        if fixturedefs and fixturedefs[-1].func.__module__ != __name__:
            raise pytest.UsageError(
                f"{where}: the fixture {name!r} is a data state of tests/conftest.py; "
                "give a test file's own fixture another name."
            )


@pytest.fixture
def _data_state(request, django_db_setup, django_db_blocker):
    """Commits the state the test needs before pytest-django opens the test's
    transaction (``db`` asks for this fixture first)."""
    target = states.required(request.fixturenames)
    transactional = any(
        name in request.fixturenames
        for name in ("transactional_db", "live_server", "django_db_reset_sequences")
    )
    with django_db_blocker.unblock():
        if connection.in_atomic_block:
            raise pytest.UsageError("The data state is built outside the test's transaction.")
        DATABASE.ensure(target, transactional)
    yield target
    if transactional:
        # pytest-django flushed the database after the test (TransactionTestCase).
        DATABASE.forget()


@pytest.fixture
def db(_data_state, db):
    """pytest-django's ``db`` (a transaction rolled back after the test) on top of the
    test's data state; alone, an empty database."""


@pytest.fixture
def transactional_db(_data_state, transactional_db):
    """pytest-django's ``transactional_db`` (real commits, the database flushed after
    the test) starting from the test's data state; alone, an empty database."""


@pytest.fixture
def django_db_reset_sequences(_data_state, django_db_reset_sequences):
    pass


@pytest.fixture
def django_db_serialized_rollback(_data_state, django_db_serialized_rollback):
    pass


# The personas, one per role (two reporters: Sở Du lịch's and another agency's); every
# test of "each role" runs over these. A new role adds its persona here and below.
ROLES = ["admin", "coordinator", "reporter", "other_reporter", "finance", "viewer", "signer"]


@pytest.fixture(autouse=True)
def _fast_hashing(settings, tmp_path):
    # tests/states.py builds the shared states under the same settings (BUILD_SETTINGS).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads of a test stay in the test
    # Kept pages (planwatch.pagecache) need real commits to move their generation: a
    # test's transaction never commits, so only tests/test_pagecache.py turns them on.
    settings.PAGE_CACHE = False


# --- data states (tests/states.py): each fixture only names its state ---------------


@pytest.fixture
def registry(db):
    """The seed registry of agencies (Quảng Bình, 2021)."""


@pytest.fixture
def plan(registry) -> Plan:
    """The registry and the seed plan (800/QĐ-UBND)."""
    return states.seed_plan()


@pytest.fixture
def restructured(plan) -> Plan:
    """The seed plan after the bundled 2025 restructuring, with the commune-level units
    of the new Quảng Trị."""
    return plan


@pytest.fixture
def demo_reports(plan) -> Plan:
    """The seed plan with the demo reporting years 2021–2025 (reporting/demo.py)."""
    return plan


@pytest.fixture
def demo_progress(demo_reports) -> Plan:
    """The demo reporting years and the demo indicators and registries."""
    return demo_reports


@pytest.fixture
def full_demo(db) -> Plan:
    """Everything ``load_demo`` loads (demo accounts, restructuring, communes, reports,
    indicators, funding), into an empty database as `make run` does."""
    return states.seed_plan()


@pytest.fixture
def demo(full_demo) -> Plan:
    return full_demo


# --- personas ------------------------------------------------------------------------


def make_user(username: str, role: str, agency_code: str | None = None, **extra) -> User:
    agency = Agency.objects.get(code=agency_code) if agency_code else None
    user = User(
        username=username, role=role, agency=agency, email=f"{username}@example.vn", **extra
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def admin_user(registry):
    return make_user("admin", UserRole.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def coordinator(registry):
    return make_user("coordinator", UserRole.COORDINATOR, "qb-so-cong-thuong")


@pytest.fixture
def reporter(registry):
    """A reporter of Sở Du lịch."""
    return make_user("reporter-dulich", UserRole.REPORTER, "qb-so-du-lich")


@pytest.fixture
def other_reporter(registry):
    """A reporter of another agency (Sở Tài nguyên và Môi trường)."""
    return make_user("reporter-tnmt", UserRole.REPORTER, "qb-so-tnmt")


@pytest.fixture
def finance(registry):
    return make_user("finance", UserRole.FINANCE, "qb-so-tai-chinh")


@pytest.fixture
def viewer(registry):
    return make_user("viewer", UserRole.VIEWER, "qb-ubnd-tinh")


@pytest.fixture
def signer(registry):
    """A leader of Sở Công Thương: a viewer's account granted the signer's capability."""
    return make_user(
        "leader",
        UserRole.VIEWER,
        "qb-so-cong-thuong",
        first_name="Văn An",
        last_name="Nguyễn",
        extra_capabilities=["sign_documents"],
    )


@pytest.fixture
def personas(admin_user, coordinator, reporter, other_reporter, finance, viewer, signer):
    return {
        "signer": signer,
        "admin": admin_user,
        "coordinator": coordinator,
        "reporter": reporter,
        "other_reporter": other_reporter,
        "finance": finance,
        "viewer": viewer,
    }


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def pytest_sessionfinish(session, exitstatus):
    """No warm LibreOffice (documents.office) left running after the tests: each
    xdist worker, and the controller, stops the ones of its installation."""
    from documents import pdf

    pdf.stop_warm()
