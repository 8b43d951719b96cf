"""The outgoing documents' API: the steps with the stable error shape (403 for a step
the user may not take, 409 for a stale revision, 400 for a step out of order), the
register's search and the verification of a signed PDF."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from outgoing import register
from outgoing.models import OutgoingDocument
from tests.test_signing import blank_pdf

YEAR = 2024


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_the_steps_through_the_api(demo_reports, coordinator, signer, viewer, client):
    client.force_login(coordinator)
    made = _post(client, "/api/v1/outgoing", {"plan": demo_reports.code, "year": YEAR})
    assert made.status_code == 200, made.json()
    doc = made.json()
    assert doc["state"] == "draft" and doc["reference"].startswith("…/BC-")
    pk = doc["id"]
    stale = _post(client, f"/api/v1/outgoing/{pk}/submit", {"revision": doc["revision"] + 5})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_revision"
    early = _post(client, f"/api/v1/outgoing/{pk}/issue", {})
    assert early.status_code == 400 and early.json()["code"] == "outgoing_invalid"
    submitted = _post(client, f"/api/v1/outgoing/{pk}/submit", {"revision": doc["revision"]})
    assert submitted.json()["state"] == "pending"
    refused = _post(client, f"/api/v1/outgoing/{pk}/approve", {})
    assert refused.status_code == 403 and set(refused.json()) == {"code", "message", "fields"}

    client.force_login(signer)
    returned = _post(client, f"/api/v1/outgoing/{pk}/return", {"comment": ""})
    assert returned.status_code == 400 and returned.json()["fields"] == {}
    approved = _post(
        client, f"/api/v1/outgoing/{pk}/approve", {"title": "GIÁM ĐỐC", "authority": ""}
    )
    assert approved.json()["state"] == "approved" and approved.json()["signer_title"] == "GIÁM ĐỐC"

    client.force_login(coordinator)
    issued = _post(client, f"/api/v1/outgoing/{pk}/issue", {}).json()
    assert issued["state"] == "issued" and issued["number"] == 1
    found = client.get("/api/v1/outgoing-register", {"q": "1/BC"}).json()
    assert [e["document"] for e in found] == [pk]

    client.force_login(viewer)
    assert client.get(f"/api/v1/outgoing/{pk}").json()["reference"] == issued["reference"]
    assert _post(client, f"/api/v1/outgoing/{pk}/send", {}).status_code == 403


def test_verification_through_the_api(viewer, client, db):
    client.force_login(viewer)
    answer = client.post(
        "/api/v1/signatures/verify", {"file": SimpleUploadedFile("a.pdf", blank_pdf())}
    )
    assert answer.status_code == 200 and answer.json()["status"] == "unsigned"
    answer = client.post("/api/v1/signatures/verify", {"file": SimpleUploadedFile("a.txt", b"x")})
    assert answer.json()["status"] == "unreadable"


def test_the_register_filters(registry, coordinator, client):
    import datetime as dt

    from agencies.models import Agency

    agency = Agency.objects.get(code="qb-so-cong-thuong")
    for kind in ("BC", "CV"):
        register.allocate(
            agency, kind, dt.date(2026, 1, 5), summary="Tiết kiệm năng lượng", actor=None
        )
    client.force_login(coordinator)
    rows = client.get("/api/v1/outgoing-register", {"kind": "CV", "q": "tiet kiem"}).json()
    assert [r["reference"] for r in rows] == ["1/CV-SCT"]
    assert OutgoingDocument.objects.count() == 0
