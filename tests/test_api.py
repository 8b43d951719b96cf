"""The JSON API: token, plans, agencies, for every role and for strangers."""

import json

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from plans.format import SEED_PLAN
from tests.conftest import PASSWORD, ROLES

ROUTES = ["/api/v1/plans", "/api/v1/plans/qb-sxtdbv-2021", "/api/v1/agencies"]


def _token(client, user) -> str:
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    return response.json()["token"]


def test_token_for_good_credentials_only(client, plan, reporter):
    token = _token(client, reporter)
    assert len(token) > 30
    stored = ApiToken.objects.get(user=reporter)
    assert stored.key_hash != token and stored.key_hash == ApiToken.hash_key(token)
    response = client.post(
        "/api/v1/auth/token",
        {"username": reporter.username, "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["message"] == "Sai tên đăng nhập hoặc mật khẩu."


def test_token_request_with_bad_body_is_a_422_not_a_500(client, plan):
    response = client.post("/api/v1/auth/token", "not json", content_type="application/json")
    assert response.status_code in (400, 422)


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_gets_401(client, plan, route):
    assert client.get(route).status_code == 401


@pytest.mark.parametrize("route", ROUTES)
def test_a_bad_token_gets_401(client, plan, route):
    assert client.get(route, HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    assert client.get(route, HTTP_AUTHORIZATION="Bearer " + "x" * 5000).status_code == 401


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES)
def test_every_role_reads_plans_and_agencies_with_a_token(client, plan, personas, role, route):
    token = _token(client, personas[role])
    response = client.get(route, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def test_an_inactive_users_token_stops_working(client, plan, reporter):
    token = _token(client, reporter)
    reporter.is_active = False
    reporter.save()
    assert client.get("/api/v1/plans", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_session_authentication_works_for_the_browser(client, plan, viewer):
    client.force_login(viewer)
    assert client.get("/api/v1/plans").status_code == 200


def test_plan_route_serves_the_plan_format(client, plan, viewer):
    client.force_login(viewer)
    body = client.get("/api/v1/plans/qb-sxtdbv-2021").json()
    assert body == json.loads(SEED_PLAN.read_text("utf-8"))


def test_plan_list(client, plan, viewer):
    client.force_login(viewer)
    body = client.get("/api/v1/plans").json()
    assert body == [
        {
            "code": "qb-sxtdbv-2021",
            "title": plan.title,
            "decision_number": "800/QĐ-UBND",
            "period_start": 2021,
            "period_end": 2030,
            "url": "/api/v1/plans/qb-sxtdbv-2021",
        }
    ]


def test_unknown_plan_is_a_vietnamese_404(client, plan, viewer):
    client.force_login(viewer)
    response = client.get("/api/v1/plans/khong-co")
    assert response.status_code == 404
    assert response.json()["message"] == "Không có kế hoạch mã khong-co."
    too_long = client.get("/api/v1/plans/" + "x" * 5000)
    assert too_long.status_code == 422
    assert too_long.json()["fields"] == {"code": "Tối đa 64 ký tự."}


def test_agencies_in_vietnamese_order(client, plan, viewer):
    client.force_login(viewer)
    names = [a["name"] for a in client.get("/api/v1/agencies").json()]
    assert names.index("Sở Công Thương") < names.index("Sở Du lịch") < names.index("Sở Y tế")
    assert len(names) == 32
    assert any(
        a["code"] == "qb-le-thuy" and a["kind"] == "district_committee"
        for a in client.get("/api/v1/agencies").json()
    )


def test_openapi_schema_lists_the_routes(client, plan, viewer):
    client.force_login(viewer)
    schema = client.get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/auth/token",
        "/api/v1/plans",
        "/api/v1/plans/{code}",
        "/api/v1/agencies",
    } <= paths


def test_api_query_count_does_not_grow(client, plan, viewer, django_assert_max_num_queries):
    client.force_login(viewer)
    with django_assert_max_num_queries(10):
        client.get("/api/v1/plans/qb-sxtdbv-2021")
    with django_assert_max_num_queries(6):
        client.get(reverse("api:list_agencies"))


def test_nul_in_an_api_address_is_a_400(client, plan, viewer):
    client.force_login(viewer)
    assert client.get("/api/v1/plans/a%00b").status_code == 400
