"""Every page for every role, bad input on every page, and query counts that
do not grow with the size of the plan."""

import copy
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.format import SEED_PLAN
from plans.saving import save_plan
from tests.conftest import ROLES

CODE = "qb-sxtdbv-2021"

PLAN_PAGES = [
    reverse("plans:list"),
    reverse("plans:overview", args=[CODE]),
    reverse("plans:targets", args=[CODE]),
    reverse("plans:tasks", args=[CODE]),
    reverse("plans:timeline", args=[CODE]),
    reverse("plans:json", args=[CODE]),
    reverse("agencies:list"),
    reverse("agencies:detail", args=["qb-so-du-lich"]),
]
ACCOUNT_PAGES = [reverse("accounts:users"), reverse("accounts:user_create")]
ADMIN_ONLY = [reverse("accounts:audit")]


@pytest.mark.parametrize(
    "url", [*PLAN_PAGES, *ACCOUNT_PAGES, *ADMIN_ONLY, reverse("my_tasks"), reverse("home")]
)
def test_anonymous_visitors_go_to_the_login_page(client, plan, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", PLAN_PAGES)
def test_every_role_reads_the_plan_pages(client, plan, personas, role, url):
    client.force_login(personas[role])
    response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_only_admin_and_coordinator_manage_accounts(client, plan, personas, role, url):
    client.force_login(personas[role])
    expected = 200 if role in ("admin", "coordinator") else 403
    response = client.get(url)
    assert response.status_code == expected
    if expected == 403:
        assert "Không có quyền truy cập" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_only_admin_reads_the_audit_log(client, plan, personas, role):
    client.force_login(personas[role])
    assert client.get(reverse("accounts:audit")).status_code == (200 if role == "admin" else 403)


@pytest.mark.parametrize("role", ROLES)
def test_only_admin_enters_django_admin(client, plan, personas, role):
    client.force_login(personas[role])
    response = client.get("/admin/")
    assert response.status_code == (200 if role == "admin" else 302)


def test_pages_are_vietnamese_by_default_and_english_on_request(client, plan, viewer):
    client.force_login(viewer)
    url = reverse("plans:tasks", args=[CODE])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert '<meta charset="utf-8">' in page
    assert "Đơn vị chủ trì" in page and "Lead agency" not in page
    client.post(reverse("set_language"), {"language": "en", "next": url})
    page = client.get(url).content.decode()
    assert "Lead agency" in page


def test_task_table_shows_the_appendix(client, plan, viewer):
    client.force_login(viewer)
    page = client.get(reverse("plans:tasks", args=[CODE])).content.decode()
    assert page.count('data-task="') == 26
    assert "Sở NN&amp;PTNT" in page
    assert "2021 – 2023 (và khi có sự thay đổi)" in page
    assert "<p>" not in page.split("task-results")[1]


def test_task_table_filters_by_get_parameters(client, plan, viewer):
    client.force_login(viewer)
    url = reverse("plans:tasks", args=[CODE])
    page = client.get(url, {"agency": "qb-so-du-lich", "role": "lead"}).content.decode()
    assert page.count('data-task="') == 2


def test_htmx_request_gets_only_the_results_partial(client, plan, viewer):
    client.force_login(viewer)
    url = reverse("plans:tasks", args=[CODE])
    response = client.get(url, {"q": "ocop"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="task-results")
    body = response.content.decode()
    assert body.count('data-task="') == 1 and "<html" not in body
    # The page and the fragment share the URL htmx pushes: the browser keeps them apart.
    assert "HX-Request" in response.headers["Vary"]
    assert "HX-Request" in client.get(url, {"q": "ocop"}).headers["Vary"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000},
        {"q": "\u202e\u200b☃" * 50},
        {"year": "abc"},
        {"year": "-1"},
        {"group": "<script>"},
        {"agency": "../../etc"},
        {"recurrence": "'"},
        {"role": "boss"},
    ],
)
def test_bad_filters_never_fail(client, plan, viewer, params):
    client.force_login(viewer)
    response = client.get(reverse("plans:tasks", args=[CODE]), params)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("task-results")[1]


def test_nonsense_year_gives_a_vietnamese_message(client, plan, viewer):
    client.force_login(viewer)
    page = client.get(reverse("plans:tasks", args=[CODE]), {"year": "3000"}).content.decode()
    assert "Năm phải từ 2021 đến 2030" in page
    page = client.get(
        reverse("agencies:detail", args=["qb-so-du-lich"]), {"year": "abc"}
    ).content.decode()
    assert "không hợp lệ" in page


def test_unknown_plan_and_agency_give_a_vietnamese_404(client, plan, viewer):
    client.force_login(viewer)
    response = client.get(reverse("plans:overview", args=["khong-co"]))
    assert response.status_code == 404
    assert "Không có kế hoạch mã khong-co" in response.content.decode()
    response = client.get(reverse("agencies:detail", args=["khong-co"]))
    assert response.status_code == 404
    assert "Không có cơ quan" in response.content.decode()


