"""The province as it is today: the commune level of the new Quảng Trị (Nghị quyết
1680/NQ-UBTVQH15), the plan's territory, who answers every task before and after the
2025 restructuring, the 2026 reporting period, names as of a date, and the corrected
succession facts.

The expected tables below are written from the plan (Phụ lục of Quyết định 800) and
the acts, not computed by the code under test."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.urls import reverse

from agencies.importing import AgencyImportError, import_agencies, read_rows
from agencies.models import Agency, SuccessionEvent, SuccessionLink
from agencies.succession import Graph, current_names, lineage
from audit.models import AuditEntry
from plans.answering import answering, who_answers
from plans.models import Plan, Task
from plans.queries import agency_choices, agency_tasks, filter_tasks, parse_filter
from plans.territory import TerritoryError, set_territory, territory_of
from reporting import restructuring
from reporting.dashboard import year_summary
from reporting.periods import open_period

DATA = Path(__file__).resolve().parent.parent / "agencies" / "data"
COMMUNES_CSV = DATA / "quang-tri-2025-cap-xa.csv"
SUCCESSION = DATA / "succession-quang-tri-2025.json"
BEFORE, AFTER = dt.date(2024, 12, 1), dt.date(2026, 12, 1)

# Quảng Bình's departments and boards on 1/12/2024 ("Các sở, ban, ngành").
QB_BODIES = {
    "qb-so-cong-thuong",
    "qb-so-gddt",
    "qb-so-ldtbxh",
    "qb-so-tnmt",
    "qb-so-nnptnt",
    "qb-so-gtvt",
    "qb-so-du-lich",
    "qb-so-tai-chinh",
    "qb-so-khdt",
    "qb-so-khcn",
    "qb-so-noi-vu",
    "qb-so-tu-phap",
    "qb-so-xay-dung",
    "qb-so-y-te",
    "qb-so-tttt",
    "qb-so-vhtt",
    "qb-vp-ubnd",
    "qb-thanh-tra",
    "qb-ban-dan-toc",
    "qb-bql-kkt",
    "qb-dai-ptth",
}
# The new Quảng Trị's departments and boards in this registry on 1/12/2026.
QT_BODIES = {
    "qt-so-cong-thuong",
    "qt-so-gddt",
    "qt-so-nnmt",
    "qt-so-xay-dung",
    "qt-so-vhttdl",
    "qt-so-tai-chinh",
    "qt-so-khcn",
    "qt-so-noi-vu",
    "qt-so-tu-phap",
    "qt-so-y-te",
    "qt-so-dttg",
    "qt-vp-ubnd",
    "qt-thanh-tra",
    "qt-bql-kkt",
    "qt-bao-ptth",
}
DISTRICTS = {
    "qb-dong-hoi",
    "qb-ba-don",
    "qb-minh-hoa",
    "qb-tuyen-hoa",
    "qb-quang-trach",
    "qb-bo-trach",
    "qb-quang-ninh",
    "qb-le-thuy",
}
# NQ 1680, Điều 1, khoản 1–35 and 69–73, and xã Tân Thành (khoản 78, not rearranged):
# the 36 communes and 5 wards formed from the former Quảng Bình.
QB_COMMUNES = {
    "qt-xa-nam-gianh",
    "qt-xa-nam-ba-don",
    "qt-xa-dan-hoa",
    "qt-xa-kim-dien",
    "qt-xa-kim-phu",
    "qt-xa-minh-hoa",
    "qt-xa-tuyen-lam",
    "qt-xa-tuyen-son",
    "qt-xa-dong-le",
    "qt-xa-tuyen-phu",
    "qt-xa-tuyen-binh",
    "qt-xa-tuyen-hoa",
    "qt-xa-tan-gianh",
    "qt-xa-trung-thuan",
    "qt-xa-quang-trach",
    "qt-xa-hoa-trach",
    "qt-xa-phu-trach",
    "qt-xa-thuong-trach",
    "qt-xa-phong-nha",
    "qt-xa-bac-trach",
    "qt-xa-dong-trach",
    "qt-xa-hoan-lao",
    "qt-xa-bo-trach",
    "qt-xa-nam-trach",
    "qt-xa-quang-ninh",
    "qt-xa-ninh-chau",
    "qt-xa-truong-ninh",
    "qt-xa-truong-son",
    "qt-xa-le-thuy",
    "qt-xa-cam-hong",
    "qt-xa-sen-ngu",
    "qt-xa-tan-my",
    "qt-xa-truong-phu",
    "qt-xa-le-ninh",
    "qt-xa-kim-ngan",
    "qt-xa-tan-thanh",
    "qt-phuong-dong-hoi",
    "qt-phuong-dong-thuan",
    "qt-phuong-dong-son",
    "qt-phuong-ba-don",
    "qt-phuong-bac-gianh",
}


def _row(lead24: set, lead26: set, bodies: bool = True, local: bool = True, extra=None):
    """(leads, partners) on 1/12/2024 and on 1/12/2026 of a task whose partners are
    "Các sở, ban, ngành" (``bodies``) and "UBND các huyện, thị xã, thành phố"
    (``local``); a lead is not also a partner."""
    p24 = (QB_BODIES if bodies else set()) | (DISTRICTS if local else set())
    p26 = (QT_BODIES if bodies else set()) | (QB_COMMUNES if local else set())
    extra24, extra26 = extra or (set(), set())
    return {
        BEFORE: (lead24, (p24 | extra24) - lead24),
        AFTER: (lead26, (p26 | extra26) - lead26),
    }


SCT = _row({"qb-so-cong-thuong"}, {"qt-so-cong-thuong"})
TNMT = _row({"qb-so-tnmt"}, {"qt-so-nnmt"})
NNPTNT = _row({"qb-so-nnptnt"}, {"qt-so-nnmt"})
DU_LICH = _row({"qb-so-du-lich"}, {"qt-so-vhttdl"})
KHCN = _row({"qb-so-khcn"}, {"qt-so-khcn"})
EXPECTED = {
    "I.1": SCT,
    # Vocational education went with Sở LĐ-TB&XH's function to Sở GD&ĐT; the partners
    # are open groups (schools, vocational institutions) that name no agency.
    "I.2": _row({"qb-so-gddt", "qb-so-ldtbxh"}, {"qt-so-gddt"}, bodies=False, local=False),
    "I.3": SCT,
    "I.4": _row({"qb-so-cong-thuong"}, {"qt-so-cong-thuong"}, bodies=False),
    "I.5": TNMT,
    # Led by the districts, then the communes and wards; "UBND cấp xã" as partner names
    # no commune before 2025 (the registry holds none) and after, only the leads.
    "I.6": _row(DISTRICTS, QB_COMMUNES, bodies=False, local=False),
    "II.1": TNMT,
    "III.1": SCT,
    "III.2": _row(
        DISTRICTS,
        QB_COMMUNES,
        bodies=False,
        local=False,
        extra=({"qb-so-cong-thuong", "qb-so-nnptnt"}, {"qt-so-cong-thuong", "qt-so-nnmt"}),
    ),
    "III.3": SCT,
    "III.4": TNMT,
    "III.5": NNPTNT,
    "III.6": NNPTNT,
    "IV.1": SCT,
    "IV.2": SCT,
    "IV.3": SCT,
    "IV.4": _row({"qb-so-gtvt"}, {"qt-so-xay-dung"}),
    "V.1": SCT,
    "V.2": DU_LICH,
    "VI.1": SCT,
    "VII.1": _row({"qb-so-tai-chinh", "qb-so-khdt"}, {"qt-so-tai-chinh"}),
    "VII.2": _row({"qb-so-khdt"}, {"qt-so-tai-chinh"}),
    "VIII.1": SCT,
    "VIII.2": DU_LICH,
    "IX.1": KHCN,
    "IX.2": KHCN,
}


@pytest.fixture
def today(plan):
    """The registry as it is in December 2026: the 2025 restructuring and the 78
    commune-level units."""
    restructuring.load_succession()
    import_agencies(read_rows(COMMUNES_CSV.read_bytes(), COMMUNES_CSV.name))
    return plan


def _codes(agencies) -> set[str]:
    return {a.code for a in agencies}


# --- the data -------------------------------------------------------------------


def test_the_bundled_commune_list_is_nq_1680():
    rows = read_rows(COMMUNES_CSV.read_bytes(), COMMUNES_CSV.name)
    assert len(rows) == 78
    kinds = [r["unit_type"] for r in rows]
    assert (kinds.count("xa"), kinds.count("phuong"), kinds.count("dac_khu")) == (69, 8, 1)
    qb = [r for r in rows if r["former_province"] == "tỉnh Quảng Bình"]
    assert {r["code"] for r in qb} == QB_COMMUNES
    assert [r["unit_type"] for r in qb].count("phuong") == 5
    assert all(r["formed_on"] in DISTRICTS for r in qb)
    old_qt = [r for r in rows if r["former_province"] == "tỉnh Quảng Trị"]
    assert len(old_qt) == 37 and not any(r["formed_on"] for r in old_qt)
    assert len({r["code"] for r in rows}) == 78 and len({r["admin_code"] for r in rows}) == 78
    for row in rows:
        assert row["certain"] == "có" and "1680/NQ-UBTVQH15" in row["source"]
        assert row["established_by"].startswith("Nghị quyết 1680/NQ-UBTVQH15 ngày 16/6/2025")
        assert row["valid_from"] == "01/07/2025" and row["province"] == "qt-ubnd-tinh"
    by_code = {r["code"]: r for r in rows}
    # Known facts: phường Ba Đồn and phường Bắc Gianh (khoản 72 and 73).
    assert by_code["qt-phuong-ba-don"]["formed_from"] == (
        "phường Quảng Phong; phường Quảng Long; phường Ba Đồn; xã Quảng Hải"
    )
    assert by_code["qt-phuong-bac-gianh"]["formed_from"] == (
        "phường Quảng Phúc; phường Quảng Thọ; phường Quảng Thuận"
    )
    assert by_code["qt-dac-khu-con-co"]["formed_from"] == "huyện Cồn Cỏ"
    # The 145 commune-level units of the former Quảng Bình, each in one new unit.
    former = [(r["former_district"], f) for r in qb for f in r["formed_from"].split("; ")]
    assert len(former) == len(set(former)) == 145


def test_the_succession_facts_cite_the_right_acts():
    data = json.loads(SUCCESSION.read_text(encoding="utf-8"))
    events = {e["key"]: e for e in data["events"]}
    abolitions = [e for e in data["events"] if e["kind"] == "abolition"]
    assert len(abolitions) == 8
    for event in abolitions:
        assert "Nghị quyết 203/2025/QH15" in event["act"]
        assert "72/2025/QH15" in event["act"] and "202/2025" not in event["act"]
    split = events["qb-2025-03-ldtbxh"]["links"]
    assert {(line["to"], line.get("function", "")) for line in split} >= {
        ("qb-so-nnmt", "giảm nghèo"),
        ("qb-so-gddt", "giáo dục nghề nghiệp"),
    }
    religion = events["qb-2025-03-tongiao"]
    assert religion["kind"] == "transfer" and religion["links"][0]["to"] == "qb-so-dttg"
    assert "19/02/2025" in events["qb-2025-03-khdt"]["act"]
    assert not events["qb-2025-03-khdt"]["certain"]  # the start date is not public


def test_split_and_transfer_functions_follow_the_task_words(today):
    graph = Graph.load()
    ldtbxh = Agency.objects.get(code="qb-so-ldtbxh")
    noi_vu = Agency.objects.get(code="qb-so-noi-vu")
    assert _codes(graph.resolve(ldtbxh, AFTER, "Hỗ trợ giảm nghèo bền vững")) == {"qt-so-nnmt"}
    assert _codes(graph.resolve(ldtbxh, AFTER, "Chính sách việc làm")) == {"qt-so-noi-vu"}
    assert _codes(graph.resolve(noi_vu, AFTER, "Quản lý hoạt động tôn giáo")) == {"qt-so-dttg"}
    assert _codes(graph.resolve(noi_vu, AFTER, "Cải cách hành chính")) == {"qt-so-noi-vu"}
    assert _codes(graph.resolve(noi_vu, dt.date(2025, 2, 28), "tôn giáo")) == {"qb-so-noi-vu"}


def test_corrected_data_corrects_a_database_loaded_before(today):
    event = SuccessionEvent.objects.get(key="qt-2025-07-qb-le-thuy")
    event.act = "Luật Tổ chức chính quyền địa phương năm 2025; Nghị quyết 202/2025/QH15"
    event.save()
    SuccessionLink.objects.filter(event__key="qb-2025-03-ldtbxh", function="giảm nghèo").delete()
    SuccessionEvent.objects.filter(key="qb-2025-03-tongiao").delete()
    confirmed = SuccessionEvent.objects.get(key="qb-2025-03-khdt")
    confirmed.certain = True  # a coordinator confirmed it; the data does not undo that
    confirmed.save()
    counts = restructuring.load_succession()
    assert counts["events"] == 1 and counts["corrected"] == 2
    event.refresh_from_db()
    assert "203/2025/QH15" in event.act
    line = SuccessionLink.objects.get(event__key="qb-2025-03-ldtbxh", successor__code="qb-so-nnmt")
    assert line.function == "giảm nghèo" and "giảm nghèo" in line.keywords
    assert SuccessionEvent.objects.get(key="qb-2025-03-khdt").certain
    assert AuditEntry.objects.filter(note="succession data corrected").count() == 2
    assert restructuring.load_succession()["corrected"] == 0


# --- who answers ------------------------------------------------------------------


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_every_task_lead_and_partners_before_and_after(today, day):
    tasks = list(Task.objects.current().filter(plan=today))
    answers = answering(tasks, day)
    found = {t.code: (_codes(answers[t.pk].leads), _codes(answers[t.pk].partners)) for t in tasks}
    expected = {code: rows[day] for code, rows in EXPECTED.items()}
    assert set(found) == set(expected)
    for code in expected:
        assert found[code] == expected[code], code


def test_opening_2026_asks_todays_bodies_and_the_41_communes(today):
    period = open_period(today, 2026, announce=False)
    asked = set(period.reports.values_list("agency__code", flat=True))
    active = [t for t in Task.objects.current().filter(plan=today) if t.is_active_in(2026)]
    bodies = {
        code
        for t in active
        for code in set.union(*EXPECTED[t.code][AFTER])
        if code not in QB_COMMUNES
    }
    assert bodies == QT_BODIES  # every provincial body answers a 2026 task
    assert asked == bodies | QB_COMMUNES
    assert not {"qt-xa-vinh-linh", "qt-xa-cua-tung", "qt-xa-vinh-hoang"} & asked
    assert year_summary(period, AFTER).expected == 56
    ba_don = period.reports.get(agency__code="qt-phuong-ba-don")
    assert {i.task.code for i in ba_don.items.filter(role="lead")} == {"I.6", "III.2"}


def test_a_commune_outside_the_territory_has_no_task_of_the_plan(today):
    vinh_linh = Agency.objects.get(code="qt-xa-vinh-linh")
    assert agency_tasks(vinh_linh, 2026) == []
    ba_don = Agency.objects.get(code="qt-phuong-ba-don")
    assert {i.task.code for i in agency_tasks(ba_don, 2026) if "lead" in i.roles} == {
        "I.6",
        "III.2",
    }


def test_the_territory_rule_and_changing_it(today, coordinator):
    area = territory_of(today)
    assert not area.chosen and _codes(area.areas) == {"qb-ubnd-tinh"}
    assert _codes(area.local_units_on(AFTER)) == QB_COMMUNES
    assert _codes(area.local_units_on(BEFORE)) == DISTRICTS
    whole = Agency.objects.get(code="qt-ubnd-tinh")
    set_territory(today, [whole], coordinator)
    assert len(territory_of(today).local_units_on(AFTER)) == 78
    task = Task.objects.get(plan=today, group__number="I", number="6")
    assert len(answering([task], AFTER)[task.pk].leads) == 78
    entry = AuditEntry.objects.filter(note="territory").latest("pk")
    assert entry.after == {"territory": ["qt-ubnd-tinh"]} and entry.before == {"territory": []}
    # Two districts only: their 8 communes and wards (khoản 1, 2, 72, 73 and 69–71).
    set_territory(today, list(Agency.objects.filter(code__in=["qb-ba-don", "qb-dong-hoi"])))
    assert _codes(territory_of(today).local_units_on(AFTER)) == {
        "qt-xa-nam-gianh",
        "qt-xa-nam-ba-don",
        "qt-phuong-ba-don",
        "qt-phuong-bac-gianh",
        "qt-phuong-dong-hoi",
        "qt-phuong-dong-thuan",
        "qt-phuong-dong-son",
    }
    with pytest.raises(TerritoryError, match="tỉnh hoặc đơn vị cấp huyện"):
        set_territory(today, [Agency.objects.get(code="qt-so-cong-thuong")])
    set_territory(today, [])
    assert _codes(territory_of(today).local_units_on(AFTER)) == QB_COMMUNES


def test_a_later_merger_of_communes_stays_in_the_territory(today, coordinator):
    from agencies.succession import EventSpec, LinkSpec, NewAgency

    a, b = (Agency.objects.get(code=c) for c in ("qt-xa-kim-dien", "qt-xa-kim-phu"))
    spec = EventSpec(
        "merge",
        dt.date(2027, 1, 1),
        "Nghị quyết thử",
        [
            LinkSpec(x, NewAgency("UBND xã Kim Hóa", "commune_committee", a.province))
            for x in (a, b)
        ],
    )
    spec.links[1].successor = spec.links[0].successor
    restructuring.apply(spec, coordinator)
    later = territory_of(today).local_units_on(dt.date(2027, 6, 1))
    assert "UBND xã Kim Hóa" in {u.name for u in later} and len(later) == 40


# --- names as of a date ------------------------------------------------------------


def test_no_agency_is_its_own_successor(today):
    codes = [
        "qb-so-cong-thuong",
        "qb-so-du-lich",
        "qb-so-ldtbxh",
        "qt-so-cong-thuong",
        "qb-bql-kkt",
    ]
    agencies = [Agency.objects.get(code=c) for c in codes]
    names = current_names(agencies, AFTER)
    assert names[agencies[0].pk] == (
        "Sở Công Thương tỉnh Quảng Bình (nay: Sở Công Thương tỉnh Quảng Trị)"
    )
    assert names[agencies[1].pk] == "Sở Du lịch (nay: Sở Văn hóa, Thể thao và Du lịch)"
    split = names[agencies[2].pk]
    for successor in ("Sở Nội vụ", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Nông nghiệp"):
        assert successor in split
    assert names[agencies[3].pk] == "Sở Công Thương"
    assert names[agencies[4].pk] == (
        "Ban Quản lý Khu kinh tế tỉnh Quảng Bình (nay: Ban Quản lý Khu kinh tế tỉnh Quảng Trị)"
    )
    steps = lineage(Agency.objects.get(code="qb-so-tnmt"), AFTER).steps
    merge = next(s for s in steps if s.effective == dt.date(2025, 3, 1))
    assert [a.code for a in merge.successors] == ["qb-so-nnmt"]  # once, not twice


def test_current_agencies_keep_their_names_without_reading_the_succession(
    today, django_assert_num_queries
):
    """The succession lines are read only when some agency has ended by the day."""
    current = [Agency.objects.get(code=c) for c in ("qt-so-cong-thuong", "qb-so-du-lich")]
    with django_assert_num_queries(0):
        assert current_names(current[:1], AFTER) == {current[0].pk: current[0].name}
    with django_assert_num_queries(0):
        assert current_names(current[1:], BEFORE) == {current[1].pk: current[1].name}
    names = current_names(current, AFTER)  # Sở Du lịch has ended: its successor named
    assert names[current[1].pk] == "Sở Du lịch (nay: Sở Văn hóa, Thể thao và Du lịch)"


def test_who_answers_names_each_task_as_of_its_date(today):
    tasks = {t.code: t for t in Task.objects.current().filter(plan=today)}
    picked = [tasks[c] for c in ("I.1", "I.5", "I.6", "VII.1")]
    before, after = who_answers(picked, BEFORE), who_answers(picked, AFTER)
    assert before[tasks["I.5"].pk].lead_label == "Sở Tài nguyên và Môi trường"
    assert after[tasks["I.5"].pk].lead_label == "Sở Nông nghiệp và Môi trường"
    assert after[tasks["I.6"].pk].lead_label == "UBND cấp xã (41 đơn vị)"
    assert before[tasks["I.6"].pk].lead_label == "UBND các huyện, thị xã, thành phố"
    assert after[tasks["VII.1"].pk].lead_label == "Sở Tài chính"
    partners = after[tasks["I.1"].pk].partners
    assert "qt-so-cong-thuong" not in {a.code for ref in partners for a, _name in ref.agencies}
    assert after[tasks["I.1"].pk].partner_label.startswith("Các sở, ban, ngành; UBND cấp xã")
    abolished = {"Sở Tài nguyên và Môi trường", "Sở Kế hoạch và Đầu tư"}
    for answer in after.values():
        assert not abolished & {name for ref in answer.leads for _a, name in ref.agencies}


# --- pages: search, the agency filter, the territory page ----------------------


def _run(plan, **params):
    return [t.code for t in filter_tasks(plan, parse_filter(plan, params))]


def test_search_finds_a_task_by_the_old_and_the_new_name(today):
    new = _run(today, q="so nong nghiep va moi truong")
    # The tasks it leads or partners by name (as Sở TN&MT or Sở NN&PTNT), not every task
    # of "Các sở, ban, ngành".
    assert set(new) == {"I.5", "II.1", "III.2", "III.4", "III.5", "III.6"}
    assert "I.5" in _run(today, q="so tai nguyen va moi truong")
    assert "I.5" in _run(today, q="Sở TN&MT")
    assert "IV.4" in _run(today, q="so xay dung") and "IV.4" in _run(today, q="so gtvt")
    assert _run(today, q="so van hoa the thao va du lich") == ["V.2", "VIII.2"]


def test_the_agency_filter_lists_todays_agencies(today):
    issued, current = agency_choices(today, AFTER)
    assert "qb-so-tnmt" in {c.agency.code for c in issued}
    labels = {c.agency.code: c.label for c in current}
    assert "qt-so-nnmt" in labels and "qt-phuong-ba-don" in labels
    assert "qt-xa-vinh-linh" not in labels
    assert labels["qt-so-cong-thuong"] == "Sở Công Thương tỉnh Quảng Trị"
    assert _run(today, agency="qt-so-nnmt", role="lead") == [
        "I.5",
        "II.1",
        "III.4",
        "III.5",
        "III.6",
    ]
    assert _run(today, agency="qt-phuong-ba-don", role="lead") == ["I.6", "III.2"]
    assert _run(today, agency="qt-xa-vinh-linh") == []
    assert _run(today, agency="qb-le-thuy", role="lead") == ["I.6", "III.2"]  # its last day


@pytest.mark.parametrize("role", ["admin", "coordinator", "reporter", "viewer"])
def test_the_territory_page_for_each_role(client, today, personas, role):
    client.force_login(personas[role])
    url = reverse("plans:territory", args=[today.code])
    html = client.get(url + "?on=2026-12-01").content.decode()
    assert 'id="territory-count"' in html and "41" in html and "qt-phuong-ba-don" in html
    assert "qt-xa-vinh-linh" not in html
    allowed = role in ("admin", "coordinator")
    assert ('id="territory-change"' in html) == allowed
    whole = Agency.objects.get(code="qt-ubnd-tinh")
    response = client.post(url, {"areas": [whole.pk]})
    assert response.status_code == (302 if allowed else 403)
    assert list(Plan.objects.get(pk=today.pk).territory.all()) == ([whole] if allowed else [])


def test_bad_territory_input_is_a_message_and_nothing_is_saved(client, today, coordinator):
    client.force_login(coordinator)
    url = reverse("plans:territory", args=[today.code])
    department = Agency.objects.get(code="qt-so-cong-thuong")
    for value in ["abc", str(department.pk), "999999"]:
        response = client.post(url, {"areas": [value]})
        assert response.status_code == 400
        assert 'id="areas-errors"' in response.content.decode()
    assert not Plan.objects.get(pk=today.pk).territory.exists()
    html = client.get(url + "?on=31/31/2026").content.decode()
    assert "không hợp lệ" in html


def test_a_commune_page_shows_what_it_was_formed_from(client, today, personas):
    client.force_login(personas["viewer"])
    html = client.get(reverse("agencies:detail", args=["qt-phuong-ba-don"])).content.decode()
    assert 'id="formed-from"' in html and "xã Quảng Hải" in html
    assert "Nghị quyết 1680/NQ-UBTVQH15" in html and "khoản 72" in html
    assert "Xây dựng và tổ chức thực hiện Kế hoạch trên địa bàn" in html  # its duties
    html = client.get(reverse("agencies:detail", args=["qt-xa-vinh-linh"])).content.decode()
    assert "Xây dựng và tổ chức thực hiện Kế hoạch trên địa bàn" not in html
    assert "UBND các huyện, thị xã, thành phố" not in html
    html = client.get(reverse("agencies:detail", args=["qb-ba-don"])).content.decode()
    assert 'id="territory-now"' in html and "UBND phường Bắc Gianh" in html


# --- the import sheet --------------------------------------------------------------


def test_a_commune_sheet_with_wrong_local_columns_saves_nothing(today):
    before = Agency.objects.count()
    text = (
        "code,name,kind,unit_type,province,formed_on,formed_from\n"
        "qt-xa-a,UBND xã A,commune_committee,thôn,qt-ubnd-tinh,,xã B\n"
        "qt-xa-c,UBND xã C,commune_committee,xã,qt-ubnd-tinh,qb-khong-co,xã D\n"
    )
    with pytest.raises(AgencyImportError) as info:
        import_agencies(read_rows(text.encode(), "x.csv"))
    errors = " ".join(info.value.errors)
    assert (
        "Dòng 2" in errors and "thôn" in errors and "Dòng 3" in errors and "qb-khong-co" in errors
    )
    assert Agency.objects.count() == before
    unit = Agency.objects.get(code="qt-phuong-bac-gianh")
    assert unit.unit_type == "phuong" and unit.admin_code == "19066"
    assert _codes(unit.formed_on.all()) == {"qb-ba-don"}
    assert [f["name"] for f in unit.formed_from] == [
        "phường Quảng Phúc",
        "phường Quảng Thọ",
        "phường Quảng Thuận",
    ]
    assert unit.formed_from[0]["district"] == "thị xã Ba Đồn"
