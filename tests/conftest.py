"""Shared fixtures: the seed registry and plan, and one persona per role
(as healthchecks' BaseTestCase does)."""

from __future__ import annotations

import pytest

from accounts.models import User, UserRole
from agencies.models import Agency
from agencies.registry import load_registry
from plans.format import SEED_PLAN
from plans.models import Plan
from plans.saving import load_plan_file

PASSWORD = "correct horse battery staple"

# The personas, one per role (two reporters: Sở Du lịch's and another agency's); every
# test of "each role" runs over these. A new role adds its persona here and below.
ROLES = ["admin", "coordinator", "reporter", "other_reporter", "finance", "viewer"]


@pytest.fixture(autouse=True)
def _fast_hashing(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads of a test stay in the test


@pytest.fixture
def registry(db):
    load_registry()


@pytest.fixture
def plan(registry) -> Plan:
    plan, _changed = load_plan_file(SEED_PLAN)
    return plan


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
def personas(admin_user, coordinator, reporter, other_reporter, finance, viewer):
    return {
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