def test_agency_search_ignores_diacritics(client, plan, viewer):
    client.force_login(viewer)
    page = client.get(reverse("agencies:list"), {"q": "so cong thuong"}).content.decode()
    assert "Sở Công Thương" in page and "Sở Du lịch" not in page
    page = client.get(reverse("agencies:list"), {"q": "x" * 10_000}).content.decode()
    assert "Không có cơ quan, đơn vị phù hợp" in page


def test_agency_page_lists_its_tasks_for_the_year(client, plan, reporter):
    client.force_login(reporter)
    page = client.get(
        reverse("agencies:detail", args=["qb-so-du-lich"]), {"year": "2022"}
    ).content.decode()
    assert page.count('data-task="') == 22
    assert "22 nhiệm vụ (chủ trì 2)" in page
    page = client.get(
        reverse("agencies:detail", args=["qb-so-du-lich"]), {"year": "2024"}
    ).content.decode()
    assert 'data-task="V.2"' not in page


def test_my_tasks_takes_a_reporter_to_their_agency(client, plan, reporter, coordinator):
    client.force_login(reporter)
    response = client.get(reverse("my_tasks"), {"year": "2023"})
    assert response["Location"] == reverse("agencies:detail", args=["qb-so-du-lich"]) + (
        "?year=2023"
    )


def test_plan_json_download_is_the_plan_format(client, plan, viewer):
    client.force_login(viewer)
    response = client.get(reverse("plans:json", args=[CODE]))
    assert json.loads(response.content) == json.loads(SEED_PLAN.read_text("utf-8"))


def _bigger_plan(times: int) -> str:
    """The seed with every task group repeated ``times`` times, as another plan."""
    data = json.loads(SEED_PLAN.read_text("utf-8"))
    data["code"] = f"big-{times}"
    groups = []
    for i in range(times):
        for group in copy.deepcopy(data["task_groups"]):
            group["number"] = f"{group['number']}-{i}"
            groups.append(group)
    data["task_groups"] = groups
    data["targets"] = data["targets"] * times
    save_plan(data)
    return data["code"]


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "name", ["plans:overview", "plans:targets", "plans:tasks", "plans:timeline", "plans:json"]
)
def test_plan_page_queries_do_not_grow_with_the_plan(client, plan, viewer, name):
    client.force_login(viewer)
    big = _bigger_plan(4)
    small_count = _queries(client, reverse(name, args=[CODE]))
    big_count = _queries(client, reverse(name, args=[big]))
    assert small_count == big_count
    # The task table's agency filter also reads who answers today (succession graph,
    # the plan's territory, the group references' members); every page counts the
    # menu's unread notices (one query).
    assert small_count <= (15 if name == "plans:tasks" else 13)


def test_filtered_task_table_queries_do_not_grow(client, plan, viewer):
    client.force_login(viewer)
    big = _bigger_plan(4)
    params = {"agency": "qb-so-du-lich", "year": "2022", "q": "ban"}
    assert _queries(client, reverse("plans:tasks", args=[CODE]), params) == _queries(
        client, reverse("plans:tasks", args=[big]), params
    )


def test_agency_page_queries_do_not_grow(client, plan, viewer):
    client.force_login(viewer)
    url = reverse("agencies:detail", args=["qb-so-du-lich"])
    before = _queries(client, url, {"year": "2022"})
    _bigger_plan(4)
    # The page carries the tasks, duties, groups, the lineage and the reports made
    # (and the menu's unread notices).
    assert _queries(client, url, {"year": "2022"}) == before <= 17
    assert _queries(client, reverse("agencies:list")) <= 9


@pytest.mark.parametrize(
    "url",
    [
        "/plans/qb-sxtdbv-2021/tasks/?q=%00",
        "/plans/qb%00/",
        "/agencies/?q=a%00b",
        "/plans/qb-sxtdbv-2021/tasks/?agency=%00",
    ],
)
def test_nul_characters_get_a_clear_400(client, plan, viewer, url):
    client.force_login(viewer)
    response = client.get(url)
    assert response.status_code == 400
    assert "ký tự không được phép" in response.content.decode()


def test_targets_page_reads_as_a_leader_expects(client, plan, viewer):
    client.force_login(viewer)
    page = client.get(reverse("plans:targets", args=[CODE])).content.decode()
    for shown in [
        "5–8%",
        "4–6 mô hình",
        "1–2 chuỗi liên kết",
        "≥ 70%",
        "40–50%",
        "≥ 30%",
        "100%",
        "định tính",
    ]:
        assert shown in page
    assert "≥ 100%" not in page
    assert "Đến năm 2025" in page and "Đến năm 2030" in page
    overview = client.get(reverse("plans:overview", args=[CODE])).content.decode()
    assert "889/QĐ-TTg (24/06/2020)" in overview


@pytest.mark.parametrize("role", ROLES)
def test_every_role_can_change_their_password_page(client, plan, personas, role):
    client.force_login(personas[role])
    assert client.get(reverse("password_change")).status_code == 200


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        (reverse("accounts:users"), 8),
        (reverse("accounts:audit"), 8),
        (reverse("plans:import"), 8),
        (reverse("plans:list"), 6),
    ],
)
def test_other_pages_have_a_bounded_query_count(
    client, plan, admin_user, url, limit, django_assert_max_num_queries
):
    client.force_login(admin_user)
    with django_assert_max_num_queries(limit):
        client.get(url)
