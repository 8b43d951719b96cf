"""In Debian's chromium, on the demo (load_demo): each role lands on its own work,
notices reach their people in the app, and finance appraises a whole proposal — 31
lines one by one, then the rest at once — without a page reload."""

from __future__ import annotations

import pytest

from budget.models import BudgetLine, Decision
from reporting.models import AgencyReport, Reminder
from tests.test_browser import _login, browser, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
PHONE = 844  # the height of the 390 px phone's first screen


def test_each_role_lands_on_its_work_and_reads_its_notices(page):  # noqa: F811
    # The reporter: the 2026 report returned with the coordinator's comments, days left.
    _login(page, "demo-reporter-dulich")
    work = page.locator("#reporter-work")
    assert "Ghi rõ số cơ sở lưu trú được hướng dẫn." in work.inner_text()
    assert page.locator("#reporter-work .days-left").count() >= 1
    # ... told in the app: the unread count in the menu, the notice leads to the report
    page.goto(page.base_url + "/notices/")
    assert page.locator("#unread-count").count() == 1
    page.locator("#notices a[data-kind=returned]").click()
    page.wait_for_url("**/reporting/*/")
    page.goto(page.base_url + "/notices/")
    assert page.locator("#notices a[data-kind=returned].list-group-item-primary").count() == 0

    page.context.clear_cookies()
    _login(page, "demo-coordinator")
    coordinator = page.locator("#coordinator-work")
    assert "2026" in coordinator.inner_text()
    assert page.locator(".remind-all").count() >= 1
    page.goto(page.base_url + "/notices/")
    assert page.locator("#notices a[data-kind=submitted]").count() >= 1
    opened = page.locator("#notices a[data-kind=opened]").first.inner_text()
    assert "2026" in opened and "Sở Công Thương" in opened  # who was not reached, and why
    # work in bulk: every agency not reported reminded at once, every submitted report
    # of 2026 accepted at once (each checked on its own)
    page.goto(page.base_url + "/")
    page.locator(".remind-all").last.click()
    page.wait_for_selector(".alert-success")
    assert Reminder.objects.filter(kind="manual", report__period__year=2026).count() > 1
    page.goto(page.base_url + "/plans/qb-sxtdbv-2021/reporting/2026/")
    page.check("input[data-check-all=reports]")
    page.click("#accept-ticked")
    page.wait_for_selector(".alert-success")
    assert not AgencyReport.objects.filter(period__year=2026, state="submitted").exists()

    page.context.clear_cookies()
    _login(page, "demo-finance")
    assert page.locator("#finance-work [data-budget]").count() >= 1

    page.context.clear_cookies()
    _login(page, "demo-viewer")
    box = page.locator("#glance").bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE  # all on the first screen
    assert page.locator("#glance-statuses .badge").count() >= 3


def test_finance_appraises_31_lines_without_a_page_reload(page):  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, "demo-finance")
    page.goto(page.base_url + "/plans/qb-sxtdbv-2021/budget/2025/")
    page.evaluate("window.__samePage = 'yes'")  # gone if the page is ever reloaded
    ids = page.locator("#lines tr[data-line]").evaluate_all("rows => rows.map(r => r.dataset.line)")
    assert len(ids) > 31
    for n, pk in enumerate(ids[:31]):
        row = page.locator(f"#lines tr[data-line='{pk}']")
        form = row.locator("form.appraise")
        if n % 3 == 0:
            form.locator("button.accept-line").click()
        else:
            decision = "reduced" if n % 3 == 1 else "rejected"
            form.locator("select[name=decision]").select_option(decision)
            if decision == "reduced":
                form.locator("input[name=appraised]").fill("1.000")
            form.locator("input[name=reason]").fill(f"Lý do {n}")
            form.locator("button.save-line").click()
        code = row.locator("td").first.inner_text()
        page.wait_for_selector(f"#appraise-status .alert-success:has-text('{code}')")
        # the row itself changed: its badge is no longer the grey "not yet appraised"
        page.wait_for_selector(f"tr[data-line='{pk}'] .decision:not(.text-bg-secondary)")
    assert page.evaluate("window.__samePage") == "yes"
    lines = BudgetLine.objects.filter(pk__in=[int(i) for i in ids[:31]])
    assert lines.filter(decision=Decision.PENDING).count() == 0
    assert lines.filter(decision=Decision.REDUCED, appraised_amount=1000).count() == 10
    pending = len(ids) - 31
    assert f"{pending}" in page.locator("#pending-count").inner_text()
    # the rest at once
    page.click("#accept-all")
    page.wait_for_selector("#appraise-status:has-text('%s')" % pending)
    assert page.locator("#pending-count").count() == 0
    assert page.evaluate("window.__samePage") == "yes"
    assert not BudgetLine.objects.filter(budget__year=2025, decision=Decision.PENDING).exists()
