"""Which days a stats page covers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.admin.period import Period, PeriodError, parse_period

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("params", "start", "end", "preset"),
    [
        ({}, date(2026, 2, 9), TODAY, 30),
        ({"days": "7"}, date(2026, 3, 4), TODAY, 7),
        ({"days": " 90 "}, date(2025, 12, 11), TODAY, 90),
        ({"days": "1"}, TODAY, TODAY, 1),
        ({"from": "2026-03-01", "to": "2026-03-05"}, date(2026, 3, 1), date(2026, 3, 5), None),
        ({"from": "2026-03-01"}, date(2026, 3, 1), TODAY, None),
        ({"to": "2026-03-05"}, date(2026, 2, 4), date(2026, 3, 5), None),
        (
            {"from": "2026-03-01", "to": "2026-03-01", "days": "7"},
            date(2026, 3, 1),
            date(2026, 3, 1),
            None,
        ),
        ({"from": "", "to": "", "days": "7"}, date(2026, 3, 4), TODAY, 7),
    ],
)
def test_a_period_is_the_last_days_or_the_dates_asked_for(params, start, end, preset):
    assert parse_period(params, TODAY) == Period(start, end, preset)


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"days": "0"}, "from 1 to 366"),
        ({"days": "367"}, "from 1 to 366"),
        ({"days": "-3"}, "from 1 to 366"),
        ({"days": "7d"}, "from 1 to 366"),
        ({"from": "1.3.2026"}, "YYYY-MM-DD"),
        ({"to": "2026-02-30"}, "YYYY-MM-DD"),
        ({"from": "2026-03-05", "to": "2026-03-01"}, "starts after it ends"),
        ({"from": "2025-03-09", "to": "2026-03-10"}, "at most 366 days"),
    ],
)
def test_a_period_that_cannot_be_read_says_why(params, problem):
    with pytest.raises(PeriodError, match=problem):
        parse_period(params, TODAY)


def test_a_period_knows_its_days_its_query_and_its_instants():
    week = Period.last(7, TODAY)
    assert week.days[0] == date(2026, 3, 4) and week.days[-1] == TODAY and len(week.days) == 7
    assert week.query == "days=7"
    assert Period(date(2026, 3, 1), date(2026, 3, 2)).query == "from=2026-03-01&to=2026-03-02"
    assert week.bounds() == (
        datetime(2026, 3, 4, tzinfo=UTC),
        datetime(2026, 3, 11, tzinfo=UTC),
    )
    assert len(parse_period({"from": "2025-03-10", "to": "2026-03-10"}, TODAY).days) == 366
