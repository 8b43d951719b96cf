"""In Debian's chromium: the report form never loses a word (a click elsewhere, a
reload, a lost connection, an ended session), one refused field holds back no
other and its message stands beside it; and axe-core finds no serious or critical
violation on the first page of each role (static/vendor/axe-core)."""

import time

import pytest

from accounts.demo import DEMO_PASSWORD
from accounts.models import UserSession
from tests import test_browser

pytestmark = pytest.mark.browser
browser = test_browser.browser  # the fixtures: chromium, and a page on the demo data
page = test_browser.page
_login = test_browser._login

AXE = "/static/vendor/axe-core/axe.min.js"


def _read(query):
    """``query()`` on the database the live server writes: the tests' in-memory SQLite
    refuses a read while a write is under way ("table is locked"), so try again."""
    from django.db import OperationalError

    for _attempt in range(50):
        try:
            return query()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.1)
    return query()


def _eventually(check, page, seconds=10):
    """Waits for ``check()`` (a look at the database the live server writes)."""
    end = time.monotonic() + seconds
    while not _read(check):
        assert time.monotonic() < end, "the server never got it"
        page.wait_for_timeout(200)


def _vhttdl_report():
    from reporting.models import AgencyReport

    return _read(lambda: AgencyReport.objects.get(period__year=2025, agency__code="qt-so-vhttdl"))


def _item(report, code):
    group, number = code.split(".")
    return _read(lambda: report.items.get(task__group__number=group, task__number=number))


def test_typed_text_survives_a_click_elsewhere_a_reload_a_lost_connection_and_a_new_sign_in(
    page, browser
):
    report = _vhttdl_report()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.accept()))
    _login(page, "demo-reporter-dulich")
    page.wait_for_load_state()
    page.goto(f"{page.base_url}/reporting/{report.pk}/")
    card = page.locator(".report-item[data-task='VIII.2']")
    done = card.locator("textarea[name$='-done']")
    spent = card.locator("input[name$='-spent']")
    results = card.locator("textarea[name$='-results']")

    # Typed, then a click elsewhere at once: saved.
    done.fill("Hướng dẫn 30 cơ sở lưu trú áp dụng nhãn xanh")
    page.locator("h1").click()
    page.wait_for_selector("#autosave-state[data-state=saved]")
    assert "Đã lưu lúc" in page.locator("#autosave-state").inner_text()
    assert _item(report, "VIII.2").done == "Hướng dẫn 30 cơ sở lưu trú áp dụng nhãn xanh"

    # A bad amount: refused beside its field, the focus on it; the others still save.
    spent.fill("abc")
    spent.press("Tab")  # on to the next field: the refusal brings the focus back
    page.wait_for_selector("#autosave-state[data-state=invalid]")
    assert spent.get_attribute("aria-invalid") == "true"
    message = card.locator("#" + spent.get_attribute("aria-describedby"))
    assert "abc" in message.inner_text() and message.is_visible()
    assert page.evaluate("document.activeElement.name") == spent.get_attribute("name")
    results.fill("Danh sách 30 cơ sở kèm theo")
    page.locator("h1").click()
    _eventually(lambda: _item(report, "VIII.2").results == "Danh sách 30 cơ sở kèm theo", page)
    assert _item(report, "VIII.2").spent is None

    # A reload before the pause is over: the page warns, then nothing is lost; the
    # refused amount comes back from the browser too.
    page.fill("#f-difficulties", "Thiếu kinh phí cho tập huấn")
    page.reload()
    assert "beforeunload" in dialogs
    assert page.locator("#f-difficulties").input_value() == "Thiếu kinh phí cho tập huấn"
    assert spent.input_value() == "abc"
    _eventually(lambda: _vhttdl_report().difficulties == "Thiếu kinh phí cho tập huấn", page)
    spent.fill("15.000.000")
    page.locator("h1").click()
    page.wait_for_selector("#autosave-state[data-state=saved]")
    assert _item(report, "VIII.2").spent == 15_000_000
    assert spent.get_attribute("aria-invalid") is None

    # The connection drops: kept, and sent when it is back.
    page.context.set_offline(True)
    results.fill("Danh sách 31 cơ sở")
    page.locator("h1").click()
    page.wait_for_selector("#autosave-state[data-state=offline]")
    page.context.set_offline(False)
    page.wait_for_selector("#autosave-state[data-state=saved]")
    assert _item(report, "VIII.2").results == "Danh sách 31 cơ sở"

    # The session ends: no login page in the form; a dialog, then the text is sent.
    _read(lambda: UserSession.objects.all().delete())
    page.fill("#f-proposals", "Đề nghị bổ sung kinh phí năm sau")
    page.wait_for_selector("#signin-dialog[open]")
    assert f"/reporting/{report.pk}/" in page.url and page.locator("#report-form").count() == 1
    page.fill("#signin-password", DEMO_PASSWORD)
    page.click("#signin-submit")
    page.wait_for_selector("#autosave-state[data-state=saved]")
    assert _vhttdl_report().proposals == "Đề nghị bổ sung kinh phí năm sau"
    page.reload()
    assert page.locator("#f-proposals").input_value() == "Đề nghị bổ sung kinh phí năm sau"
    assert page.locator("#autosave-notice").is_hidden()

    # Two editors: the second one's save is refused (409), kept, and only sent when
    # that person has seen the other's change and chooses to.
    second = browser.new_context(viewport={"width": 1280, "height": 900})
    other = second.new_page()
    other.base_url = page.base_url
    _login(other, "demo-reporter-dulich")
    other.wait_for_load_state()
    other.goto(page.url)
    page.fill("#f-proposals", "Bản của người thứ nhất")
    page.locator("h1").click()
    page.wait_for_selector("#autosave-state[data-state=saved]")
    other.fill("#f-difficulties", "Bản của người thứ hai")
    other.locator("h1").click()
    other.wait_for_selector("#autosave-conflict:not([hidden])")
    assert _vhttdl_report().difficulties == "Thiếu kinh phí cho tập huấn"  # not overwritten
    other.reload()
    assert other.locator("#f-proposals").input_value() == "Bản của người thứ nhất"
    assert other.locator("#f-difficulties").input_value() == "Bản của người thứ hai"
    other.click("#autosave-keep")
    other.wait_for_selector("#autosave-state[data-state=saved]")
    assert (_vhttdl_report().difficulties, _vhttdl_report().proposals) == (
        "Bản của người thứ hai",
        "Bản của người thứ nhất",
    )
    second.close()


