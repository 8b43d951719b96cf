""" "Today" is the province's day (Django's TIME_ZONE), not the server clock's: at 03:00
on 1/1/2027 in Vietnam a server whose clock runs on UTC still reads 31/12/2026."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import time_machine

from agencies.membership import representative_day
from agencies.models import Agency
from agencies.succession import EventSpec, LinkSpec, NewAgency, apply
from documents.content import Kind, assemble
from reporting.dashboard import heat_map
from reporting.periods import open_period

# 03:00 on 1 January 2027 in Vietnam; still 31 December 2026 in UTC.
NEW_YEAR_IN_VIETNAM = dt.datetime(2026, 12, 31, 20, 0, tzinfo=dt.UTC)


@pytest.fixture
def utc_server_clock(monkeypatch):
    """The process's own clock on UTC while Django's zone stays Asia/Ho_Chi_Minh."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    with time_machine.travel(NEW_YEAR_IN_VIETNAM, tick=False):
        yield
    monkeypatch.undo()
    time.tzset()


def test_an_agencys_day_without_a_year_is_the_provinces_today(registry, utc_server_clock):
    agency = Agency.objects.get(code="qb-so-du-lich")
    assert representative_day(agency, None) == dt.date(2027, 1, 1)


def test_the_heat_map_names_agencies_as_of_the_provinces_today(plan, utc_server_clock):
    open_period(plan, 2025, announce=False)
    agency = Agency.objects.get(code="qb-so-du-lich")
    apply(
        EventSpec(
            kind="rename",
            effective=dt.date(2027, 1, 1),
            act="Quyết định đổi tên (thử)",
            links=[
                LinkSpec(agency, NewAgency("Sở Du lịch và Thể thao", agency.kind, agency.province))
            ],
        )
    )
    _years, rows = heat_map(plan)
    names = {code: name for code, name, _cells in rows}
    assert names["qb-so-du-lich"] == "Sở Du lịch (nay: Sở Du lịch và Thể thao)"


def test_a_report_made_without_a_date_is_dated_the_provinces_today(plan, utc_server_clock):
    report = assemble(plan, [2025], Kind.ANNUAL)
    assert report.generated_on == dt.date(2027, 1, 1)
    assert report.date_line.endswith("ngày 01 tháng 01 năm 2027")
