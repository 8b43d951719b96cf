"""The bundled seed plan (Quyết định 800/QĐ-UBND) is in the database exactly as
the document says it: checked field by field against a table written from the
document, and against the appendix of the bundled .txt itself."""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from plans.format import export_plan, plan_queryset

SEED_TXT = (
    Path(__file__).resolve().parent.parent
    / "plans"
    / "data"
    / ("ke-hoach-sxtdbv-quang-binh-2021.txt")
)

ALL = "Các sở, ban, ngành"
DIST = "UBND các huyện, thị xã, thành phố"
REL = "các đơn vị có liên quan"
STD = [ALL, DIST, REL]
SCT = "Sở Công Thương"
TNMT = "Sở Tài nguyên và Môi trường"
NN = "Sở Nông nghiệp và Phát triển nông thôn"
KHCN = "Sở Khoa học và Công nghệ"
DL = "Sở Du lịch"
ANNUAL = ("Hàng năm", 2021, 2030, "annual", False)
P2125 = ("2021-2025", 2021, 2025, "period", False)
P2130 = ("2021-2030", 2021, 2030, "period", False)
CHANGE = ("2021-2023 (và khi có sự thay đổi)", 2021, 2023, "period", True)

# task code -> (lead, partners, (timeframe text, start, end, recurrence, on_change))
EXPECTED_TASKS = {
    "I.1": ([SCT], STD, ANNUAL),
    "I.2": (
        ["Sở Giáo dục và Đào tạo", "Sở Lao động – Thương binh và Xã hội"],
        ["Các trường phổ thông", "các cơ sở giáo dục nghề nghiệp trên địa bàn tỉnh"],
        P2125,
    ),
    "I.3": ([SCT], [ALL, DIST], P2125),
    "I.4": (
        [SCT],
        [DIST, "các đơn vị liên quan"],
        ("2021 – 2023 (và khi có sự thay đổi)", 2021, 2023, "period", True),
    ),
    "I.5": ([TNMT], ["Các Sở, ban, ngành", DIST, REL], ANNUAL),
    "I.6": ([DIST], ["UBND cấp xã", REL], ANNUAL),
    "II.1": ([TNMT], STD, P2125),
    "III.1": ([SCT], STD, P2130),
    "III.2": ([DIST], [SCT, NN, "các làng nghề"], P2130),
    "III.3": ([SCT], STD, P2130),
    "III.4": ([TNMT], STD, P2130),
    "III.5": ([NN], STD, ANNUAL),
    "III.6": ([NN], STD, P2130),
    "IV.1": ([SCT], STD, P2130),
    "IV.2": ([SCT], STD, P2130),
    "IV.3": ([SCT], STD, P2130),
    "IV.4": (["Sở Giao thông Vận tải"], STD, P2130),
    "V.1": ([SCT], STD, P2130),
    "V.2": ([DL], STD, CHANGE),
    "VI.1": ([SCT], STD, P2130),
    "VII.1": (["Sở Tài chính", "Sở Kế hoạch và Đầu tư"], STD, CHANGE),
    "VII.2": (["Sở Kế hoạch và Đầu tư"], [ALL, DIST], P2130),
    "VIII.1": ([SCT], [ALL, DIST, "các doanh nghiệp", REL], P2130),
    "VIII.2": ([DL], STD, P2130),
    "IX.1": ([KHCN], STD, P2130),
    "IX.2": ([KHCN], STD, P2130),
}

IND = [
    "dệt may",
    "thép",
    "nhựa",
    "hoá chất",
    "xi măng",
    "rượu bia nước giải khát",
    "giấy",
    "chế biến thủy hải sản",
]
# (milestone, measure, min, max, unit, the words the text starts with)
EXPECTED_TARGETS = [
    (2025, "reduction", 5, 8, "%", "Giảm 5 - 8% mức tiêu hao"),
    (2025, "count", 4, 6, "mô hình", "Xây dựng, áp dụng từ 04 - 06 mô hình"),
    (2025, "count", 1, 2, "chuỗi liên kết", "Xây dựng 01- 02 chuỗi liên kết"),
    (2025, "share", 70, None, "%", "70% các khu, cụm công nghiệp"),
    (2025, "share", 85, None, "%", "85% các siêu thị"),
    (2025, "reduction", 40, 50, "%", "Giảm thiểu ít nhất 40-50% túi nhựa"),
    (2025, "reduction", 30, None, "%", "Giảm thiểu ít nhất 30% túi nhựa"),
    (2025, "share", 100, None, "%", "100% các huyện, thị xã, thành phố"),
    (2025, "share", 100, None, "%", "100% các cơ quan nhà nước"),
    (2030, "reduction", 7, 10, "%", "Giảm 7-10% mức tiêu hao"),
    (2030, "count", 5, 6, "mô hình", "Xây dựng, áp dụng từ 05 - 06 mô hình"),
    (2030, "count", 2, 3, "chuỗi liên kết", "Xây dựng 02- 03 chuỗi liên kết"),
    (2030, "share", 100, None, "%", "100% các khu, cụm công nghiệp"),
    (2030, "share", 100, None, "%", "100% các siêu thị"),
    (2030, "reduction", 50, 60, "%", "Giảm thiểu ít nhất 50-60% túi nhựa"),
    (2030, "reduction", 40, None, "%", "Giảm thiểu ít nhất 40% túi nhựa"),
    (2030, "qualitative", None, None, None, "Phổ biến các mô hình về áp dụng sản xuất sạch"),
]