def _serious(page) -> list[str]:
    page.add_script_tag(url=page.base_url + AXE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_axe_finds_no_serious_violation_on_the_first_page_of_each_role(page, browser):
    report = _vhttdl_report()
    found = {}
    for username in (
        "demo-admin",
        "demo-coordinator",
        "demo-reporter-dulich",
        "demo-finance",
        "demo-viewer",
    ):
        for width in (1280, 390):
            context = browser.new_context(viewport={"width": width, "height": 900})
            other = context.new_page()
            other.base_url = page.base_url
            _login(other, username)
            other.wait_for_load_state()
            pages = [other.url]
            if username in ("demo-reporter-dulich", "demo-coordinator"):
                pages.append(f"{page.base_url}/reporting/{report.pk}/")
            if username == "demo-coordinator":
                pages.append(f"{page.base_url}/plans/qb-sxtdbv-2021/reporting/2025/")
            for url in pages:
                other.goto(url)
                problems = _serious(other)
                if problems:
                    found[f"{username} {width}px {url}"] = problems
            if username == "demo-coordinator" and width == 1280:
                _open_and_cancel_a_year(other)
                problems = _serious(other)
                if problems:
                    found["the opening's preview"] = problems
            context.close()
    assert found == {}


def _open_and_cancel_a_year(page):
    """Opening 2027 says first how many agencies are asked and e-mailed; opened by
    mistake, it is cancelled (confirmed), and the preview is shown again for axe."""
    from reporting.models import ReportingPeriod

    page.on("dialog", lambda d: d.accept())
    page.goto(page.base_url + "/plans/qb-sxtdbv-2021/reporting/")
    page.select_option("#id_year", "2027")
    page.click("#open-period-button")
    page.wait_for_selector("#open-preview")
    assert "cơ quan sẽ nhận thư" in page.locator("#preview-emailed").inner_text()
    assert not _read(ReportingPeriod.objects.filter(year=2027).exists)
    page.click("#confirm-open")
    page.wait_for_url("**/reporting/2027/")
    page.click("#cancel-period button")
    page.wait_for_url("**/plans/qb-sxtdbv-2021/reporting/")
    assert not _read(ReportingPeriod.objects.filter(year=2027).exists)
    page.select_option("#id_year", "2027")
    page.click("#open-period-button")
    page.wait_for_selector("#open-preview")
