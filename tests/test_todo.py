"""Việc cần làm: each role's first page shows its work, in a number of queries that
does not grow with the data; and the work in bulk (remind all, accept several)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notices.models import Kind, Notice
from reporting import services
from reporting.models import ReportState
from reporting.periods import open_period

OWNER = "qb-so-du-lich"


@pytest.fixture
def year(plan, personas):
    today = timezone.localdate()
    period = open_period(
        plan, 2026, personas["coordinator"], due_date=today + dt.timedelta(days=8), announce=False
    )
    return period


def test_the_reporter_lands_on_the_reports_due_with_days_left(client, year, personas):
    client.force_login(personas["reporter"])
    page = client.get(reverse("home"))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="reporter-work"' in html
    report = year.reports.get(agency__code=OWNER)
    assert f'data-report="{report.pk}"' in html
    assert "còn 8 ngày" in html


def _started(report):
    """One task under way: a report with nothing on any task cannot be submitted."""
    item = report.items.order_by("pk").first()
    item.status = "in_progress"
    item.save()
    return report


def test_a_returned_report_shows_its_comments_on_the_first_page(client, year, personas):
    report = _started(year.reports.get(agency__code=OWNER))
    services.submit_report(report, personas["reporter"])
    services.return_report(
        report, personas["coordinator"], "Thiếu số liệu quý IV.", {"proposals": "Ghi rõ kiến nghị."}
    )
    client.force_login(personas["reporter"])
    html = client.get(reverse("home")).content.decode()
    assert "Thiếu số liệu quý IV." in html and "Ghi rõ kiến nghị." in html


def test_the_coordinator_sees_missing_review_and_unreached(client, year, personas):
    report = _started(year.reports.get(agency__code=OWNER))
    services.submit_report(report, personas["reporter"])
    client.force_login(personas["coordinator"])
    html = client.get(reverse("home")).content.decode()
    assert 'id="coordinator-work"' in html
    assert f"{year.reports.count() - 1}</div>" in html  # not yet reported
    assert reverse("reporting:report", args=[report.pk]) in html  # waiting for review
    assert f'id="unreached-{year.pk}"' in html  # the seed's agencies have no account


def test_finance_sees_the_proposals_to_appraise(client, plan, personas):
    from budget import services as budget_services
    from plans.models import Task

    budget = budget_services.budget_for(plan, 2026, create=True)
    task = next(t for t in Task.objects.current().filter(plan=plan) if t.code == "VIII.2")
    budget_services.save_line(
        budget,
        personas["reporter"],
        {"task": task, "agency": None, "source": "provincial", "content": "x", "amount": 1000},
    )
    budget_services.submit(budget, personas["coordinator"])
    client.force_login(personas["finance"])
    html = client.get(reverse("home")).content.decode()
    assert f'data-budget="{budget.pk}"' in html and "còn 1 dòng cần thẩm định" in html


def test_the_viewer_sees_the_province_at_a_glance_first(client, demo_progress, personas):
    client.force_login(personas["viewer"])
    html = client.get(reverse("home")).content.decode()
    assert html.index('id="glance"') < html.index("Tất cả kế hoạch")
    assert 'id="glance-statuses"' in html and 'id="glance-completeness"' in html
    assert "%" in html.split('id="glance-completeness"')[1][:20]


@pytest.mark.parametrize("role", ["reporter", "coordinator", "finance", "viewer", "admin"])
def test_the_first_page_has_a_bounded_query_count(
    client, demo_reports, personas, role, django_assert_max_num_queries
):
    client.force_login(personas[role])
    with django_assert_max_num_queries(20):
        assert client.get(reverse("home")).status_code == 200


def test_the_query_count_does_not_grow_with_the_agencies(client, year, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas["coordinator"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for report in year.reports.all()[:10]:
        report.state = ReportState.SUBMITTED
        report.save()
    open_period(year.plan, 2027, personas["coordinator"], announce=False)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("home"))
    assert len(many) == len(few)


def test_remind_all_reaches_every_agency_not_reported(client, year, personas):
    from agencies.models import Agency

    Agency.objects.filter(code="qb-so-tnmt").update(email="")
    client.force_login(personas["coordinator"])
    mail.outbox = []
    response = client.post(reverse("reporting:remind_all", args=[year.plan.code, 2026]))
    assert response.status_code == 302
    reached = Notice.objects.filter(kind=Kind.REMINDER, user__isnull=False)
    assert {n.user for n in reached} == {personas["reporter"], personas["other_reporter"]}
    assert {m.to[0] for m in mail.outbox} >= {"reporter-dulich@example.vn"}
    # again the same day: nothing twice
    client.post(reverse("reporting:remind_all", args=[year.plan.code, 2026]))
    assert reached.count() == 2


def test_accept_several_each_checked(client, year, personas):
    reports = list(year.reports.select_related("agency").order_by("pk")[:3])
    for report in reports[:2]:
        report.state = ReportState.SUBMITTED
        report.save()
    client.force_login(personas["coordinator"])
    response = client.post(
        reverse("reporting:accept_many", args=[year.plan.code, 2026]),
        {"reports": [r.pk for r in reports]},
        follow=True,
    )
    html = response.content.decode()
    states = [r.state for r in type(reports[0]).objects.filter(pk__in=[r.pk for r in reports])]
    assert sorted(states) == ["accepted", "accepted", "draft"]
    assert reports[2].agency.name in html  # the draft was refused, by name


# --- finance appraises on one page (htmx) ------------------------------------------


@pytest.fixture
def proposal(plan, personas):
    from budget import services as budget_services
    from plans.models import Task

    budget = budget_services.budget_for(plan, 2026, create=True)
    task = next(t for t in Task.objects.current().filter(plan=plan) if t.code == "VIII.2")
    for i in range(4):
        budget_services.save_line(
            budget,
            personas["reporter"],
            {
                "task": task,
                "agency": None,
                "source": "provincial",
                "content": f"Dòng {i}",
                "amount": 1_000_000 * (i + 1),
            },
        )
    budget_services.submit(budget, personas["coordinator"])
    return budget


def _hx(client, url, data):
    return client.post(url, data, HTTP_HX_REQUEST="true")


def test_one_line_is_appraised_inline_with_the_totals_and_a_message(client, proposal, personas):
    client.force_login(personas["finance"])
    line = proposal.lines.order_by("pk").first()
    url = reverse("budget:appraise", args=[proposal.plan.code, 2026, line.pk])
    html = _hx(client, url, {"decision": "reduced", "appraised": "500.000", "reason": "Định mức"})
    text = html.content.decode()
    assert html.status_code == 200 and text.lstrip().startswith("<tr")
    assert 'id="totals" hx-swap-oob="true"' in text and "500.000 đ" in text
    status = text.split('id="appraise-status"')[1]
    assert "VIII.2" in status and "alert-success" in status
    line.refresh_from_db()
    assert (line.decision, line.appraised_amount) == ("reduced", 500_000)
    # a bad value: the row says why, nothing saved
    bad = _hx(client, url, {"decision": "reduced", "appraised": "abc", "reason": "thử"})
    text = bad.content.decode()
    assert 'role="alert"' in text
    # what was typed stays in the row, the amount marked beside its error
    amount = text.split('name="appraised"')[1].split(">")[0]
    assert 'value="abc"' in amount and "is-invalid" in amount
    assert 'value="thử"' in text.split('name="reason"')[1].split(">")[0]
    line.refresh_from_db()
    assert line.appraised_amount == 500_000
    # the row's own Accept button, whatever the amount field holds
    _hx(client, url, {"accept": "1", "decision": "rejected", "appraised": "abc"})
    line.refresh_from_db()
    assert (line.decision, line.appraised_amount) == ("accepted", line.amount)


def test_accept_all_accepts_every_line_not_yet_appraised(client, proposal, personas):
    client.force_login(personas["finance"])
    first = proposal.lines.order_by("pk").first()
    url = reverse("budget:appraise", args=[proposal.plan.code, 2026, first.pk])
    _hx(client, url, {"decision": "rejected", "reason": "Trùng"})
    response = _hx(client, reverse("budget:accept_all", args=[proposal.plan.code, 2026]), {})
    assert response.content.decode().lstrip().startswith("<tbody")
    decisions = sorted(proposal.lines.values_list("decision", flat=True))
    assert decisions == ["accepted", "accepted", "accepted", "rejected"]
    # only finance
    client.force_login(personas["coordinator"])
    assert (
        client.post(reverse("budget:accept_all", args=[proposal.plan.code, 2026])).status_code
        == 403
    )
