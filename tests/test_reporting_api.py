"""The reporting API for every role: list, read, save with a revision (409 when
stale), submit, return, accept."""

import pytest

from reporting.models import AgencyReport
from reporting.periods import open_period
from tests.conftest import ROLES

BASE = "/api/v1/plans/qb-sxtdbv-2021/years/2022/reports"


@pytest.fixture
def period(plan, coordinator, personas):
    return open_period(plan, 2022, coordinator)


@pytest.mark.parametrize("role", ROLES)
def test_list_for_each_role(client, period, personas, role):
    client.force_login(personas[role])
    body = client.get(BASE).json()
    if role in ("reporter", "other_reporter"):
        assert [r["agency"] for r in body] == [personas[role].agency.code]
    else:
        assert len(body) == period.reports.count()


@pytest.mark.parametrize("role", ROLES)
def test_read_for_each_role(client, period, personas, role):
    client.force_login(personas[role])
    response = client.get(f"{BASE}/qb-so-du-lich")
    assert response.status_code == (403 if role == "other_reporter" else 200)


def test_anonymous_gets_401(client, period):
    assert client.get(BASE).status_code == 401
    assert (
        client.put(f"{BASE}/qb-so-du-lich", {}, content_type="application/json").status_code == 401
    )


def test_the_cycle_through_the_api(client, period, reporter, coordinator):
    client.force_login(reporter)
    body = client.get(f"{BASE}/qb-so-du-lich").json()
    task = body["task_ids"]["V.2"]
    put = {
        "revision": body["revision"],
        "difficulties": "Thiếu kinh phí",
        "items": {task: {"status": "done", "done": "45 cơ sở", "spent": 5000000}},
    }
    response = client.put(f"{BASE}/qb-so-du-lich", put, content_type="application/json")
    assert response.status_code == 200 and response.json()["revision"] == 2
    stale = client.put(f"{BASE}/qb-so-du-lich", put, content_type="application/json")
    assert stale.status_code == 409 and "ghi đè" in stale.json()["message"]
    bad = client.put(
        f"{BASE}/qb-so-du-lich",
        {**put, "revision": 2, "items": {task: {"spent": -1}}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["fields"] == {f"items.{task}.spent": "Phải từ 0 trở lên."}
    assert client.post(f"{BASE}/qb-so-du-lich/submit").json()["state"] == "submitted"
    assert client.post(f"{BASE}/qb-so-du-lich/accept").status_code == 403
    client.force_login(coordinator)
    assert (
        client.post(
            f"{BASE}/qb-so-du-lich/return", {"comment": ""}, content_type="application/json"
        ).status_code
        == 400
    )
    returned = client.post(
        f"{BASE}/qb-so-du-lich/return", {"comment": "Bổ sung"}, content_type="application/json"
    )
    assert returned.json()["state"] == "returned"
    client.force_login(reporter)
    client.post(f"{BASE}/qb-so-du-lich/submit")
    client.force_login(coordinator)
    assert client.post(f"{BASE}/qb-so-du-lich/accept").json()["state"] == "accepted"
    report = AgencyReport.objects.get(period=period, agency__code="qb-so-du-lich")
    assert report.versions.count() == 2


def test_other_reporter_cannot_write(client, period, other_reporter):
    client.force_login(other_reporter)
    assert (
        client.put(
            f"{BASE}/qb-so-du-lich", {"revision": 1}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.post(f"{BASE}/qb-so-du-lich/submit").status_code == 403


def test_unknown_year_or_agency_is_404(client, period, coordinator):
    client.force_login(coordinator)
    assert client.get("/api/v1/plans/qb-sxtdbv-2021/years/2029/reports").status_code == 404
    assert client.get(f"{BASE}/khong-co").status_code == 404
