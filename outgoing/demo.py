"""Demo data of the outgoing documents: a leader of Sở Công Thương who signs
(demo-leader), a demo key made at load time (a root and the Sở's certificate in a
PKCS#12 file under var/demo-signing, marked DEMO: of no legal value), and one
annual report drafted, approved and issued with a number of the register (the task
worker makes and signs its PDF)."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from accounts.demo import DemoAccount, create_demo_accounts
from accounts.models import User, UserRole
from outgoing import certificates, services, signing
from outgoing.models import OutgoingDocument
from reporting.models import ReportingPeriod

LEADER = "demo-leader"
DEMO_MARK = "DỮ LIỆU MẪU - không có giá trị pháp lý"


def make_demo_key() -> bool:
    """The demo root and signing key, once (False when they exist)."""
    folder = signing.demo_dir()
    if (folder / "demo-signer.p12").exists():
        return False
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    root = certificates.make_root("planwatch DEMO root CA", DEMO_MARK)
    leaf = certificates.make_leaf(root, "Sở Công Thương tỉnh Quảng Trị (DEMO)", DEMO_MARK)
    password = secrets.token_urlsafe(16)
    (folder / "password").write_text(password, encoding="utf-8")
    (folder / "demo-root.pem").write_bytes(root.pem())
    (folder / "demo-signer.p12").write_bytes(certificates.pkcs12_bytes(leaf, [root], password))
    for path in folder.iterdir():
        path.chmod(0o600)
    return True


def _leader(agency: Any) -> User:
    spec = DemoAccount(LEADER, UserRole.VIEWER, agency.code if agency else None, "Văn An", "Nguyễn")
    create_demo_accounts([spec])
    user = User.objects.get(username=LEADER)
    user.extra_capabilities = ["sign_documents"]
    if agency is not None:
        user.agency = agency
    user.save(update_fields=["extra_capabilities", "agency"])
    return user


@transaction.atomic
def load_outgoing_demo(plan: Any) -> int:
    """The signer's account, the demo key, and one issued document (once)."""
    make_demo_key()
    agency = services.issuing_agency(plan)
    leader = _leader(agency)
    if OutgoingDocument.objects.exists():
        return 0
    coordinator = User.objects.filter(username="demo-coordinator").first()
    year = (
        ReportingPeriod.objects.filter(plan=plan, reports__state="accepted")
        .order_by("-year")
        .values_list("year", flat=True)
    ).first()  # the latest year with accepted reports (not this year's open cycle)
    if coordinator is None or year is None:
        return 0
    document = services.create_draft(plan, year, coordinator)
    services.submit(document, coordinator, document.revision)
    document.refresh_from_db()
    services.approve(document, leader, document.revision, services.Approval())
    document.refresh_from_db()
    services.issue(document, coordinator, document.revision)
    return 1
