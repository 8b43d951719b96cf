"""The quicker ways of making a document make the same document (issue 17): a
workbook's row cells styled as the named style they stand for, docxtpl's cleaned
template XML kept on disk and the same as docxtpl's own, the filled Word document
the same with it, and the groups' members read from their provinces only the same
as each group's own query."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docxtpl import DocxTemplate
from openpyxl import Workbook

from agencies.models import AgencyGroup
from agencies.succession import Graph
from documents import excel, word
from documents.content import Kind, assemble
from documents.template import default_template
from plans.answering import _members
from plans.models import Assignment

TODAY = dt.date(2026, 3, 1)


def test_row_cells_take_the_style_their_named_style_gives():
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    sheet = excel._Sheet(ws, "Tiêu đề", "Nguồn", ["TT", "Nội dung", "Tiền"], [6, 40, 16])
    rows = [
        ([1, "Sở Công Thương", 1_500_000], {}),
        ([2, "=HYPERLINK(1)", "không rõ"], {}),  # text in a money column: not money
        (["", "Tổng", 2_000_000], {"bold": True}),
        ([3, "Cộng", None], {"center_cols": (0, 1)}),
    ]
    for values, options in rows:
        sheet.add(values, money_cols=(2,), **options)
    reference = wb.create_sheet("reference")
    styles = excel._STYLES[wb]
    for r, (values, options) in enumerate(rows, start=5):
        center = options.get("center_cols", (0,))
        for c, value in enumerate(values):
            money = c == 2 and isinstance(value, int)
            horizontal = "right" if money else "center" if c in center else None
            expected = reference.cell(r, c + 1)
            expected.style = styles.name(
                bold=options.get("bold", False), horizontal=horizontal, money=money
            )
            cell = ws.cell(r, c + 1)
            assert cell.value == value
            assert tuple(cell._style) == tuple(expected._style), (r, c)
            assert cell.style == expected.style
    assert ws.cell(6, 2).data_type == "s"  # text stays text
    assert ws.cell(5, 3).number_format == excel.MONEY
    assert ws.cell(6, 3).number_format == "General"
    assert ws.cell(5, 1)._style is not ws.cell(6, 1)._style  # each cell its own array


def test_cleaned_template_xml_is_kept_on_disk_and_is_docxtpls_own(monkeypatch, tmp_path):
    monkeypatch.setattr(word, "_patched_dir", lambda: tmp_path)
    xml = "<w:p><w:r><w:t>{{</w:t></w:r><w:r><w:t> title }}</w:t></w:r></w:p>"
    made = []

    def patch(src):
        made.append(src)
        return DocxTemplate.patch_xml(None, src)  # type: ignore[arg-type]

    first = word._kept_patch(xml, patch)
    again = word._kept_patch(xml, patch)
    assert first == again == DocxTemplate.patch_xml(None, xml)  # type: ignore[arg-type]
    assert "{{ title }}" in first
    assert made == [xml]  # read back from disk the second time
    assert len(list(tmp_path.iterdir())) == 1
    word._kept_patch(xml + " ", patch)
    assert len(made) == 2  # other XML, other cleaning


def _body(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml")


def test_the_word_document_is_the_same_with_the_kept_cleaning(demo, monkeypatch, tmp_path):
    monkeypatch.setattr(word, "_patched_dir", lambda: tmp_path)
    report = assemble(demo, [2024], Kind.ANNUAL, TODAY)
    template = default_template()
    kept = word._template_class()
    made = []
    for cls in (DocxTemplate, kept, kept):  # docxtpl's own, then made, then read back
        monkeypatch.setattr(word, "_template_class", lambda cls=cls: cls)
        made.append(_body(word._fill(report, word._open(template))))
    assert made[0] == made[1] == made[2]
    assert list(tmp_path.iterdir())


def test_groups_by_kind_have_the_members_of_their_own_query(demo):
    graph = Graph.load()
    groups = {
        a.group.pk: a.group
        for a in Assignment.objects.filter(task__plan=demo, group__isnull=False).select_related(
            "group__scope"
        )
        if a.group is not None
    }
    for day in (dt.date(2024, 12, 31), dt.date(2026, 1, 1)):
        on_day = list({g.on(day).pk: g.on(day) for g in groups.values()}.values())
        by_kind = [g for g in on_day if g.rule == AgencyGroup.Rule.BY_KIND]
        assert by_kind and any(g.scope_id for g in by_kind)
        members = _members(on_day, day, graph)
        for group in by_kind:
            own = group.members_on(day, province_on=graph.province_on).order_by("name")
            assert [a.pk for a in members[group.pk]] == [a.pk for a in own], (group, day)
        assert any(members[g.pk] for g in by_kind if g.scope_id)  # not all empty


def test_text_is_checked_and_cut_as_openpyxl_does():
    from openpyxl.utils.exceptions import IllegalCharacterError

    ws = Workbook().active
    assert ws is not None
    texts = ["Sở", "=HYPERLINK(1)", "#N/A", "a\tb\nc\r", "x" * 40_000, "\u202eHà Nội 🌱"]
    for row, text in enumerate(texts, start=1):
        ours, theirs = ws.cell(row, 1), ws.cell(row, 2)
        excel._text(ours, text)
        theirs.value = text
        assert ours.value == theirs.value and ours.data_type == "s"
    assert len(ws.cell(5, 1).value) == excel.MAX_TEXT
    for bad in ("\x00", "a\x0bb", "\x1f", "\x08"):
        for cell_text in (lambda c, t: excel._text(c, t), lambda c, t: setattr(c, "value", t)):
            try:
                cell_text(ws.cell(1, 3), bad)
            except IllegalCharacterError:
                continue
            raise AssertionError(f"{bad!r} was taken")
    excel._text(ws.cell(1, 4), 12)
    assert ws.cell(1, 4).value == 12 and ws.cell(1, 4).data_type == "n"


def test_the_cycle_collector_is_paused_while_a_document_is_made_and_set_back(monkeypatch):
    import gc

    from documents import generate, sandbox

    seen = []

    def fake_build(*args, **kwargs):
        seen.append(gc.isenabled())
        seen.append(sandbox.run_bounded(lambda: b"on" if gc.isenabled() else b"off"))
        return "made"

    monkeypatch.setattr(generate, "_build", fake_build)
    was = gc.isenabled()
    try:
        gc.enable()
        assert generate.build(None, Kind.ANNUAL, [2024], "xlsx") == "made"  # type: ignore[arg-type]
        assert gc.isenabled()
        gc.disable()
        generate.build(None, Kind.ANNUAL, [2024], "xlsx")  # type: ignore[arg-type]
        assert not gc.isenabled()  # left as it was found
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False, b"on", False, b"on"]  # the template's child collects as usual


def test_a_kept_chart_is_the_drawn_one_and_is_drawn_once_for_the_same_data(
    demo, monkeypatch, tmp_path
):
    from documents import charts

    monkeypatch.setattr(charts, "_charts_dir", lambda: tmp_path)
    report = assemble(demo, [2024], Kind.ANNUAL, TODAY)
    drawn = []
    real = charts._draw_targets

    def counting(*data):
        drawn.append(data)
        return real(*data)

    monkeypatch.setattr(charts, "_draw_targets", counting)
    first = charts.add_charts(report).charts["targets"].png
    again = charts.add_charts(assemble(demo, [2024], Kind.ANNUAL, TODAY)).charts["targets"].png
    assert len(drawn) == 1 and first == again  # read back from disk the second time
    assert first == real(*drawn[0])  # the kept bytes are the drawing's own
    assert len(list(tmp_path.glob("*.png"))) == 1
    other = assemble(demo, [2024], Kind.ANNUAL, TODAY)
    other.targets = other.targets[1:]
    charts.add_charts(other)
    assert len(drawn) == 2 and len(list(tmp_path.glob("*.png"))) == 2  # other data, drawn
    monkeypatch.setattr(charts, "KEEP_CHARTS", 1)
    other.targets = other.targets[1:]
    charts.add_charts(other)
    assert len(list(tmp_path.glob("*.png"))) == 1  # only the newest kept
