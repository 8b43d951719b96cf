"""Funding: money parsing, the whole cycle for every role, versions, summaries that add
up, spending above the allocation, Excel, pages, the API, the demo and the report."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from access.lookups import get_budget_for_user
from agencies.models import Agency
from audit.models import AuditEntry
from budget import excel, services
from budget.models import BudgetLine, BudgetState, BudgetVersion, Decision, Source
from budget.summary import plan_figures, reported_spending, year_figures
from budget.templatetags.money import dong
from plans.models import Task
from tests.conftest import ROLES

CODE = "qb-sxtdbv-2021"


def _task(plan, code):
    return next(t for t in Task.objects.current().filter(plan=plan) if t.code == code)


@pytest.fixture
def funded(demo_reports, personas):
    """The 2022 funding of the seed plan with the demo reporting years (whose spending
    the summaries read)."""
    return services.budget_for(demo_reports, 2022, create=True)


def _line(budget, actor, task="VIII.2", agency=None, amount="20.000.000", source=Source.PROVINCIAL):
    line, _warnings = services.save_line(
        budget,
        actor,
        {
            "task": _task(budget.plan, task),
            "agency": agency,
            "source": source,
            "content": "Lớp tập huấn",
            "amount": amount,
        },
    )
    return line


# --- money ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1250000000", 1_250_000_000),
        ("1.250.000.000", 1_250_000_000),
        ("1 250 000 000 đ", 1_250_000_000),
        (1250000000, 1_250_000_000),
        (1250000000.0, 1_250_000_000),
        ("15.000.000 VNĐ", 15_000_000),
    ],
)
def test_money_entered_either_way(text, value):
    assert services.parse_amount(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5000000", "âm"),
        ("1250000,5", "phần lẻ"),
        ("12.5", "phần lẻ"),
        (12.5, "phần lẻ"),
        ("mười triệu", "không phải số tiền"),
        ("1.25.000", "không phải số tiền"),
        ("", "chưa nhập"),
        (10**16, "vượt"),
    ],
)
def test_bad_money_is_refused_in_vietnamese(text, message):
    with pytest.raises(services.BudgetError, match=message):
        services.parse_amount(text)


@given(st.integers(min_value=0, max_value=10**15))
def test_money_round_trips_through_its_display(value):
    assert services.parse_amount(dong(value)) == value


def test_money_display():
    assert dong(1_250_000_000) == "1.250.000.000 đ"
    assert services.plausibility_warning(2 * 10**11, "x")
    assert services.plausibility_warning(10**9, "x") is None


# --- the cycle ----------------------------------------------------------------


def test_the_whole_cycle_with_versions_and_audit(funded, personas):
    reporter, coordinator, finance = (
        personas["reporter"],
        personas["coordinator"],
        personas["finance"],
    )
    mine = _line(funded, reporter)  # Sở Du lịch leads VIII.2
    assert mine.agency == reporter.agency
    other = _line(funded, coordinator, "I.1", personas["coordinator"].agency, "100000000")
    services.submit(funded, coordinator)
    funded.refresh_from_db()
    assert funded.state == BudgetState.SUBMITTED
    with pytest.raises(services.BudgetError, match="Chỉ đơn vị lập dự toán"):
        _line(funded, reporter)  # a submitted proposal is immutable
    services.appraise_line(mine, finance, Decision.ACCEPTED)
    services.appraise_line(other, finance, Decision.REDUCED, "80.000.000", "Theo định mức")
    services.return_budget(funded, finance, "Bổ sung thuyết minh")
    funded.refresh_from_db()
    assert funded.state == BudgetState.RETURNED
    services.save_line(
        funded,
        coordinator,
        {
            "task": other.task,
            "agency": other.agency,
            "source": Source.PROVINCIAL,
            "content": "Hội nghị, có thuyết minh",
            "amount": 90_000_000,
        },
        other,
    )
    services.submit(funded, coordinator)
    assert BudgetLine.objects.get(pk=other.pk).decision == Decision.PENDING  # appraised anew
    services.appraise_line(mine, finance, Decision.ACCEPTED)
    with pytest.raises(services.BudgetError, match="chưa thẩm định"):
        services.complete_appraisal(funded, finance)
    services.appraise_line(other, finance, Decision.REJECTED, reason="Trùng nhiệm vụ")
    services.complete_appraisal(funded, finance)
    with pytest.raises(services.BudgetError, match="số quyết định"):
        services.allocate(funded, finance, "", None)
    services.allocate(funded, finance, "123/QĐ-UBND", dt.date(2021, 12, 20))
    funded.refresh_from_db()
    assert funded.state == BudgetState.ALLOCATED
    assert BudgetLine.objects.get(pk=mine.pk).allocated_amount == 20_000_000
    assert BudgetLine.objects.get(pk=other.pk).allocated_amount == 0
    kinds = list(funded.versions.order_by("number").values_list("kind", flat=True))
    assert kinds == ["submission", "return", "submission", "appraisal", "allocation"]
    first = funded.versions.get(number=1)
    assert {line["amount"] for line in first.data["lines"]} == {20_000_000, 100_000_000}
    notes = set(AuditEntry.objects.values_list("note", flat=True))
    assert {"proposal submitted", "proposal returned", "appraisal", "allocation recorded"} <= notes


@pytest.mark.parametrize(
    ("who", "call", "message"),
    [
        ("finance", lambda b, p: _line(b, p["finance"]), "Chỉ đơn vị lập dự toán"),
        ("viewer", lambda b, p: _line(b, p["viewer"]), "Chỉ đơn vị lập dự toán"),
        (
            "reporter",
            lambda b, p: _line(b, p["reporter"], "I.1", p["coordinator"].agency),
            "chỉ lập dự toán của mình",
        ),
        ("reporter", lambda b, p: _line(b, p["reporter"], "I.2"), "không chủ trì hay phối hợp"),
        ("reporter", lambda b, p: _line(b, p["reporter"], amount="-1"), "âm"),
        ("reporter", lambda b, p: _line(b, p["reporter"], amount="1,5"), "phần lẻ"),
        ("reporter", lambda b, p: services.submit(b, p["reporter"]), "Chỉ Sở Công Thương"),
        ("coordinator", lambda b, p: services.submit(b, p["coordinator"]), "chưa có dòng"),
    ],
)
def test_bad_input_and_wrong_roles_save_nothing(funded, personas, who, call, message):
    before = (BudgetLine.objects.count(), BudgetVersion.objects.count())
    with pytest.raises(services.BudgetError, match=message):
        call(funded, personas)
    assert (BudgetLine.objects.count(), BudgetVersion.objects.count()) == before


def test_a_reporter_cannot_appraise_and_finance_cannot_edit(funded, personas):
    line = _line(funded, personas["reporter"])
    services.submit(funded, personas["coordinator"])
    with pytest.raises(services.BudgetError, match="Chỉ Sở Tài chính"):
        services.appraise_line(line, personas["reporter"], Decision.ACCEPTED)
    with pytest.raises(services.BudgetError, match="Ghi lý do giảm"):
        services.appraise_line(line, personas["finance"], Decision.REDUCED, "10000000")
    with pytest.raises(services.BudgetError, match="nhỏ hơn"):
        services.appraise_line(line, personas["finance"], Decision.REDUCED, "30000000", "x")


def test_an_estimate_for_a_task_not_active_that_year(plan, personas):
    budget = services.budget_for(plan, 2027, create=True)
    with pytest.raises(services.BudgetError, match="không triển khai trong năm 2027"):
        _line(budget, personas["coordinator"], "I.2", personas["coordinator"].agency)


def test_an_implausible_amount_is_a_warning_and_is_saved(funded, personas):
    _line_obj, warnings = services.save_line(
        funded,
        personas["reporter"],
        {
            "task": _task(funded.plan, "VIII.2"),
            "source": Source.PROVINCIAL,
            "content": "Xây dựng trung tâm",
            "amount": "500.000.000.000",
        },
    )
    assert warnings and "rất lớn" in warnings[0]


def test_a_stale_revision_overwrites_nothing(funded, personas):
    revision = funded.revision
    _line(funded, personas["reporter"])
    with pytest.raises(services.StaleBudget):
        services.submit(funded, personas["coordinator"], revision=revision)


# --- summaries ----------------------------------------------------------------


def test_summaries_add_up_and_spending_above_the_allocation_is_flagged(funded, personas):
    plan = funded.plan
    spent = reported_spending(plan, 2022)
    coordinator = personas["coordinator"]
    for (task_id, agency_id), money in list(spent.items())[:6]:
        task = Task.objects.get(pk=task_id)
        services.save_line(
            funded,
            coordinator,
            {
                "task": task,
                "agency": Agency.objects.get(pk=agency_id),
                "source": Source.PROVINCIAL,
                "content": "Chi theo báo cáo",
                "amount": money,
            },
        )
    services.submit(funded, coordinator)
    lines = list(funded.lines.all())
    for n, line in enumerate(lines):
        if n == 0:
            services.appraise_line(
                line, personas["finance"], Decision.REDUCED, line.amount // 2, "x"
            )
        else:
            services.appraise_line(line, personas["finance"], Decision.ACCEPTED)
    services.complete_appraisal(funded, personas["finance"])
    services.allocate(funded, personas["finance"], "1/QĐ-UBND", dt.date(2021, 12, 1))
    figures = year_figures(plan, 2022)
    total = figures.total
    assert total.estimated == sum(line.amount for line in funded.lines.all())
    assert total.allocated == sum(line.allocated_amount for line in funded.lines.all())
    assert total.spent == sum(lf.spent for lf in figures.lines)
    for breakdown in (figures.by_group, figures.by_agency, figures.by_source):
        for attr in ("estimated", "appraised", "allocated", "spent"):
            assert sum(getattr(f, attr) for f in breakdown) == getattr(total, attr)
    assert len(figures.over) == 1  # the halved line spent its full estimate
    assert total.rate == round(100 * total.spent / total.allocated, 1)
    (row,) = [r for r in plan_figures(plan) if r[0] == 2022]
    assert row[1].estimated == total.estimated and row[1].spent == total.spent


# --- Excel ----------------------------------------------------------------------


def test_excel_round_trip_replaces_the_agencys_lines(funded, personas):
    reporter = personas["reporter"]
    _line(funded, reporter)
    data = excel.build_workbook(funded, reporter.agency)
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    ws.cell(excel.FIRST_ROW, 7).value = "35.000.000"
    ws.cell(excel.FIRST_ROW, 6).value = '=HYPERLINK("http://x","y")'
    ws.cell(excel.FIRST_ROW, 6).data_type = "s"  # text an agency typed, not a formula
    ws.cell(excel.FIRST_ROW + 1, 2).value = "V.2"
    ws.cell(excel.FIRST_ROW + 1, 4).value = reporter.agency.code
    ws.cell(excel.FIRST_ROW + 1, 6).value = "Hướng dẫn cơ sở lưu trú"
    ws.cell(excel.FIRST_ROW + 1, 7).value = 12000000
    ws.cell(excel.FIRST_ROW + 1, 8).value = "Xã hội hóa"
    out = io.BytesIO()
    wb.save(out)
    count, _warnings = excel.apply_workbook(funded, reporter, out.getvalue())
    assert count == 2
    lines = {line.task.code: line for line in funded.lines.select_related("task")}
    assert lines["VIII.2"].amount == 35_000_000 and lines["V.2"].source == Source.OTHER
    assert lines["VIII.2"].content.startswith("=HYPERLINK")
    again = load_workbook(io.BytesIO(excel.build_workbook(funded)))
    cells = [c for row in again.active.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)


def test_a_bad_excel_file_saves_nothing(funded, personas):
    reporter = personas["reporter"]
    _line(funded, reporter)
    wb = load_workbook(io.BytesIO(excel.build_workbook(funded, reporter.agency)))
    ws = wb.active
    ws.cell(excel.FIRST_ROW, 7).value = "-5"
    ws.cell(excel.FIRST_ROW + 1, 2).value = "XX.9"
    ws.cell(excel.FIRST_ROW + 1, 4).value = reporter.agency.code
    ws.cell(excel.FIRST_ROW + 1, 8).value = "Ngân sách tỉnh"
    out = io.BytesIO()
    wb.save(out)
    before = list(funded.lines.values_list("amount", flat=True))
    with pytest.raises(services.BudgetError) as info:
        excel.apply_workbook(funded, reporter, out.getvalue())
    assert "XX.9" in " ".join(info.value.errors)
    assert list(funded.lines.values_list("amount", flat=True)) == before
    with pytest.raises(services.BudgetError, match="không phải tệp Excel"):
        excel.apply_workbook(funded, reporter, b"not excel")


# --- pages and API ----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_year_page_for_each_role(client, funded, personas, role):
    _line(funded, personas["reporter"])
    _line(funded, personas["coordinator"], "I.1", personas["coordinator"].agency)
    client.force_login(personas[role])
    response = client.get(reverse("budget:year", args=[CODE, 2022]))
    assert response.status_code == 200
    html = response.content.decode()
    rows = html.count("data-line=")
    assert rows == (1 if role == "reporter" else 0 if role == "other_reporter" else 2)
    assert ('id="add-line"' in html) == (
        role in ("admin", "coordinator", "reporter", "other_reporter")
    )
    assert ('id="submit-budget"' in html) == (role in ("admin", "coordinator"))


@pytest.mark.parametrize("role", ROLES)
def test_appraisal_through_the_page_for_each_role(client, funded, personas, role):
    line = _line(funded, personas["reporter"])
    services.submit(funded, personas["coordinator"])
    client.force_login(personas[role])
    response = client.post(
        reverse("budget:appraise", args=[CODE, 2022, line.pk]), {"decision": "accepted"}
    )
    line.refresh_from_db()
    if role in ("admin", "finance"):
        assert response.status_code == 302 and line.decision == Decision.ACCEPTED
    else:
        assert response.status_code == 403 and line.decision == Decision.PENDING


def test_finance_cannot_edit_an_estimate_through_the_page(client, funded, personas):
    line = _line(funded, personas["reporter"])
    client.force_login(personas["finance"])
    response = client.post(
        reverse("budget:line_edit", args=[CODE, 2022, line.pk]),
        {
            "task": line.task_id,
            "agency": line.agency.code,
            "source": "provincial",
            "content": "x",
            "amount": "1",
        },
    )
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.amount == 20_000_000


@pytest.mark.parametrize("role", ROLES)
def test_api_budget_for_each_role(client, funded, personas, role):
    line = _line(funded, personas["reporter"])
    services.submit(funded, personas["coordinator"])
    client.force_login(personas[role])
    body = client.get(f"/api/v1/plans/{CODE}/years/2022/budget").json()
    assert len(body["lines"]) == (0 if role == "other_reporter" else 1)
    assert body["total"]["estimated"] == (0 if role == "other_reporter" else 20_000_000)
    response = client.post(
        f"/api/v1/plans/{CODE}/years/2022/budget/lines/{line.pk}/appraisal",
        {"decision": "reduced", "amount": "15.000.000", "reason": "Định mức"},
        content_type="application/json",
    )
    assert response.status_code == (200 if role in ("admin", "finance") else 403)


def test_api_errors(client, funded, personas):
    assert client.get(f"/api/v1/plans/{CODE}/years/2022/budget").status_code == 401
    client.force_login(personas["finance"])
    assert client.get(f"/api/v1/plans/{CODE}/years/2023/budget").status_code == 404
    assert client.get(f"/api/v1/plans/{CODE}/years/1999/budget").status_code == 404
    line = _line(funded, personas["reporter"])
    services.submit(funded, personas["coordinator"])
    bad = client.post(
        f"/api/v1/plans/{CODE}/years/2022/budget/lines/{line.pk}/appraisal",
        {"decision": "reduced", "amount": "1,5", "reason": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "phần lẻ" in bad.json()["message"]


def test_the_demo_funding_adds_up_and_reaches_the_report(demo):
    from documents.content import Kind, assemble

    plan = demo
    rows = plan_figures(plan)
    assert [y for y, _f, _s in rows] == [2021, 2022, 2023, 2024, 2025]
    for year, totals, _state in rows:
        lines = BudgetLine.objects.filter(budget__plan=plan, budget__year=year)
        assert totals.estimated == sum(line.amount for line in lines)
        assert totals.allocated == sum(line.allocated_amount or 0 for line in lines)
    report = assemble(plan, [2024], Kind.ANNUAL)
    assert report.budget_available
    assert report.funds_total.estimated == rows[3][1].estimated
    assert report.funds_total.allocated == rows[3][1].allocated
    assert sum(f.estimated for f in report.funds) == report.funds_total.estimated


def test_the_figures_lines_are_the_models_rows_in_the_pages_order(funded, personas):
    """budget.summary reads lines as rows (Line), not models: each holds what its model
    and its task, group and agency say, in the order the pages list them."""
    from budget.summary import years_figures

    for task in ("V.2", "I.1", "I.3"):
        _line(funded, personas["reporter"], task)
    _line(funded, personas["coordinator"], "I.1", Agency.objects.get(code="qb-so-tai-chinh"))
    models = list(
        BudgetLine.objects.filter(budget=funded)
        .select_related("task__group", "agency")
        .order_by("task__group__position", "task__position", "agency__name", "pk")
    )
    lines = [lf.line for lf in year_figures(funded.plan, 2022).lines]
    assert lines == [lf.line for lf in years_figures(funded.plan, [2022])[2022].lines]
    assert [ln.pk for ln in lines] == [m.pk for m in models]
    for line, model in zip(lines, models, strict=True):
        for name in ("task_id", "agency_id", "source", "content", "amount", "decision"):
            assert getattr(line, name) == getattr(model, name)
        for name in ("appraised_amount", "reason", "allocated_amount"):
            assert getattr(line, name) == getattr(model, name)
        assert line.task_code == model.task.code and line.group_id == model.task.group_id
        assert line.group_label == f"{model.task.group.number}. {model.task.group.title}"
        assert (line.agency_code, line.agency_name) == (model.agency.code, model.agency.name)


def test_year_page_lists_versions_without_reading_their_frozen_lines(client, funded, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _line(funded, personas["reporter"])
    services.submit(funded, personas["coordinator"])
    client.force_login(personas["coordinator"])
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("budget:year", args=[CODE, 2022])).content.decode()
    assert '<ul class="small" id="versions"><li>v1 · ' in page
    versions = [q["sql"] for q in ctx.captured_queries if 'FROM "budget_budgetversion"' in q["sql"]]
    assert len(versions) == 1 and '"budget_budgetversion"."data"' not in versions[0]


def test_year_page_queries_do_not_grow_with_the_lines(client, funded, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas["coordinator"])
    url = reverse("budget:year", args=[CODE, 2022])
    _line(funded, personas["reporter"])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for task in ("V.2", "I.1", "I.3", "III.1", "IV.1"):
        _line(funded, personas["reporter"], task)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_who_may_estimate_is_read_on_the_years_due_date_not_a_fixed_day(plan):
    from reporting import restructuring
    from reporting.periods import open_period

    restructuring.load_succession()  # the district level ends on 30/6/2025
    district = Agency.objects.get(code="qb-dong-hoi")
    plan.report_due_month, plan.report_due_day = 6, 30
    plan.save(update_fields=["report_due_month", "report_due_day"])
    responsible = services.answering_agencies(plan, 2025)
    assert any(district.pk in agencies for agencies in responsible.values())
    # A coordinator moved the year's deadline to 10/12: the period's date wins.
    open_period(plan, 2025, due_date=dt.date(2025, 12, 10), announce=False)
    responsible = services.answering_agencies(plan, 2025)
    assert not any(district.pk in agencies for agencies in responsible.values())


# --- every step through the pages -------------------------------------------------


def _year_url(year=2022):
    return reverse("budget:year", args=[CODE, year])


def _step_url(step, year=2022, line=None):
    args = [CODE, year] if line is None else [CODE, year, line]
    return reverse(f"budget:{step}", args=args)


def _add(client, plan, task, amount, agency=None, revision=None, content="Lớp tập huấn"):
    data = {
        "task": _task(plan, task).pk,
        "source": "provincial",
        "amount": amount,
        "content": content,
    }
    if agency:
        data["agency"] = agency
    if revision is not None:
        data["revision"] = revision
    return client.post(_step_url("line_add"), data)


def test_the_whole_cycle_through_the_year_page(client, funded, personas):
    plan = funded.plan
    client.force_login(personas["reporter"])
    assert _add(client, plan, "VIII.2", "20.000.000", revision=funded.revision).status_code == 302
    assert "Đã lưu dòng dự toán" in client.get(_year_url()).content.decode()
    mine = BudgetLine.objects.get(budget=funded, task__number="2", task__group__number="VIII")
    assert mine.agency == personas["reporter"].agency and mine.amount == 20_000_000

    client.force_login(personas["coordinator"])
    sct = personas["coordinator"].agency.code
    assert _add(client, plan, "I.1", "90000000", agency=sct).status_code == 302
    assert _add(client, plan, "I.3", "5.000.000", agency=sct).status_code == 302
    other, extra = BudgetLine.objects.filter(budget=funded).exclude(pk=mine.pk).order_by("pk")
    funded.refresh_from_db()
    edit = {
        "revision": funded.revision,
        "task": other.task_id,
        "agency": sct,
        "source": "central",
        "content": "Hội nghị tập huấn",
        "amount": "100.000.000",
    }
    assert client.post(_step_url("line_edit", line=other.pk), edit).status_code == 302
    other.refresh_from_db()
    assert (other.amount, other.source, other.content) == (
        100_000_000,
        Source.CENTRAL,
        "Hội nghị tập huấn",
    )
    assert client.post(_step_url("line_delete", line=extra.pk)).status_code == 302
    assert not BudgetLine.objects.filter(pk=extra.pk).exists()
    funded.refresh_from_db()
    response = client.post(_step_url("submit"), {"revision": funded.revision})
    assert response.status_code == 302
    assert "Đã gửi dự toán đến Sở Tài chính" in client.get(_year_url()).content.decode()

    client.force_login(personas["finance"])
    appraise = {"decision": "accepted"}
    assert client.post(_step_url("appraise", line=mine.pk), appraise).status_code == 302
    reduce = {
        "decision": "reduced",
        "appraised": "80.000.000",
        "reason": "Theo định mức",
    }
    assert client.post(_step_url("appraise", line=other.pk), reduce).status_code == 302
    assert client.post(_step_url("return"), {"reason": ""}).status_code == 400
    back = client.post(_step_url("return"), {"reason": "Bổ sung thuyết minh"})
    assert back.status_code == 302
    funded.refresh_from_db()
    assert funded.state == BudgetState.RETURNED and funded.return_reason == "Bổ sung thuyết minh"

    client.force_login(personas["coordinator"])
    client.post(_step_url("submit"), {"revision": funded.revision})
    client.force_login(personas["finance"])
    response = client.post(_step_url("complete"))
    assert response.status_code == 400 and "Còn 2 dòng chưa thẩm định" in response.content.decode()
    client.post(_step_url("appraise", line=mine.pk), appraise)
    client.post(_step_url("appraise", line=other.pk), reduce)
    assert client.post(_step_url("complete")).status_code == 302
    funded.refresh_from_db()
    assert funded.state == BudgetState.APPRAISED
    allocation = {
        "allocation_number": "123/QĐ-UBND",
        "allocation_date": "20/12/2021",
        f"allocated-{other.pk}": "75.000.000",
    }
    assert client.post(_step_url("allocate"), allocation).status_code == 302
    funded.refresh_from_db()
    assert funded.state == BudgetState.ALLOCATED
    assert (funded.allocation_number, funded.allocation_date) == (
        "123/QĐ-UBND",
        dt.date(2021, 12, 20),
    )
    allocated = dict(BudgetLine.objects.values_list("pk", "allocated_amount"))
    assert allocated == {mine.pk: 20_000_000, other.pk: 75_000_000}
    kinds = list(funded.versions.order_by("number").values_list("kind", flat=True))
    assert kinds == ["submission", "return", "submission", "appraisal", "allocation"]


@pytest.mark.parametrize(
    ("step", "line", "data", "message"),
    [
        ("line_delete", 999999999, {}, None),
        ("line_edit", 999999999, {}, None),
        ("line_add", None, {"task": "x", "amount": "1.000", "content": "x"}, "Nhiệm vụ"),
        ("line_add", None, {"task": "VIII.2", "amount": "mười triệu", "content": "x"}, "số tiền"),
        (
            "line_add",
            None,
            {"task": "VIII.2", "amount": "1", "content": "x", "revision": "0"},
            "người khác",
        ),
    ],
)
def test_a_bad_step_on_the_year_page_saves_nothing_and_says_why(
    client, funded, personas, step, line, data, message
):
    _line(funded, personas["reporter"])
    funded.refresh_from_db()
    if data.get("task") == "VIII.2":
        data = {**data, "task": _task(funded.plan, "VIII.2").pk, "source": "provincial"}
    before = list(BudgetLine.objects.values_list("pk", "amount")), funded.revision
    client.force_login(personas["reporter"])
    response = client.post(_step_url(step, line=line), data)
    if message is None:  # a line that is not there (or not the user's)
        assert response.status_code == 404
    else:
        assert response.status_code == 400
        html = response.content.decode()
        assert 'id="errors"' in html and message in html
    funded.refresh_from_db()
    assert (list(BudgetLine.objects.values_list("pk", "amount")), funded.revision) == before


def test_typed_values_come_back_after_an_error(client, funded, personas):
    client.force_login(personas["reporter"])
    response = _add(client, funded.plan, "VIII.2", "1,5", content="Hội thảo nhãn xanh")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="1,5"' in html and 'value="Hội thảo nhãn xanh"' in html


def test_allocation_with_a_bad_date_or_amount_changes_nothing(client, funded, personas):
    line = _line(funded, personas["reporter"])
    services.submit(funded, personas["coordinator"])
    services.appraise_line(line, personas["finance"], Decision.ACCEPTED)
    services.complete_appraisal(funded, personas["finance"])
    client.force_login(personas["finance"])
    response = client.post(
        _step_url("allocate"),
        {
            "allocation_number": "",
            "allocation_date": "31/02/2021",
            f"allocated-{line.pk}": "-5",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "số quyết định" in html and "Ngày không hợp lệ" in html and "không thể âm" in html
    funded.refresh_from_db()
    line.refresh_from_db()
    assert funded.state == BudgetState.APPRAISED and line.allocated_amount is None


@pytest.mark.parametrize("role", ROLES)
def test_funding_overview_for_each_role(client, funded, personas, role):
    _line(funded, personas["reporter"])
    client.force_login(personas[role])
    response = client.get(reverse("budget:overview", args=[CODE]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/plans/qb-sxtdbv-2021/budget/2022/"' in html
    # Reporters see the years, not the province's figures.
    assert ("20.000.000" in html) == (role not in ("reporter", "other_reporter"))


@pytest.mark.parametrize("role", ROLES)
def test_only_coordinators_open_a_funding_year(client, plan, personas, role):
    client.force_login(personas[role])
    response = client.post(reverse("budget:open", args=[CODE]), {"year": "2023"})
    opened = services.budget_for(plan, 2023) is not None
    if role in ("admin", "coordinator"):
        assert response.status_code == 302 and response["Location"] == _year_url(2023)
        assert opened
    else:
        assert response.status_code == 403 and not opened


@pytest.mark.parametrize(("year", "message"), [("abc", "Chọn năm"), ("2035", "ngoài thời kỳ")])
def test_opening_a_wrong_funding_year_says_why(client, plan, coordinator, year, message):
    client.force_login(coordinator)
    url = reverse("budget:overview", args=[CODE])
    response = client.post(reverse("budget:open", args=[CODE]), {"year": year}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert message in response.content.decode()
    assert not plan.budgets.exists()


def test_a_year_without_funding_is_not_found(client, plan, viewer, personas):
    client.force_login(viewer)
    for url in (
        _year_url(2023),
        reverse("budget:year", args=[CODE, 1999]),
        reverse("budget:excel", args=[CODE, 2023]),
    ):
        assert client.get(url).status_code == 404, url
    upload = reverse("budget:excel_upload", args=[CODE, 2023])
    assert client.post(upload).status_code == 403  # a viewer may not upload at all
    client.force_login(personas["reporter"])
    assert client.post(upload).status_code == 404
    client.logout()
    assert client.get(_year_url(2023)).status_code == 302  # to the login page


def test_excel_download_holds_what_the_role_may_read(client, funded, personas):
    _line(funded, personas["reporter"])
    _line(funded, personas["coordinator"], "I.1", personas["coordinator"].agency)
    url = reverse("budget:excel", args=[CODE, 2022])
    for role, count in (("coordinator", 2), ("reporter", 1), ("other_reporter", 0)):
        client.force_login(personas[role])
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            'attachment; filename="du-toan-qb-sxtdbv-2021-2022.xlsx"'
        )
        sheet = load_workbook(io.BytesIO(response.content)).active
        tasks = [
            sheet.cell(row, 2).value
            for row in range(excel.FIRST_ROW, sheet.max_row + 1)
            if sheet.cell(row, 2).value
        ]
        assert len(tasks) == count, role


def test_excel_upload_through_the_page(client, funded, personas, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    reporter = personas["reporter"]
    _line(funded, reporter)
    client.force_login(reporter)
    url = reverse("budget:excel_upload", args=[CODE, 2022])
    page = _year_url()

    def post(data: bytes | None):
        files = {} if data is None else {"file": SimpleUploadedFile("du-toan.xlsx", data)}
        response = client.post(url, files, follow=True)
        assert response.redirect_chain[-1][0] == page
        return response.content.decode()

    assert "Chọn tệp Excel" in post(None)
    assert "không phải tệp Excel" in post(b"not excel")
    workbook = load_workbook(io.BytesIO(excel.build_workbook(funded, reporter.agency)))
    workbook.active.cell(excel.FIRST_ROW, 7).value = "35.000.000"
    out = io.BytesIO()
    workbook.save(out)
    assert "Đã đọc 1 dòng dự toán từ tệp" in post(out.getvalue())
    assert BudgetLine.objects.get(budget=funded).amount == 35_000_000
    monkeypatch.setattr("budget.forms.MAX_BYTES", 10)
    assert "Tệp quá lớn" in post(out.getvalue())
    # A reload of the upload's address goes back to the year's page.
    reload = client.get(reverse("budget:excel_upload", args=[CODE, 2022]))
    assert reload.status_code == 302 and reload["Location"] == page


def test_the_funding_lookup_reads_the_year_and_its_plan_in_one_query(funded, personas):
    reporter = personas["reporter"]
    get_budget_for_user(reporter, CODE, 2022)  # compiled (planwatch.fastsql)
    with CaptureQueriesContext(connection) as ctx:
        budget = get_budget_for_user(reporter, CODE, 2022)
    assert len(ctx.captured_queries) == 1
    assert budget.pk == funded.pk and budget.plan.code == CODE and budget.year == 2022
    with pytest.raises(Http404, match="2023"):
        get_budget_for_user(reporter, CODE, 2023)  # the plan, but no funding
    with pytest.raises(Http404, match="no-such-plan"):
        get_budget_for_user(reporter, "no-such-plan", 2022)
    funded.plan.period_start = 2023
    funded.plan.save(update_fields=["period_start"])
    with pytest.raises(Http404, match="2022"):
        get_budget_for_user(reporter, CODE, 2022)  # out of the plan's period
    with pytest.raises(PermissionDenied):
        get_budget_for_user(AnonymousUser(), CODE, 2022)
