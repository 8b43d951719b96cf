"""Demo accounts, one per role. They are marked ``is_demo`` and never created in a
database that holds real accounts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import User, UserRole
from agencies.models import Agency
from audit.log import record, snapshot

DEMO_PASSWORD = "demo-planwatch"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    agency_code: str | None
    first_name: str
    last_name: str


DEMO_ACCOUNTS = [
    DemoAccount("demo-admin", UserRole.ADMIN, None, "Quản trị", "Hệ thống"),
    DemoAccount("demo-coordinator", UserRole.COORDINATOR, "qb-so-cong-thuong", "Lan", "Nguyễn Thị"),
    DemoAccount("demo-reporter-dulich", UserRole.REPORTER, "qb-so-du-lich", "Minh", "Trần Văn"),
    DemoAccount("demo-reporter-tnmt", UserRole.REPORTER, "qb-so-tnmt", "Hà", "Lê Thu"),
    DemoAccount("demo-reporter-donghoi", UserRole.REPORTER, "qb-dong-hoi", "Hùng", "Phạm Quốc"),
    DemoAccount("demo-finance", UserRole.FINANCE, "qb-so-tai-chinh", "Mai", "Hoàng Thị"),
    DemoAccount("demo-viewer", UserRole.VIEWER, "qb-ubnd-tinh", "Bình", "Võ Thanh"),
]
# Reporters of some of the communes and wards formed on 1/7/2025 (Nghị quyết
# 1680/NQ-UBTVQH15); created once the commune-level units are loaded. The other
# communes have no account yet, as in the province today.
DEMO_COMMUNE_ACCOUNTS = [
    DemoAccount("demo-reporter-badon", UserRole.REPORTER, "qt-phuong-ba-don", "Thảo", "Đinh Thị"),
    DemoAccount("demo-reporter-phongnha", UserRole.REPORTER, "qt-xa-phong-nha", "Sơn", "Cao Xuân"),
    DemoAccount("demo-reporter-lethuy", UserRole.REPORTER, "qt-xa-le-thuy", "Nga", "Dương Thị"),
]


class RealDatabaseError(RuntimeError):
    """Raised when demo data would mix into a database with real accounts."""


def has_real_accounts() -> bool:
    return User.objects.filter(is_demo=False).exists()


@transaction.atomic
def create_demo_accounts(specs: list[DemoAccount] = DEMO_ACCOUNTS) -> list[DemoAccount]:
    """Create (or reset) the demo accounts; refuse on a real database."""
    if has_real_accounts():
        raise RealDatabaseError
    agencies = {a.code: a for a in Agency.objects.all()}
    for spec in specs:
        existing = User.objects.filter(username=spec.username).first()
        created = existing is None
        user = User(username=spec.username) if existing is None else existing
        user.role = spec.role
        if created or user.agency_id is None:
            # Once created, an account's agency follows reorganisations (it moved
            # with its agency in 2025); a reload does not put it back.
            user.agency = agencies.get(spec.agency_code) if spec.agency_code else None
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.email = f"{spec.username}@demo.invalid"
        user.is_demo = True
        user.is_active = True
        user.is_staff = user.is_superuser = spec.role == UserRole.ADMIN
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)  # a reload does not change a known password
        user.save()
        if created:
            record(None, "create", user, after=snapshot(user), note="demo")
    return specs
