"""Forms for every POST: no view reads request.POST by hand; one date field, one money
field and one decimal field read what people type; a bad value is a Vietnamese message
beside its field, never a 500, and nothing is half-saved."""

from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from planwatch.forms import DateField, DecimalField, MoneyField, parse_date, parse_decimal
from planwatch.money import MoneyError, parse_dong

ROOT = Path(__file__).resolve().parent.parent
VIEW_MODULES = sorted(
    p
    for p in ROOT.glob("*/*.py")
    if p.name in ("views.py", "import_views.py") and ".venv" not in p.parts
)
CODE = "qb-sxtdbv-2021"


# --- no view reads request.POST ---------------------------------------------------


def _is_form_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name.endswith(("Form", "FormSet"))


def post_reads(path: Path) -> list[str]:
    """Each use of request.POST / request.FILES that is not handed to a form whole."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr in ("POST", "FILES")):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.Or):
            parent = parents.get(parent)  # request.POST or None
        if _is_form_call(parent) and node not in getattr(parent, "keywords", ()):
            continue
        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return sorted(found, key=lambda s: int(s.rsplit(":", 1)[1]))


def test_no_view_reads_request_post():
    assert len(VIEW_MODULES) >= 8
    reads = [read for path in VIEW_MODULES for read in post_reads(path)]
    assert not reads, "request.POST read outside a form:\n  " + "\n  ".join(reads)


def test_the_post_check_catches_a_read(tmp_path):
    view = tmp_path / "views.py"
    view.write_text(
        "def v(request):\n"
        "    f = UserForm(request.POST or None)\n"
        "    year = request.POST.get('year')\n"
        "    helper(request.POST)\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert post_reads(view) == ["views.py:3", "views.py:4"]
    finally:
        ROOT = saved


# --- the shared fields ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [("10/12/2026", dt.date(2026, 12, 10)), ("2026-12-10", dt.date(2026, 12, 10))],
)
def test_one_date_field_reads_both_ways(text, day):
    assert DateField().clean(text) == day
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["31/02/2026", "hôm qua", "12/2026", "2026-13-01"])
def test_a_bad_date_is_a_vietnamese_message(text):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        DateField().clean(text)
    assert "ngày/tháng/năm" in " ".join(info.value.messages)


@pytest.mark.parametrize(
    "text", ["1.250.000.000", "1250000000", "1 250 000 000 đ", "1.250.000.000 VNĐ", 1250000000]
)
def test_one_money_field_reads_every_way_people_write_it(text):
    assert MoneyField().clean(text) == 1_250_000_000
    assert parse_dong(text) == 1_250_000_000


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1,5", "phần lẻ"),
        ("12.5", "phần lẻ"),
        ("-5.000", "âm"),
        ("mười triệu", "không phải số tiền"),
        ("1.25.000", "không phải số tiền"),
        (10**16, "vượt mọi mức"),
    ],
)
def test_bad_money_names_the_field_in_vietnamese(text, words):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        MoneyField(label_in_message="Kinh phí").clean(text)
    message = " ".join(info.value.messages)
    assert words in message and message.startswith("Kinh phí")
    with pytest.raises(MoneyError):
        parse_dong(text)


def test_an_empty_optional_amount_is_none():
    assert MoneyField(required=False).clean("  ") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,5", Decimal("1.5")), ("1.5", Decimal("1.5")), ("1.250.000", 1250000), ("12", 12)],
)
def test_decimals_take_the_vietnamese_comma(text, value):
    assert DecimalField().clean(text) == value
    assert parse_decimal(text) == value


def test_a_bad_decimal_is_a_message():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        DecimalField().clean("nhiều")
    assert "không phải là số" in " ".join(info.value.messages)


# --- pages --------------------------------------------------------------------------


@pytest.fixture
def period(plan, coordinator, personas):
    from reporting.periods import open_period

    return open_period(plan, 2022, coordinator, announce=False)


def _report(period, code="qb-so-du-lich"):
    return period.reports.get(agency__code=code)


@pytest.mark.parametrize("revision", ["abc", "", "-1"])
def test_a_damaged_revision_is_a_message_not_a_500(client, period, reporter, revision):
    report = _report(period)
    client.force_login(reporter)
    response = client.post(
        reverse("reporting:report", args=[report.pk]),
        {"revision": revision, "action": "save", "difficulties": "Thiếu người"},
    )
    assert response.status_code == 400
    assert "tải lại trang" in response.content.decode()
    report.refresh_from_db()
    assert report.difficulties == "" and report.revision == 1


def test_a_refused_report_form_keeps_what_was_typed(client, period, reporter):
    report = _report(period)
    item = report.items.first()
    client.force_login(reporter)
    response = client.post(
        reverse("reporting:report", args=[report.pk]),
        {
            "revision": "1",
            f"item-{item.task_id}-status": "done",
            f"item-{item.task_id}-done": "Đã tập huấn 3 lớp",
            f"item-{item.task_id}-spent": "1,5 tỷ",
            "difficulties": "Thiếu người",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Đã tập huấn 3 lớp" in html and "Thiếu người" in html and "1,5 tỷ" in html
    spent_field = html.split(f'name="item-{item.task_id}-spent"')[1][:600]
    assert "invalid-feedback" in spent_field and "phần lẻ" in spent_field
    item.refresh_from_db()
    assert item.done == "" and item.spent is None


def test_not_done_needs_its_reason_beside_the_field(client, period, reporter):
    report = _report(period)
    item = report.items.first()
    client.force_login(reporter)
    response = client.post(
        reverse("reporting:report", args=[report.pk]),
        {"revision": "1", f"item-{item.task_id}-status": "not_done"},
    )
    reason_field = response.content.decode().split(f'name="item-{item.task_id}-reason"')[1]
    assert response.status_code == 400 and "lý do" in reason_field[:400]


def test_money_as_people_write_it_in_the_report(client, period, reporter):
    report = _report(period)
    item = report.items.first()
    client.force_login(reporter)
    client.post(
        reverse("reporting:report", args=[report.pk]),
        {
            "revision": "1",
            f"item-{item.task_id}-status": "in_progress",
            f"item-{item.task_id}-spent": "1 250 000 000 đ",
        },
    )
    item.refresh_from_db()
    assert item.spent == 1_250_000_000


def test_a_bad_due_date_is_a_message(client, period, coordinator):
    client.force_login(coordinator)
    url = reverse("reporting:period_due_date", args=[CODE, 2022])
    page = client.post(url, {"due_date": "31/02/2022"}, follow=True).content.decode()
    assert "ngày/tháng/năm" in page
    client.post(url, {"due_date": "15/12/2022"})
    period.refresh_from_db()
    assert period.due_date == dt.date(2022, 12, 15)


@pytest.fixture
def funded(period):
    from budget import services

    return services.budget_for(period.plan, 2022, create=True)


def _task(plan, code):
    from plans.models import Task

    return next(t for t in Task.objects.current().filter(plan=plan) if t.code == code)


def test_an_estimate_with_a_fraction_is_refused_beside_its_field(client, funded, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse("budget:line_add", args=[CODE, 2022]),
        {
            "task": _task(funded.plan, "VIII.2").pk,
            "source": "provincial",
            "content": "Lớp tập huấn",
            "amount": "1,5",
            "revision": str(funded.revision),
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and not funded.lines.exists()
    amount_field = html.split('name="amount"')[-1][:800]
    assert "phần lẻ" in amount_field and "Lớp tập huấn" in html


def test_an_estimate_in_dots_is_whole_dong(client, funded, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse("budget:line_add", args=[CODE, 2022]),
        {
            "task": _task(funded.plan, "VIII.2").pk,
            "source": "provincial",
            "content": "Lớp tập huấn",
            "amount": "1.250.000.000",
            "revision": "abc",
        },
    )
    assert response.status_code == 400 and "tải lại trang" in response.content.decode()
    client.post(
        reverse("budget:line_add", args=[CODE, 2022]),
        {
            "task": _task(funded.plan, "VIII.2").pk,
            "source": "provincial",
            "content": "Lớp tập huấn",
            "amount": "1.250.000.000",
        },
    )
    assert funded.lines.get().amount == 1_250_000_000


def test_the_allocation_takes_a_vietnamese_date(client, funded, personas):
    from budget import services
    from budget.models import Decision

    line, _w = services.save_line(
        funded,
        personas["reporter"],
        {
            "task": _task(funded.plan, "VIII.2"),
            "agency": None,
            "source": "provincial",
            "content": "x",
            "amount": 20_000_000,
        },
    )
    services.submit(funded, personas["coordinator"])
    services.appraise_line(line, personas["finance"], Decision.ACCEPTED)
    services.complete_appraisal(funded, personas["finance"])
    client.force_login(personas["finance"])
    url = reverse("budget:allocate", args=[CODE, 2022])
    bad = client.post(url, {"allocation_number": "12/QĐ-UBND", "allocation_date": "hôm qua"})
    assert bad.status_code == 400 and "ngày/tháng/năm" in bad.content.decode()
    client.post(
        url,
        {
            "allocation_number": "12/QĐ-UBND",
            "allocation_date": "15/03/2022",
            f"allocated-{line.pk}": "18.000.000",
        },
    )
    funded.refresh_from_db()
    line.refresh_from_db()
    assert funded.allocation_date == dt.date(2022, 3, 15) and line.allocated_amount == 18_000_000


def test_another_agencys_line_is_refused(client, funded, personas):
    from budget import services

    line, _w = services.save_line(
        funded,
        personas["reporter"],
        {
            "task": _task(funded.plan, "VIII.2"),
            "agency": None,
            "source": "provincial",
            "content": "x",
            "amount": 20_000_000,
        },
    )
    client.force_login(personas["other_reporter"])
    response = client.post(
        reverse("budget:line_delete", args=[CODE, 2022, line.pk]), {"revision": "1"}
    )
    assert response.status_code == 403 and funded.lines.count() == 1
