"""The plan importer: the seed and other documents in every supported format,
the wordings it must understand, bad files, saving and new versions."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from agencies.models import Agency, AgencyGroup, AgencyKind
from plans.format import SEED_PLAN, export_plan, plan_queryset
from plans.importer import DocumentError, ImportFailure
from plans.importing import import_document, save_result
from plans.models import Plan, PlanImport, PlanVersion, Task

DOCS = Path(__file__).resolve().parent / "documents"
SEED_TXT = (
    Path(__file__).resolve().parent.parent
    / "plans"
    / "data"
    / ("ke-hoach-sxtdbv-quang-binh-2021.txt")
)
HA_TINH = [
    "ha-tinh-57-kh-ubnd-2021.docx",
    "ha-tinh-57-kh-ubnd-2021.md",
    "ha-tinh-57-kh-ubnd-2021.pdf",
]


def _import(path: Path, **kw):
    return import_document(path.read_bytes(), path.name, **kw)


def _bundled():
    return json.loads(SEED_PLAN.read_text("utf-8"))


@pytest.mark.parametrize("path", [SEED_TXT, DOCS / "seed-quang-binh-2021.docx"])
def test_seed_imports_to_exactly_the_bundled_plan(registry, path):
    result = _import(path)
    bundled = _bundled()
    for key in bundled:
        if key == "task_groups":
            for got, want in zip(result.plan[key], bundled[key], strict=True):
                assert {k: v for k, v in got.items() if k != "tasks"} == {
                    k: v for k, v in want.items() if k != "tasks"
                }
                for got_task, want_task in zip(got["tasks"], want["tasks"], strict=True):
                    assert got_task == want_task, f"{got['number']}.{got_task['number']}"
        elif key in ("targets", "duties"):
            for got, want in zip(result.plan[key], bundled[key], strict=True):
                assert got == want
            assert len(result.plan[key]) == len(bundled[key])
        else:
            assert result.plan[key] == bundled[key], key
    assert result.plan == bundled


def test_seed_warns_about_its_contradictory_programme_number(registry):
    result = _import(SEED_TXT)
    messages = [w.message for w in result.warnings]
    assert any("889/QĐ-CP" in m and "889/QĐ-TTg" in m for m in messages)
    assert len(result.warnings) == 1


def test_seed_keeps_the_documents_own_wording(registry):
    result = _import(SEED_TXT)
    assert result.wordings["III.2"]["partners"] == ["Sở Công Thương", "Sở NN&PTNT", "các làng nghề"]


def test_every_line_of_the_seed_is_mapped_or_warned(registry):
    result = _import(SEED_TXT)
    warned = {w.where for w in result.warnings}
    lines = SEED_TXT.read_text("utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if line.strip():
            where = f"dòng {number}"
            assert where in result.roles or where in warned, (number, line)


def test_importing_the_seed_again_reads_the_same_plan(registry):
    # How long an import takes is measured by bench/one_province.py, not asserted here.
    data = SEED_TXT.read_bytes()
    first = import_document(data, "seed.txt")
    assert import_document(data, "seed.txt").plan == first.plan


@pytest.mark.parametrize("name", HA_TINH)
def test_another_provinces_plan_in_every_format(registry, name):
    result = _import(DOCS / name)
    plan = result.plan
    assert plan["issuer"] == "UBND tỉnh Hà Tĩnh"
    assert plan["decision"] == {"number": "57/KH-UBND", "date": "2021-03-08"}
    assert plan["implements"] == [{"number": "889/QĐ-TTg", "date": "2020-06-24"}]
    assert plan["period"] == {"start": 2021, "end": 2030}
    assert plan["report_due"] == {"month": 12, "day": 5}
    assert plan["coordinator"] == "Sở Công Thương"
    assert plan["code"] == "ht-sxtdbv-2021"
    assert plan["title"].startswith("Kế hoạch triển khai thực hiện Chương trình")
    assert plan["general_objective"].startswith("Thúc đẩy sản xuất và tiêu dùng bền vững")
    targets = [
        (t["milestone"], t["measure"], t["min"], t["max"], t["unit"]) for t in plan["targets"]
    ]
    assert targets == [
        (2025, "reduction", 5, 8, "%"),  # "Tiết kiệm từ 5% đến 8%"
        (2025, "count", 3, None, "mô hình"),  # "Tối thiểu 03 mô hình"
        (2025, "share", 90, None, "%"),  # "Trên 90%"
        (2025, "share", 100, None, "%"),
        (2025, "count", 1, 2, "chuỗi liên kết"),  # "Đạt 01- 02 chuỗi"
        (2025, "reduction", 40, 50, "%"),  # "40-50% … và 30% …" is two targets
        (2025, "reduction", 30, None, "%"),
        (2030, "reduction", 7, 10, "%"),
        (2030, "qualitative", None, None, None),
    ]
    groups = plan["task_groups"]
    assert [(g["number"], len(g["tasks"])) for g in groups] == [("1", 3), ("2", 6)]
    tasks = {f"{g['number']}.{t['number']}": t for g in groups for t in g["tasks"]}
    expected = {
        "1.1": (["Đài Phát thanh và Truyền hình tỉnh"], ("Hằng năm", 2021, 2030, "annual", False)),
        "1.2": (["Sở Giáo dục và Đào tạo"], ("Giai đoạn 2021-2025", 2021, 2025, "period", False)),
        "1.3": (
            ["Sở Công Thương", "Sở Nông nghiệp và Phát triển nông thôn"],
            ("Quý IV hằng năm", 2021, 2030, "annual", False),
        ),
        "2.1": (["Sở Tài nguyên và Môi trường"], ("Năm 2022", 2022, 2022, "once", False)),
        "2.2": (["Sở Kế hoạch và Đầu tư"], ("Quý III/2022", 2022, 2022, "once", False)),
        "2.3": (["Sở Khoa học và Công nghệ"], ("Thường xuyên", 2021, 2030, "annual", False)),
        "2.4": (
            ["Sở Văn hóa, Thể thao và Du lịch"],
            ("Năm 2023; cập nhật khi có thay đổi", 2023, 2023, "once", True),
        ),
        "2.5": (
            ["Sở Lao động - Thương binh và Xã hội"],
            ("2021 – 2023 (và khi có sự thay đổi)", 2021, 2023, "period", True),
        ),
        "2.6": (["Sở Giao thông vận tải"], ("2021-2030", 2021, 2030, "period", False)),
    }
    for code, (lead, (text, start, end, recurrence, on_change)) in expected.items():
        assert tasks[code]["lead"] == lead, code
        assert tasks[code]["timeframe"] == {
            "text": text,
            "start": start,
            "end": end,
            "recurrence": recurrence,
            "on_change": on_change,
        }
    assert tasks["1.1"]["output"] == "Tin, bài"
    assert tasks["2.2"]["content"].endswith("(Trình UBND tỉnh)")  # the note column is kept
    assert tasks["2.6"]["partners"] == ["Sở Tài chính", "Sở Kế hoạch và Đầu tư"]
    assert tasks["1.3"]["partners"] == ["UBND các huyện, thành phố, thị xã"]
    proposed = {n.canonical for n in result.proposed}
    assert {"UBND tỉnh Hà Tĩnh", "Hội Liên hiệp Phụ nữ tỉnh", "Sở Công Thương"} <= proposed
    assert all(
        "chưa có trong danh mục" in w.message
        for w in result.warnings
        if w.where != "(tài liệu)" or "danh mục" in w.message
    )


def test_a_new_provinces_plan_is_saved_with_its_agencies(registry):
    result = _import(DOCS / HA_TINH[0])
    plan, _changes = save_result(result, source=HA_TINH[0])
    province = Agency.objects.get(name="UBND tỉnh Hà Tĩnh")
    assert province.kind == AgencyKind.PROVINCE_COMMITTEE
    sct = Agency.objects.get(name="Sở Công Thương", province=province)
    assert sct.kind == AgencyKind.DEPARTMENT
    assert plan.coordinator == sct and plan.issuer == province
    # Quảng Bình's Sở Công Thương is untouched and distinct.
    assert Agency.objects.get(code="qb-so-cong-thuong").province.code == "qb-ubnd-tinh"
    assert AgencyGroup.objects.filter(
        name="UBND các huyện, thành phố, thị xã", scope=province
    ).exists()
    assert export_plan(plan_queryset().get(pk=plan.pk)) == result.plan
    assert plan.version == 1 and PlanVersion.objects.filter(plan=plan).count() == 1


def _revised_seed() -> bytes:
    """The seed revised: task I.3 removed (I.4-I.6 renumbered), V.1 made annual, a
    task added to group IX."""
    lines = SEED_TXT.read_text("utf-8").splitlines()
    out = []
    renumber = False
    for line in lines:
        cells = line.split("\t")
        if cells[0] == "3" and cells[1].startswith("Tổ chức học tập kinh nghiệm"):
            renumber = True
            continue
        if renumber and cells[0] in ("4", "5", "6"):
            cells[0] = str(int(cells[0]) - 1)
        if cells[0] == "II":
            renumber = False
        if cells[0] == "1" and cells[1].startswith("Hỗ trợ cung cấp thông tin"):
            cells[4] = "Hàng năm"
        out.append("\t".join(cells))
    out.append(
        "3\tPhổ biến mô hình kinh tế tuần hoàn trong doanh nghiệp\tSở Công Thương\t"
        "Các doanh nghiệp\tNăm 2026"
    )
    return "\n".join(out).encode("utf-8")


def test_reimporting_a_revised_plan_makes_a_new_version_and_keeps_task_identity(plan):
    before = {
        t.code: t.pk for t in Task.objects.current().filter(plan=plan).select_related("group")
    }
    result = import_document(_revised_seed(), "ke-hoach-sua-doi.txt")
    plan, changes = save_result(result, source="ke-hoach-sua-doi.txt")
    assert plan.version == 2
    assert changes["tasks"]["removed"] == ["I.3"]
    assert changes["tasks"]["added"] == ["IX.3"]
    changed = {c["code"]: c["fields"] for c in changes["tasks"]["changed"]}
    assert changed["V.1"]["timeframe"][1]["recurrence"] == "annual"
    assert changed["I.3"]["code"] == ["I.4", "I.3"]  # renumbered, same task
    after = {t.code: t.pk for t in Task.objects.current().filter(plan=plan).select_related("group")}
    assert after["I.3"] == before["I.4"] and after["V.1"] == before["V.1"]
    removed = Task.objects.get(pk=before["I.3"])
    assert removed.retired is True  # kept for the reports made against it
    assert Task.objects.current().filter(plan=plan).count() == 26
    version = PlanVersion.objects.get(plan=plan, number=2)
    assert version.source == "ke-hoach-sua-doi.txt"


def test_reimporting_the_same_plan_changes_nothing(plan):
    result = _import(SEED_TXT)
    plan, changes = save_result(result)
    assert changes["tasks"] == {"added": [], "removed": [], "changed": []}
    assert plan.version == 1 and PlanVersion.objects.filter(plan=plan).count() == 1


# Bad input ---------------------------------------------------------------------


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (120 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "ke-hoach.txt", "Tệp rỗng"),
        (b"not a zip at all", "ke-hoach.docx", "không phải tệp Word"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "ke-hoach.docx", "tệp Word cũ"),
        (None, "bomb.docx", "nén bất thường"),
        ((DOCS / "bad-encrypted.pdf").read_bytes(), "mat.pdf", "mật khẩu"),
        ((DOCS / "bad-image-only.pdf").read_bytes(), "scan.pdf", "không có chữ"),
        (b"%PDF-1.4 garbage", "hong.pdf", "Không đọc được tệp PDF"),
        (b"x" * (50 * 1024 * 1024), "lon.txt", "quá lớn"),
        (bytes(range(1, 256)) * 40, "rac.txt", "không phải văn bản"),
        (b"\x00\x01garbage" * 100, "rac2.txt", "không phải văn bản"),
        (b"K\xe1 ho\xe1ch t\xean c\xfb", "cu.txt", "UTF-8"),
        (b"MZ\x90\x00", "virus.exe", "Chỉ nhận tệp"),
    ],
)
def test_bad_files_are_refused_with_the_reason(registry, data, name, message):
    if data is None:
        data = _zip_bomb()
    with pytest.raises(DocumentError, match=message):
        import_document(data, name)


def test_a_document_with_no_appendix_is_refused(registry):
    text = SEED_TXT.read_text("utf-8").split("PHU LỤC")[0]
    with pytest.raises(ImportFailure, match="Không tìm thấy bảng phụ lục"):
        import_document(text.encode(), "khong-phu-luc.txt")


def test_a_table_missing_the_lead_column_is_refused(registry):
    text = SEED_TXT.read_text("utf-8").replace("\tĐơn vị chủ trì", "\tGhi nhận")
    with pytest.raises(ImportFailure, match="Không tìm thấy bảng phụ lục"):
        import_document(text.encode(), "thieu-cot.txt")


def test_a_row_missing_cells_is_warned_and_kept(registry):
    text = SEED_TXT.read_text("utf-8").replace(
        "Tham gia các khóa đào tạo về du lịch bền vững do Bộ Văn hóa, Thể thao và Du lịch tổ "
        "chức\tSở Du lịch\tCác sở, ban, ngành, UBND các huyện, thị xã, thành phố và các đơn vị "
        "có liên quan\t2021-2030",
        "Tham gia các khóa đào tạo về du lịch bền vững do Bộ Văn hóa, Thể thao và Du lịch tổ "
        "chức\tSở Du lịch",
    )
    result = import_document(text.encode(), "thieu-o.txt")
    assert any("cột" in w.message for w in result.warnings)
    assert any("VIII.2" in w.message and "thời gian" in w.message for w in result.warnings)


def test_html_in_cells_is_removed_never_kept(registry):
    text = SEED_TXT.read_text("utf-8").replace(
        "Tập huấn, phổ biến các chính sách",
        "<script>alert(1)</script><b>Tập huấn</b>, phổ biến các chính sách",
    )
    result = import_document(text.encode(), "html.txt")
    content = result.plan["task_groups"][0]["tasks"][0]["content"]
    assert "<" not in content and content.startswith("alert(1) Tập huấn")


def test_import_command_dry_run_json_prints_the_plan_and_saves_nothing(registry, capsys):
    call_command("import_plan", str(SEED_TXT), "--dry-run", "--json")
    printed = json.loads(capsys.readouterr().out)
    warnings = printed.pop("warnings")
    assert printed == _bundled() and len(warnings) == 1
    assert Plan.objects.count() == 0


def test_import_command_saves_in_one_transaction(registry, capsys):
    call_command("import_plan", str(DOCS / HA_TINH[0]))
    assert Plan.objects.get(code="ht-sxtdbv-2021").version == 1


@pytest.mark.parametrize("name", ["bad-encrypted.pdf", "bad-image-only.pdf"])
def test_import_command_fails_with_a_message(registry, name):
    with pytest.raises(CommandError, match=name):
        call_command("import_plan", str(DOCS / name))
    assert (
        Plan.objects.count() == 0 and Agency.objects.filter(note__contains="Đề xuất").count() == 0
    )


def test_import_command_exits_non_zero(tmp_path):
    import subprocess
    import sys

    empty = tmp_path / "rong.txt"
    empty.write_bytes(b"")
    run = subprocess.run(
        [sys.executable, "manage.py", "import_plan", str(empty), "--dry-run"],
        capture_output=True,
        text=True,
        cwd=SEED_PLAN.parent.parent.parent,
        check=False,
    )
    assert run.returncode != 0 and "Tệp rỗng" in run.stderr


def test_an_annual_plan_with_a_two_row_table_header(registry):
    result = _import(DOCS / "nghe-an-123-kh-ubnd-2022.docx")
    plan = result.plan
    assert plan["period"] == {"start": 2022, "end": 2022}
    assert plan["issuer"] == "UBND tỉnh Nghệ An"
    assert plan["decision"] == {"number": "123/KH-UBND", "date": "2022-04-15"}
    assert plan["implements"] == [{"number": "889/QĐ-TTg", "date": "2020-06-24"}]
    assert plan["coordinator"] == "Sở Công Thương"  # the yearly report goes there
    assert plan["report_due"] == {"month": 11, "day": 30}
    assert [(t["milestone"], t["measure"], t["min"], t["unit"]) for t in plan["targets"]] == [
        (2022, "count", 5, "lớp tập huấn"),
        (2022, "share", 80, "%"),
        (2022, "count", 2, "doanh nghiệp"),
    ]
    groups = plan["task_groups"]
    assert [(g["number"], len(g["tasks"])) for g in groups] == [("I", 2), ("II", 1)]
    first = groups[0]["tasks"][0]
    assert first["lead"] == ["Sở Công Thương"] and first["partners"] == ["Sở Khoa học và Công nghệ"]
    assert first["output"] == "05 lớp" and first["timeframe"]["recurrence"] == "once"
    last = groups[1]["tasks"][0]
    assert last["content"].endswith("(ưu tiên doanh nghiệp nhỏ và vừa)")  # continuation row
    assert last["timeframe"]["start"] == last["timeframe"]["end"] == 2022
    assert [d["agency"] for d in plan["duties"]] == [
        "Sở Công Thương",
        "Các sở, ban, ngành, UBND các huyện, thành phố, thị xã",
    ]


@pytest.mark.parametrize(
    "name", [*HA_TINH, "nghe-an-123-kh-ubnd-2022.docx", "seed-quang-binh-2021.docx"]
)
def test_every_part_of_other_documents_is_mapped_or_warned(registry, name):
    result = _import(DOCS / name)
    warned = {w.where for w in result.warnings}
    for where, text in result.source_lines:
        assert where in result.roles or where in warned, (where, text)


def test_review_page_query_count_does_not_grow_with_the_document(
    client, coordinator, django_assert_max_num_queries
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(coordinator)
    for path in (DOCS / "nghe-an-123-kh-ubnd-2022.docx", SEED_TXT):
        client.post(
            reverse("plans:import"), {"document": SimpleUploadedFile(path.name, path.read_bytes())}
        )
    small, large = PlanImport.objects.order_by("pk")
    counts = []
    for item in (small, large):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("plans:import_review", args=[item.pk]))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 20
