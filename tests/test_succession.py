"""Agencies through the 2025 restructuring: succession events, resolution by date,
the bundled data, reporting periods after a change, access, the change screen, the
agency import and the API."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import Workbook

from access import rules
from accounts.models import User
from agencies.importing import AgencyImportError, import_agencies, read_rows
from agencies.models import Agency, AgencyGroup, SuccessionEvent, SuccessionKind
from agencies.registry import load_registry
from agencies.succession import (
    EventSpec,
    Graph,
    LinkSpec,
    NewAgency,
    SuccessionError,
    lineage,
    validate,
)
from audit.models import AuditEntry
from plans.answering import answering
from plans.models import Task
from reporting import restructuring, workflow
from reporting.models import AgencyReport
from reporting.periods import open_period
from tests.conftest import ROLES

CODE = "qb-sxtdbv-2021"
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

# The lead agencies of every task of the seed plan, as the plan was issued (2024) and
# after the 2025 restructuring (2026). "communes" = the commune-level committees.
LEADS_2024 = {
    "I.1": {"qb-so-cong-thuong"},
    "I.2": {"qb-so-gddt", "qb-so-ldtbxh"},
    "I.3": {"qb-so-cong-thuong"},
    "I.4": {"qb-so-cong-thuong"},
    "I.5": {"qb-so-tnmt"},
    "I.6": DISTRICTS,
    "II.1": {"qb-so-tnmt"},
    "III.1": {"qb-so-cong-thuong"},
    "III.2": DISTRICTS,
    "III.3": {"qb-so-cong-thuong"},
    "III.4": {"qb-so-tnmt"},
    "III.5": {"qb-so-nnptnt"},
    "III.6": {"qb-so-nnptnt"},
    "IV.1": {"qb-so-cong-thuong"},
    "IV.2": {"qb-so-cong-thuong"},
    "IV.3": {"qb-so-cong-thuong"},
    "IV.4": {"qb-so-gtvt"},
    "V.1": {"qb-so-cong-thuong"},
    "V.2": {"qb-so-du-lich"},
    "VI.1": {"qb-so-cong-thuong"},
    "VII.1": {"qb-so-tai-chinh", "qb-so-khdt"},
    "VII.2": {"qb-so-khdt"},
    "VIII.1": {"qb-so-cong-thuong"},
    "VIII.2": {"qb-so-du-lich"},
    "IX.1": {"qb-so-khcn"},
    "IX.2": {"qb-so-khcn"},
}
LEADS_2026 = {
    "I.1": {"qt-so-cong-thuong"},
    "I.2": {"qt-so-gddt"},  # vocational education went from LĐTBXH to GD&ĐT
    "I.3": {"qt-so-cong-thuong"},
    "I.4": {"qt-so-cong-thuong"},
    "I.5": {"qt-so-nnmt"},
    "I.6": "communes",
    "II.1": {"qt-so-nnmt"},
    "III.1": {"qt-so-cong-thuong"},
    "III.2": "communes",
    "III.3": {"qt-so-cong-thuong"},
    "III.4": {"qt-so-nnmt"},
    "III.5": {"qt-so-nnmt"},
    "III.6": {"qt-so-nnmt"},
    "IV.1": {"qt-so-cong-thuong"},
    "IV.2": {"qt-so-cong-thuong"},
    "IV.3": {"qt-so-cong-thuong"},
    "IV.4": {"qt-so-xay-dung"},
    "V.1": {"qt-so-cong-thuong"},
    "V.2": {"qt-so-vhttdl"},
    "VI.1": {"qt-so-cong-thuong"},
    "VII.1": {"qt-so-tai-chinh"},
    "VII.2": {"qt-so-tai-chinh"},
    "VIII.1": {"qt-so-cong-thuong"},
    "VIII.2": {"qt-so-vhttdl"},
    "IX.1": {"qt-so-khcn"},
    "IX.2": {"qt-so-khcn"},
}


def _agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def _leads(plan, day):
    tasks = list(Task.objects.current().filter(plan=plan))
    answers = answering(tasks, day)
    return {t.code: {a.code for a in answers[t.pk].leads} for t in tasks}


def test_every_task_answers_to_the_old_agencies_in_2024_and_the_new_in_2026(restructured):
    # The plan's territory is the former Quảng Bình: its 41 communes and wards, not
    # the 37 units of the old Quảng Trị (tests/test_communes.py lists them).
    communes = set(
        Agency.objects.filter(
            kind="commune_committee", formed_on__province__code="qb-ubnd-tinh"
        ).values_list("code", flat=True)
    )
    assert len(communes) == 41
    assert _leads(restructured, dt.date(2024, 12, 10)) == LEADS_2024
    expected = {k: communes if v == "communes" else v for k, v in LEADS_2026.items()}
    assert _leads(restructured, dt.date(2026, 12, 10)) == expected


def test_partners_and_groups_resolve_by_date(restructured):
    tasks = {t.code: t for t in Task.objects.current().filter(plan=restructured)}
    before = answering([tasks["I.1"]], dt.date(2024, 6, 1))[tasks["I.1"].pk]
    after = answering([tasks["I.1"]], dt.date(2026, 6, 1))[tasks["I.1"].pk]
    assert {a.province.code for a in before.partners} == {"qb-ubnd-tinh"}
    assert {a.province.code for a in after.partners} == {"qt-ubnd-tinh"}
    districts = AgencyGroup.objects.get(code="qb-ubnd-cap-huyen")
    assert {a.code for a in districts.members_on(dt.date(2025, 6, 30))} == DISTRICTS
    assert districts.on(dt.date(2025, 7, 1)).code == "qb-ubnd-cap-xa"
    ref = next(r for r in after.references if r.wording.startswith("UBND các huyện"))
    assert ref.changed and ref.group.code == "qb-ubnd-cap-xa"
    # Open groups ("các đơn vị có liên quan") name nobody, before and after.
    assert answering([tasks["I.2"]], dt.date(2026, 6, 1))[tasks["I.2"].pk].partners == []


def test_opening_2026_creates_reports_for_todays_agencies_and_history_stays(restructured):
    open_period(restructured, 2024, announce=False)
    open_period(restructured, 2026, announce=False)
    old = set(AgencyReport.objects.filter(period__year=2024).values_list("agency__code", flat=True))
    new = set(AgencyReport.objects.filter(period__year=2026).values_list("agency__code", flat=True))
    assert all(code.startswith("qb-") for code in old) and "qb-so-du-lich" in old
    assert all(code.startswith("qt-") for code in new) and "qt-so-vhttdl" in new
    assert not {"qb-so-du-lich", "qb-so-khdt", "qb-so-ldtbxh"} & new
    history = lineage(_agency("qb-so-du-lich"), dt.date(2026, 1, 1))
    assert [a.code for a in history.now] == ["qt-so-vhttdl"]
    assert [(s.effective, s.kind) for s in history.steps] == [
        (dt.date(2025, 3, 1), SuccessionKind.MERGE),
        (dt.date(2025, 7, 1), SuccessionKind.MERGE),
    ]
    assert not history.steps[0].certain and history.steps[1].certain
    successor = lineage(_agency("qt-so-vhttdl"), dt.date(2026, 1, 1))
    assert {"qb-so-du-lich", "qb-so-vhtt", "qb-so-vhttdl"} <= {
        a.code for a in successor.predecessors
    }


def test_loading_the_bundled_data_twice_changes_nothing(restructured):
    entries = AuditEntry.objects.count()
    assert restructuring.load_succession()["events"] == 0
    load_registry()  # the 2021 registry does not undo the end dates
    assert _agency("qb-so-du-lich").valid_to == dt.date(2025, 2, 28)
    assert _agency("qb-dong-hoi").valid_to == dt.date(2025, 6, 30)
    assert AuditEntry.objects.count() == entries
    assert SuccessionEvent.objects.filter(certain=False).exists()  # the data says so


def test_users_move_with_their_agency_and_read_not_edit_the_old_reports(
    restructured, reporter, coordinator
):
    period = open_period(restructured, 2022, announce=False)
    old = period.reports.get(agency__code="qb-so-du-lich")
    # reporter was created after the events (fixture order); move them as a merge would.
    spec = EventSpec(
        SuccessionKind.MERGE,
        dt.date(2027, 1, 1),
        "Quyết định thử",
        [LinkSpec(_agency("qt-so-vhttdl"), NewAgency("Sở Văn hóa và Du lịch", "department"))],
    )
    reporter.agency = _agency("qt-so-vhttdl")
    reporter.save()
    event = restructuring.apply(spec, coordinator)
    reporter.refresh_from_db()
    assert reporter.agency.name == "Sở Văn hóa và Du lịch"
    assert reporter.agency.valid_from == dt.date(2027, 1, 1)
    assert _agency("qt-so-vhttdl").valid_to == dt.date(2026, 12, 31)
    assert AuditEntry.objects.filter(
        action="create", note="succession applied", object_id=str(event.pk)
    ).exists()
    reporter = User.objects.get(pk=reporter.pk)
    assert rules.can_read_report(reporter, old)  # a predecessor's report: read
    assert not workflow.can(reporter, workflow.EDIT, old)  # not edit
    assert not workflow.can(reporter, workflow.SUBMIT, old)


def test_a_transfer_moves_one_function_and_the_agency_goes_on(restructured, coordinator):
    spec = EventSpec(
        SuccessionKind.TRANSFER,
        dt.date(2027, 1, 1),
        "Quyết định chuyển chức năng",
        [
            LinkSpec(
                _agency("qt-so-cong-thuong"),
                _agency("qt-so-khcn"),
                "thương mại điện tử",
                ["thương mại điện tử", "điểm bán hàng việt"],
            )
        ],
    )
    restructuring.apply(spec, coordinator)
    leads = _leads(restructured, dt.date(2027, 6, 1))
    assert leads["IV.2"] == {"qt-so-khcn"}  # "Điểm bán hàng Việt"
    assert leads["I.1"] == {"qt-so-cong-thuong"}
    assert _agency("qt-so-cong-thuong").valid_to is None


def _count():
    return (SuccessionEvent.objects.count(), Agency.objects.count(), AuditEntry.objects.count())


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: EventSpec(
                SuccessionKind.MERGE,
                dt.date(2027, 1, 1),
                "QĐ",
                [LinkSpec(_agency("qt-so-vhttdl"), _agency("qb-so-du-lich"))],
            ),
            "thôi hoạt động",
        ),
        (
            lambda: EventSpec(
                SuccessionKind.MERGE,
                dt.date(2025, 5, 1),
                "QĐ",
                [LinkSpec(_agency("qt-so-y-te"), _agency("qt-so-noi-vu"))],
            ),
            "được thành lập ngày 01/07/2025",
        ),
        (
            lambda: EventSpec(
                SuccessionKind.SPLIT,
                dt.date(2027, 1, 1),
                "QĐ",
                [
                    LinkSpec(_agency("qt-so-y-te"), _agency("qt-so-noi-vu"), "dân số", ["dân số"]),
                    LinkSpec(_agency("qt-so-y-te"), None, "an toàn thực phẩm", ["thực phẩm"]),
                ],
            ),
            "chưa có đơn vị tiếp nhận",
        ),
        (
            lambda: EventSpec(
                SuccessionKind.SPLIT,
                dt.date(2027, 1, 1),
                "QĐ",
                [
                    LinkSpec(_agency("qt-so-y-te"), _agency("qt-so-noi-vu"), "dân số", ["dân số"]),
                    LinkSpec(
                        _agency("qt-so-y-te"),
                        _agency("qt-so-gddt"),
                        "y tế học đường",
                        ["học đường"],
                    ),
                ],
            ),
            "các chức năng còn lại",
        ),
        (
            lambda: EventSpec(
                SuccessionKind.ABOLITION,
                dt.date(2027, 1, 1),
                "",
                [LinkSpec(_agency("qt-so-y-te"), _agency("qt-so-noi-vu"))],
            ),
            "văn bản",
        ),
    ],
)
def test_bad_events_are_refused_and_nothing_is_applied(restructured, coordinator, build, message):
    before = _count()
    spec = build()
    assert any(message in e for e in validate(spec))
    with pytest.raises(SuccessionError, match=message):
        restructuring.apply(spec, coordinator)
    assert _count() == before


def test_a_cycle_is_refused(restructured, coordinator):
    a, b = _agency("qt-so-tu-phap"), _agency("qt-so-noi-vu")
    # Tư pháp takes over Nội vụ's function, then Nội vụ would succeed Tư pháp: a cycle.
    restructuring.apply(
        EventSpec(
            SuccessionKind.TRANSFER,
            dt.date(2027, 1, 1),
            "QĐ 1",
            [LinkSpec(b, a, "hộ tịch", ["hộ tịch"])],
        ),
        coordinator,
    )
    spec = EventSpec(SuccessionKind.MERGE, dt.date(2028, 1, 1), "QĐ 2", [LinkSpec(a, b)])
    assert any("vòng lặp" in e for e in validate(spec))


def test_resolution_costs_a_fixed_number_of_queries(restructured, django_assert_max_num_queries):
    tasks = list(Task.objects.current().filter(plan=restructured))
    graph = Graph.load()
    with django_assert_max_num_queries(12):
        answering(tasks, dt.date(2026, 12, 10), graph)


# --- agency import ------------------------------------------------------------


def test_agency_import_creates_and_corrects(restructured):
    text = (
        "mã,tên,loại,tỉnh,từ ngày,chắc chắn\n"
        "qt-xa-moi,UBND xã Mới,commune_committee,qt-ubnd-tinh,01/07/2025,không\n"
        "qt-phuong-dong-hoi,UBND phường Đồng Hới,xã,qt-ubnd-tinh,2025-07-01,có\n"
    )
    result = import_agencies(read_rows(text.encode(), "x.csv"))
    assert result.created == ["UBND xã Mới"] and result.uncertain == ["UBND xã Mới"]
    assert "Chưa xác nhận" in _agency("qt-xa-moi").note
    wb = Workbook()
    wb.active.append(["code", "name", "kind", "province"])
    wb.active.append(["qt-xa-khac", "UBND xã Khác", "commune_committee", "qt-ubnd-tinh"])
    out = io.BytesIO()
    wb.save(out)
    assert import_agencies(read_rows(out.getvalue(), "x.xlsx")).created == ["UBND xã Khác"]


def test_a_bad_agency_sheet_saves_nothing(restructured):
    before = Agency.objects.count()
    text = (
        "code,name,kind,province,valid_from\n"
        "qt-a,UBND xã A,commune_committee,qt-ubnd-tinh,01/07/2025\n"
        "qt-b,UBND xã B,hành tinh,qt-ubnd-tinh,01/07/2025\n"
        "qt-c,UBND xã C,commune_committee,khong-co,01/07/2025\n"
        "qt-d,UBND xã D,commune_committee,qt-ubnd-tinh,31/02/2025\n"
        ",,commune_committee,,\n"
    )
    with pytest.raises(AgencyImportError) as info:
        import_agencies(read_rows(text.encode(), "x.csv"))
    errors = " ".join(info.value.errors)
    assert "Dòng 3" in errors and "Dòng 4" in errors and "Dòng 5" in errors
    assert "Dòng 6" in errors and "thiếu tên" in errors
    assert Agency.objects.count() == before
    with pytest.raises(AgencyImportError, match="Chỉ nhận"):
        read_rows(b"x", "x.txt")
    with pytest.raises(AgencyImportError, match="UTF-8"):
        read_rows("tên\nXã".encode("utf-16"), "x.csv")


# --- pages --------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_change_screen_for_each_role(client, restructured, personas, role):
    client.force_login(personas[role])
    assert client.get(reverse("agencies:changes")).status_code == 200
    allowed = role in ("admin", "coordinator")
    assert client.get(reverse("agencies:change_new")).status_code == (200 if allowed else 403)
    assert client.get(reverse("agencies:import")).status_code == (200 if allowed else 403)
    event = SuccessionEvent.objects.filter(certain=False).first()
    response = client.post(reverse("agencies:changes"), {"event": event.pk})
    assert response.status_code == (302 if allowed else 403)
    event.refresh_from_db()
    assert event.certain == allowed


def _change(data: dict) -> dict:
    """The change form's POST: row fields ``successor_1`` as the formset's ``after-0-…``."""
    out = {"after-TOTAL_FORMS": "3", "after-INITIAL_FORMS": "0"}
    for key, value in data.items():
        match = re.fullmatch(r"(successor|new_name|new_kind|function|keywords)_(\d)", key)
        out[f"after-{int(match[2]) - 1}-{match[1]}" if match else key] = value
    return out


def test_a_coordinator_previews_then_applies_a_change(client, restructured, coordinator):
    client.force_login(coordinator)
    data = {
        "kind": "merge",
        "effective": "01/01/2027",
        "act": "Quyết định 1/QĐ-UBND",
        "predecessor": ["qt-so-tu-phap"],
        "successor_1": "qt-so-noi-vu",
        "certain": "on",
    }
    response = client.post(reverse("agencies:change_new"), _change({**data, "action": "preview"}))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="preview"' in html
    assert not SuccessionEvent.objects.filter(act="Quyết định 1/QĐ-UBND").exists()
    response = client.post(reverse("agencies:change_new"), _change({**data, "action": "apply"}))
    assert response.status_code == 302
    assert _agency("qt-so-tu-phap").valid_to == dt.date(2026, 12, 31)


def test_the_change_screen_preview_lists_tasks_and_users(client, restructured, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("agencies:change_new"),
        _change(
            {
                "kind": "merge",
                "effective": "01/01/2027",
                "act": "QĐ",
                "predecessor": ["qb-so-cong-thuong"],
                "successor_1": "qt-so-cong-thuong",
                "action": "preview",
            }
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400  # Sở Công Thương (QB) already has a successor
    assert "đã có đơn vị kế thừa" in html
    response = client.post(
        reverse("agencies:change_new"),
        _change(
            {
                "kind": "merge",
                "effective": "01/01/2027",
                "act": "QĐ",
                "predecessor": ["qt-so-cong-thuong"],
                "new_name_1": "Sở Công Thương và Khoa học",
                "new_kind_1": "department",
                "action": "preview",
            }
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200 and "coordinator" in html  # the coordinator moves
    assert "I.1" in html and "Sở Công Thương và Khoa học" in html


@pytest.mark.parametrize("value", ["2027-13-45", "hôm qua", ""])
def test_a_wrong_date_is_a_clear_message(client, restructured, coordinator, value):
    client.force_login(coordinator)
    before = _count()
    response = client.post(
        reverse("agencies:change_new"),
        _change(
            {
                "kind": "merge",
                "effective": value,
                "act": "QĐ",
                "predecessor": ["qt-so-tu-phap"],
                "successor_1": "qt-so-noi-vu",
                "action": "apply",
            }
        ),
    )
    assert response.status_code == 400
    assert "ngày/tháng/năm" in response.content.decode()
    assert _count() == before


def test_agency_page_shows_the_lineage_and_reports_under_both_names(client, restructured, personas):
    period = open_period(restructured, 2023, announce=False)
    report = period.reports.get(agency__code="qb-so-du-lich")
    client.force_login(personas["viewer"])
    html = client.get(reverse("agencies:detail", args=["qb-so-du-lich"])).content.decode()
    assert 'id="now-answering"' in html and "qt-so-vhttdl" in html
    assert 'id="lineage"' in html and "01/03/2025" in html and "01/07/2025" in html
    assert reverse("reporting:report", args=[report.pk]) in html
    html = client.get(reverse("agencies:detail", args=["qt-so-vhttdl"]) + "?year=2026").content
    html = html.decode()
    assert "V.2" in html and "thay cho Sở Du lịch" in html
    page = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert "Sở Du lịch (nay: Sở Văn hóa, Thể thao và Du lịch)" in page


def test_task_table_as_issued_and_as_of_a_date(client, restructured, personas):
    client.force_login(personas["viewer"])
    url = reverse("plans:tasks", args=[CODE])
    issued = client.get(url).content.decode()
    assert "Sở Kế hoạch và Đầu tư" in issued
    today = client.get(url + "?as_of=2026-01-01").content.decode()
    row = today[today.index('data-task="VII.2"') : today.index('data-task="VIII.1"')]
    assert 'data-agency="qt-so-tai-chinh"' in row and "Sở Kế hoạch và Đầu tư" in row
    bad = client.get(url + "?as_of=31-31-2026").content.decode()
    assert "không hợp lệ" in bad


# --- API ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_api_lineage_and_tasks_as_of_for_each_role(client, restructured, personas, role):
    client.force_login(personas[role])
    body = client.get("/api/v1/agencies/qb-so-ldtbxh/lineage").json()
    assert body["agency"]["valid_to"] == "2025-02-28"
    assert {e["kind"] for e in body["events"]} >= {"split"}
    assert {a["code"] for a in body["successors"]} >= {"qb-so-noi-vu", "qb-so-gddt", "qb-so-y-te"}
    pk = _agency("qb-so-du-lich").pk
    assert client.get(f"/api/v1/agencies/{pk}/lineage").json()["answering_today"][0]["code"] == (
        "qt-so-vhttdl"
    )
    tasks = client.get(f"/api/v1/plans/{CODE}/tasks?as_of=2026-12-10").json()
    leads = {t["code"]: {a["code"] for a in t["lead"]} for t in tasks}
    assert leads["VII.2"] == {"qt-so-tai-chinh"} and leads["I.2"] == {"qt-so-gddt"}
    tasks = client.get(f"/api/v1/plans/{CODE}/tasks?as_of=2024-12-10").json()
    assert {a["code"] for a in next(t for t in tasks if t["code"] == "VII.2")["lead"]} == {
        "qb-so-khdt"
    }


def test_api_errors(client, restructured, personas):
    assert client.get("/api/v1/agencies/qb-so-du-lich/lineage").status_code == 401
    client.force_login(personas["viewer"])
    assert client.get("/api/v1/agencies/nope/lineage").status_code == 404
    bad = client.get(f"/api/v1/plans/{CODE}/tasks?as_of=10/12/2026")
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.json()["fields"]["as_of"]
    assert client.get("/api/v1/plans/nope/tasks").status_code == 404


def test_reports_made_today_are_issued_by_todays_coordinator(restructured):
    from documents.content import Kind, assemble

    report = assemble(restructured, [2026], Kind.ANNUAL, dt.date(2026, 11, 23))
    assert report.parent_body == "UBND TỈNH QUẢNG TRỊ"
    assert report.date_line == "Quảng Trị, ngày 23 tháng 11 năm 2026"
    before = assemble(restructured, [2024], Kind.ANNUAL, dt.date(2025, 1, 6))
    assert before.parent_body == "UBND TỈNH QUẢNG BÌNH"
