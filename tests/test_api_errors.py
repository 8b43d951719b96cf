"""The API's one error shape, ``{"code", "message", "fields"}``, for every status it
answers, and hostile input that must get a 400 or 422 (never a 500) and leave the
database as it was: wrong types, non-finite numbers, lone surrogates, NUL and other
control characters, over-long text. Runs on SQLite and PostgreSQL alike (PostgreSQL
refuses NUL in any text, so a NUL that got through would be a 500 there)."""

import json

import pytest

from indicators.models import Indicator, IndicatorValue, Kind
from plans.models import Target
from reporting.models import AgencyReport, ReportState
from reporting.periods import open_period
from tests.test_routes import api_operations

BASE = "/api/v1/plans/qb-sxtdbv-2021/years/2022/reports"
REPORT = f"{BASE}/qb-so-du-lich"


@pytest.fixture
def period(plan, coordinator, personas):
    return open_period(plan, 2022, coordinator)


def _shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["message"]
    if code:
        assert body["code"] == code
    return body


def _put(client, body: str):
    return client.put(REPORT, body, content_type="application/json")


def _task_and_revision(client) -> tuple[str, int]:
    body = client.get(REPORT).json()
    return body["task_ids"]["V.2"], body["revision"]


# --- one shape for every status -----------------------------------------------------


def test_anonymous_gets_the_401_shape_in_vietnamese(client, period):
    body = _shape(client.get(BASE), 401, "unauthorized")
    assert body["message"].startswith("Cần đăng nhập")


def test_the_message_follows_the_language_the_user_chose(client, period):
    client.cookies["django_language"] = "en"
    assert _shape(client.get(BASE), 401)["message"].startswith("Sign in first")


def test_wrong_credentials_are_a_401_with_their_own_code(client, plan, reporter):
    response = client.post(
        "/api/v1/auth/token",
        {"username": reporter.username, "password": "wrong"},
        content_type="application/json",
    )
    assert _shape(response, 401, "invalid_credentials")["message"] == (
        "Sai tên đăng nhập hoặc mật khẩu."
    )


def test_forbidden_not_found_conflict_and_domain_errors(client, period, reporter, other_reporter):
    client.force_login(other_reporter)
    _shape(client.get(REPORT), 403, "forbidden")
    _shape(client.get(f"{BASE}/khong-co"), 404, "not_found")
    _shape(client.get("/api/v1/plans/qb-sxtdbv-2021/years/2029/reports"), 404, "not_found")
    client.force_login(reporter)
    task, revision = _task_and_revision(client)
    draft = {"revision": revision, "items": {task: {"status": "not_done"}}}
    body = _shape(_put(client, json.dumps(draft)), 400, "report_invalid")
    assert "lý do" in body["message"]
    _shape(_put(client, json.dumps({"revision": revision + 5})), 409, "stale_revision")