@pytest.fixture
def exported(plan):
    return export_plan(plan_queryset().get(pk=plan.pk))


def _tasks(doc):
    return {f"{g['number']}.{t['number']}": t for g in doc["task_groups"] for t in g["tasks"]}


def test_plan_header_is_as_the_decision_says(exported):
    assert exported["format"] == "planwatch.plan/1"
    assert exported["issuer"] == "UBND tỉnh Quảng Bình"
    assert exported["decision"] == {"number": "800/QĐ-UBND", "date": "2021-05-19"}
    assert exported["implements"] == [{"number": "889/QĐ-TTg", "date": "2020-06-24"}]
    assert exported["period"] == {"start": 2021, "end": 2030}
    assert exported["coordinator"] == "Sở Công Thương"
    assert exported["report_due"] == {"month": 12, "day": 10}
    assert exported["general_objective"].startswith("Thúc đẩy quản lý, khai thác")
    assert "việc làm ổn định và việc làm xanh" in exported["general_objective"]


def test_seed_has_nine_groups_and_twenty_six_tasks(exported):
    assert [g["number"] for g in exported["task_groups"]] == [
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "VII",
        "VIII",
        "IX",
    ]
    assert [len(g["tasks"]) for g in exported["task_groups"]] == [6, 1, 6, 4, 2, 1, 2, 2, 2]
    assert exported["task_groups"][3]["title"] == (
        "Phát triển hệ thống phân phối bền vững, xuất nhập khẩu bền vững"
    )
    assert exported["task_groups"][8]["title"] == (
        "Phát triển khoa học công nghệ thúc đẩy sản xuất và tiêu dùng bền vững"
    )


@pytest.mark.parametrize("code", list(EXPECTED_TASKS))
def test_every_task_has_its_lead_partners_and_timeframe(exported, code):
    task = _tasks(exported)[code]
    lead, partners, (text, start, end, recurrence, on_change) = EXPECTED_TASKS[code]
    assert task["lead"] == lead
    assert task["partners"] == partners
    assert task["timeframe"] == {
        "text": text,
        "start": start,
        "end": end,
        "recurrence": recurrence,
        "on_change": on_change,
    }
    assert task["output"] is None


def test_task_contents_match_the_appendix_of_the_document(exported):
    """Read the appendix rows of the bundled .txt and compare every content cell."""
    text = SEED_TXT.read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if "\t" in line]
    group = None
    from_document = {}
    for cells in rows[1:]:
        first = cells[0].strip()
        roman = re.match(r"^([IVX]+)\b", first)
        if roman:
            group = roman.group(1)
            continue
        content = re.sub(r"</?p>", "", cells[1]).strip()
        from_document[f"{group}.{first}"] = content
    assert len(from_document) == 26
    assert {code: t["content"] for code, t in _tasks(exported).items()} == from_document


def test_no_html_survives_in_the_plan(exported):
    assert "<" not in json.dumps(exported, ensure_ascii=False)


def test_targets_are_nine_for_2025_and_eight_for_2030(exported):
    targets = exported["targets"]
    assert len(targets) == 17
    assert sum(t["milestone"] == 2025 for t in targets) == 9
    assert sum(t["milestone"] == 2030 for t in targets) == 8
    for target, (milestone, measure, lo, hi, unit, start) in zip(
        targets, EXPECTED_TARGETS, strict=True
    ):
        assert (
            target["milestone"],
            target["measure"],
            target["min"],
            target["max"],
            target["unit"],
        ) == (milestone, measure, lo, hi, unit)
        assert target["text"].startswith(start), target["text"]
        assert "✓" not in target["text"]
    assert targets[0]["breakdown"] == IND
    assert targets[5]["breakdown"] == ["chợ đạt chuẩn nông thôn mới nâng cao"]
    assert targets[6]["breakdown"] == ["chợ đạt chuẩn nông thôn mới"]


def test_standing_duties_of_section_five(exported):
    assert [d["agency"] for d in exported["duties"]] == [
        "Sở Công Thương",
        "Sở Tài chính",
        "Sở Kế hoạch và Đầu tư",
        "Các sở, ban, ngành có liên quan",
        "UBND các huyện, thị xã, thành phố",
        "Các sở, ban, ngành, địa phương và các đơn vị liên quan",
    ]
    assert [len(d["items"]) for d in exported["duties"]] == [3, 1, 2, 1, 2, 1]
    assert "trước ngày 10/12 hàng năm" in exported["duties"][5]["items"][0]


def test_export_plan_command_prints_the_bundled_plan(plan, capsys):
    call_command("export_plan")
    printed = json.loads(capsys.readouterr().out)
    bundled = json.loads((SEED_TXT.parent / "qb-sxtdbv-2021.plan.json").read_text("utf-8"))
    assert printed == bundled


def test_assignments_point_to_agencies_or_groups(plan):
    from plans.models import Assignment

    expected = sum(len(lead) + len(partners) for lead, partners, _tf in EXPECTED_TASKS.values())
    assert Assignment.objects.filter(task__plan=plan).count() == expected == 102
    sdl = Assignment.objects.get(
        task__plan=plan, task__group__number="V", task__number="2", role="lead"
    )
    assert sdl.agency.code == "qb-so-du-lich" and sdl.group is None
    nn = Assignment.objects.get(
        task__group__number="III", task__number="2", role="partner", position=2
    )
    assert nn.wording == "Sở NN&PTNT" and nn.agency.code == "qb-so-nnptnt"
