"""Reading plans: the task table's filters and "việc của đơn vị"."""

import pytest

from agencies.models import Agency
from plans.queries import agency_tasks, filter_tasks, parse_filter


def codes(tasks):
    return [t.code for t in tasks]


def run(plan, **params):
    return codes(filter_tasks(plan, parse_filter(plan, params)))


def test_no_filter_gives_all_26_tasks_in_appendix_order(plan):
    result = run(plan)
    assert len(result) == 26
    assert result[:3] == ["I.1", "I.2", "I.3"] and result[-1] == "IX.2"


def test_filter_by_group(plan):
    assert run(plan, group="VII") == ["VII.1", "VII.2"]


def test_filter_by_year_uses_the_timeframe(plan):
    in_2024 = run(plan, year="2024")
    assert "I.4" not in in_2024 and "V.2" not in in_2024 and "VII.1" not in in_2024
    assert "I.2" in in_2024
    assert "I.2" not in run(plan, year="2026")
    assert len(run(plan, year="2022")) == 26


def test_filter_by_recurrence(plan):
    assert run(plan, recurrence="annual") == ["I.1", "I.5", "I.6", "III.5"]


def test_filter_by_agency_as_lead(plan):
    assert run(plan, agency="qb-so-du-lich", role="lead") == ["V.2", "VIII.2"]
    assert run(plan, agency="qb-so-khdt", role="lead") == ["VII.1", "VII.2"]


def test_filter_by_agency_as_partner_includes_group_references(plan):
    result = run(plan, agency="qb-so-du-lich", role="partner")
    assert "I.1" in result  # as one of "Các sở, ban, ngành"
    assert "I.2" not in result and "I.4" not in result


def test_district_is_lead_of_tasks_given_to_all_districts(plan):
    assert run(plan, agency="qb-le-thuy", role="lead") == ["I.6", "III.2"]


def test_search_ignores_diacritics(plan):
    assert run(plan, q="ocop") == ["III.5"]
    assert run(plan, q="diem ban hang viet") == ["IV.2"]
    assert run(plan, q="Điểm bán hàng Việt") == ["IV.2"]
    assert "III.2" in run(plan, q="so nn&ptnt")
    assert "IX.1" in run(plan, q="so khoa hoc")


@pytest.mark.parametrize(
    "q", ["x" * 10_000, "👩‍👩‍👧‍👦 ٩(◕‿◕)۶", "'; DROP TABLE plans_task; --", "\x00"]
)
def test_any_search_string_gives_a_result_not_an_error(plan, q):
    assert isinstance(run(plan, q=q), list)


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"year": "abc"}, "Năm phải từ 2021 đến 2030"),
        ({"year": "1999"}, "Năm phải từ 2021 đến 2030"),
        ({"year": "99999999999999999999"}, "Năm phải từ"),
        ({"group": "XX"}, "Không có nhóm nhiệm vụ XX"),
        ({"agency": "nope"}, "Không có cơ quan"),
        ({"recurrence": "weekly"}, "Kiểu lặp lại"),
    ],
)
def test_nonsense_filters_are_reported_and_ignored(plan, params, problem):
    flt = parse_filter(plan, params)
    assert any(problem in p for p in flt.problems)
    assert len(codes(filter_tasks(plan, flt))) == 26


def test_agency_tasks_for_a_department_in_a_year(plan):
    sdl = Agency.objects.get(code="qb-so-du-lich")
    items = agency_tasks(sdl, 2022)
    by_code = {i.task.code: i for i in items}
    assert by_code["V.2"].roles == ["lead"] and by_code["V.2"].via_groups == []
    assert by_code["I.1"].roles == ["partner"]
    assert by_code["I.1"].via_groups == ["Các sở, ban, ngành"]
    assert "V.2" not in {i.task.code for i in agency_tasks(sdl, 2024)}


def test_a_lead_is_not_also_its_own_partner_through_a_group(plan):
    sct = Agency.objects.get(code="qb-so-cong-thuong")
    by_code = {i.task.code: i for i in agency_tasks(sct, 2021)}
    assert by_code["I.1"].roles == ["lead"] and by_code["I.1"].via_groups == []
    assert by_code["III.2"].roles == ["partner"]
    assert sum("lead" in i.roles for i in by_code.values()) == 11


def test_agency_tasks_for_a_district(plan):
    dong_hoi = Agency.objects.get(code="qb-dong-hoi")
    by_code = {i.task.code: i for i in agency_tasks(dong_hoi, 2023)}
    assert by_code["I.6"].roles == ["lead"]
    assert by_code["I.6"].via_groups == ["UBND các huyện, thị xã, thành phố"]
    assert "I.2" not in by_code