def test_an_address_no_route_matches_is_a_json_404(client, period, viewer):
    client.force_login(viewer)
    _shape(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_nul_in_the_address_is_the_400_shape(client, period, viewer):
    client.force_login(viewer)
    _shape(client.get("/api/v1/plans/a%00b"), 400, "malformed")
    _shape(client.get("/api/v1/plans/qb-sxtdbv-2021/tasks?as_of=%00"), 400, "malformed")


def test_a_year_outside_the_plan_is_a_400_against_the_year(client, period, viewer):
    client.force_login(viewer)
    body = _shape(client.get("/api/v1/plans/qb-sxtdbv-2021/progress?year=2040"), 400)
    assert body["code"] == "year_outside_plan" and set(body["fields"]) == {"year"}


def test_a_session_write_without_the_csrf_token_is_a_403_shape(period, reporter):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    _shape(_put(client, json.dumps({"revision": 1})), 403, "csrf_failed")


# --- hostile input ------------------------------------------------------------------


def _hostile_items(task: str) -> list[tuple[str, str]]:
    """(JSON body, the field the 422 names) for the report PUT."""
    item = '{"revision": %s, "items": {"' + task + '": %s}}'
    return [
        (item.replace("%s", "1", 1) % '{"reason": 5}', f"items.{task}.reason"),
        (item.replace("%s", "1", 1) % '{"done": ["a", "b"]}', f"items.{task}.done"),
        (item.replace("%s", "1", 1) % '{"spent": 1.5}', f"items.{task}.spent"),
        (item.replace("%s", "1", 1) % '{"spent": "nhiều"}', f"items.{task}.spent"),
        (item.replace("%s", "1", 1) % '{"spent": 1e30}', f"items.{task}.spent"),
        (item.replace("%s", "1", 1) % '{"status": "xong"}', f"items.{task}.status"),
        (item.replace("%s", "1", 1) % '{"reason": "\\ud800"}', f"items.{task}.reason"),
        (item.replace("%s", "1", 1) % '{"done": "a\\u0000b"}', f"items.{task}.done"),
        (item.replace("%s", "1", 1) % '{"done": "a\\u0007b"}', f"items.{task}.done"),
        (
            item.replace("%s", "1", 1) % '{"results": "%s"}' % ("x" * 20_001),
            f"items.{task}.results",
        ),
        (
            item.replace("%s", "1", 1) % '{"quantities": [{"value": 3}]}',
            f"items.{task}.quantities.0.label",
        ),
        (item.replace("%s", "1", 1) % '{"colour": "red"}', f"items.{task}.colour"),
        ('{"revision": "abc"}', "revision"),
        ('{"revision": 99999999999999999999}', "revision"),
        ('{"revision": 1, "difficulties": "\\u0000"}', "difficulties"),
        ('{"revision": 1, "items": {"x\\u0000": {}}}', "items."),
        ('{"revision": 1, "items": []}', "items"),
    ]


def test_hostile_report_drafts_are_422s_naming_the_field_and_save_nothing(client, period, reporter):
    client.force_login(reporter)
    task, revision = _task_and_revision(client)
    before = AgencyReport.objects.get(period=period, agency__code="qb-so-du-lich")
    for raw, field in _hostile_items(task):
        body = _shape(_put(client, raw.replace('"revision": 1', f'"revision": {revision}')), 422)
        assert body["code"] == "invalid"
        assert any(k.startswith(field) for k in body["fields"]), (raw[:80], body["fields"])
    after = AgencyReport.objects.get(pk=before.pk)
    assert after.revision == before.revision and after.updated_at == before.updated_at


@pytest.mark.parametrize("constant", ["Infinity", "-Infinity", "NaN"])
def test_non_finite_numbers_are_not_json(client, period, reporter, constant):
    client.force_login(reporter)
    task, revision = _task_and_revision(client)
    raw = '{"revision": %d, "items": {"%s": {"spent": %s}}}' % (revision, task, constant)
    _shape(_put(client, raw), 400, "malformed")


def test_malformed_json_and_a_body_of_the_wrong_type(client, period, reporter):
    client.force_login(reporter)
    _shape(_put(client, "{not json"), 400, "malformed")
    _shape(_put(client, "[1, 2]"), 422, "invalid")
    _shape(_put(client, '"text"'), 422, "invalid")


def test_the_token_endpoint_refuses_nul_and_overlong_input(client, plan):
    for body, field in [
        ({"username": "a\x00b", "password": "x"}, "username"),
        ({"username": "a", "password": "\x00"}, "password"),
        ({"username": "a" * 151, "password": "x"}, "username"),
        ({"username": 5, "password": "x"}, "username"),
        ({"password": "x"}, "username"),
    ]:
        response = client.post("/api/v1/auth/token", body, content_type="application/json")
        assert field in _shape(response, 422, "invalid")["fields"]


def test_the_return_comment_and_budget_bodies_are_typed(client, period, coordinator, finance):
    client.force_login(coordinator)
    response = client.post(
        f"{REPORT}/return", {"comment": "x", "fields": {"a" * 65: "y"}}, "application/json"
    )
    assert _shape(response, 422)["fields"]
    response = client.post(f"{REPORT}/return", {"comment": ["x"]}, "application/json")
    assert "comment" in _shape(response, 422)["fields"]
    client.force_login(finance)
    allocate = "/api/v1/plans/qb-sxtdbv-2021/years/2022/budget/allocate"
    body = _shape(
        client.post(allocate, {"number": "1", "date": "10/12/2022"}, "application/json"), 422
    )
    assert body["fields"] == {"date": "Ghi ngày theo dạng YYYY-MM-DD."}


def test_over_long_and_malformed_path_and_query_values(client, period, viewer):
    client.force_login(viewer)
    assert _shape(client.get("/api/v1/plans/" + "x" * 65), 422)["fields"] == {
        "code": "Tối đa 64 ký tự."
    }
    _shape(client.get("/api/v1/plans/qb-sxtdbv-2021/years/99999999999999999999/reports"), 422)
    _shape(client.get("/api/v1/indicators/99999999999999999999/values"), 422)
    _shape(client.get("/api/v1/agencies/99999999999999999999/lineage"), 404)
    _shape(client.get("/api/v1/plans/qb-sxtdbv-2021/progress?year=abc"), 422)
    _shape(client.get("/api/v1/plans/qb-sxtdbv-2021/tasks?as_of=2026-13-45"), 422)


# --- the OpenAPI schema ------------------------------------------------------------


def test_the_schema_and_its_ui_are_for_signed_in_users_only(client, plan, viewer):
    _shape(client.get("/api/v1/openapi.json"), 401, "unauthorized")
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 302 and "/accounts/login/" in docs["Location"]
    client.force_login(viewer)
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200


def test_the_schema_is_open_to_a_bearer_token(client, plan, viewer):
    from tests.conftest import PASSWORD

    token = client.post(
        "/api/v1/auth/token",
        {"username": viewer.username, "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    assert client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    response = client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["paths"]


def test_every_operation_documents_its_statuses_with_the_error_schema(client, plan, viewer):
    client.force_login(viewer)
    schema = client.get("/api/v1/openapi.json").json()
    operations = [
        (method, path, op) for path, ops in schema["paths"].items() for method, op in ops.items()
    ]
    assert len(operations) == len(api_operations())  # every operation is in the schema
    for method, path, op in operations:
        statuses = set(op["responses"])
        public = path == "/api/v1/auth/token"
        assert {"200", "400", "401", "414", "422"} <= statuses, (method, path)
        assert public or "403" in statuses, (method, path)
        assert "{" not in path or public or "404" in statuses, (method, path)
        for status, answer in op["responses"].items():
            if (status.startswith("4") and status != "414") or status == "503":
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/Error"), (method, path, status)
        assert "200" in op["responses"] and op["responses"]["200"].get("content"), (method, path)
    put = schema["paths"]["/api/v1/plans/{code}/years/{year}/reports/{agency}"]["put"]
    assert "409" in put["responses"]


# --- indicator values: work in progress stays with its agency ----------------------


@pytest.fixture
def indicator_with_drafts(period):
    target = Target.objects.filter(plan=period.plan).order_by("milestone", "position").first()
    indicator = Indicator.objects.create(
        plan=period.plan, target=target, name="Số mô hình", unit="mô hình", kind=Kind.REPORTED
    )
    accepted = period.reports.exclude(agency__code__in=["qb-so-du-lich", "qb-so-tnmt"])[0]
    for report, state in [
        (period.reports.get(agency__code="qb-so-du-lich"), ReportState.DRAFT),
        (period.reports.get(agency__code="qb-so-tnmt"), ReportState.SUBMITTED),
        (accepted, ReportState.ACCEPTED),
    ]:
        AgencyReport.objects.filter(pk=report.pk).update(state=state)
        IndicatorValue.objects.create(
            indicator=indicator, year=2022, agency=report.agency, value=3, report=report
        )
    IndicatorValue.objects.create(indicator=indicator, year=2021, value=7)
    indicator.accepted_agency = accepted.agency.code
    return indicator


def _agencies_seen(client, indicator) -> set:
    body = client.get(f"/api/v1/indicators/{indicator.pk}/values").json()
    return {v["agency"] for v in body["values"]}


@pytest.mark.parametrize(
    "role, own",
    [
        ("reporter", {"qb-so-du-lich"}),
        ("other_reporter", {"qb-so-tnmt"}),
        ("coordinator", {"qb-so-du-lich", "qb-so-tnmt"}),
        ("finance", {"qb-so-du-lich", "qb-so-tnmt"}),
        ("viewer", {"qb-so-du-lich", "qb-so-tnmt"}),
    ],
)
def test_reporters_see_other_agencies_values_only_once_accepted(
    client, indicator_with_drafts, personas, role, own
):
    client.force_login(personas[role])
    seen = _agencies_seen(client, indicator_with_drafts)
    assert seen == {None, indicator_with_drafts.accepted_agency} | own
