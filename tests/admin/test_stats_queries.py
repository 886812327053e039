"""The analytics queries, counted by the database: on SQLite and on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.admin import stats
from bot.admin.period import Period
from bot.admin.stats import ActionRates, ArrivalCount, CaseStat, DayCount, EntryStat
from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.storage.models import ArrivalStat, Case, Contact, DecisionStat, Feedback

MARCH = Period(date(2026, 3, 1), date(2026, 3, 7))


@pytest.fixture
def s(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    upgrade(engine)
    with sessionmaker(engine)() as session:
        yield session
    engine.dispose()


def decisions(s: Session, day: date, channel: str, lang: str, action: str, entry=None, n=1):
    for _ in range(n):
        s.add(DecisionStat(day=day, channel=channel, lang=lang, action=action, entry=entry))


def at(day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, 1, tzinfo=UTC) + timedelta(
        days=day - 1, hours=hour, minutes=minute, seconds=second
    )


def contact(s: Session, n: int, channel: str = "telegram", unreachable: bool = False) -> int:
    row = Contact(
        channel=channel,
        external_id=str(n),
        pseudonym=f"p{n}",
        state={},
        created_at=at(1),
        handoff=False,
        unreachable=unreachable,
    )
    s.add(row)
    s.flush()
    return row.id


def test_messages_and_actions_are_counted_per_day_language_and_channel_in_the_period(s):
    decisions(s, date(2026, 2, 28), "telegram", "pl", "answer")  # the day before
    decisions(s, date(2026, 3, 1), "telegram", "pl", "answer", "registration.brp", n=3)
    decisions(s, date(2026, 3, 1), "telegram", "pl", "clarify", "registration.bsn")
    decisions(s, date(2026, 3, 1), "whatsapp", "pl", "fallback", n=2)
    decisions(s, date(2026, 3, 7), "web", "ro", "escalate", "safety.passport")
    decisions(s, date(2026, 3, 7), "web", "ro", "answer", "registration.brp", n=2)
    decisions(s, date(2026, 3, 8), "web", "ro", "answer")  # the day after
    s.commit()

    assert stats.daily(s, MARCH) == [
        DayCount(date(2026, 3, 1), "pl", "telegram", 4),
        DayCount(date(2026, 3, 1), "pl", "whatsapp", 2),
        DayCount(date(2026, 3, 7), "ro", "web", 3),
    ]
    rates = stats.action_rates(s, MARCH)
    assert rates == [
        ActionRates("all", {"answer": 5, "clarify": 1, "fallback": 2, "escalate": 1}),
        ActionRates("pl", {"answer": 3, "clarify": 1, "fallback": 2}),
        ActionRates("ro", {"escalate": 1, "answer": 2}),
    ]
    assert rates[0].total == 9 and rates[0].rate("answer") == pytest.approx(5 / 9)
    assert rates[1].rate("escalate") == 0.0
    assert stats.daily(s, Period(date(2026, 4, 1), date(2026, 4, 2))) == []
    assert stats.action_rates(s, Period(date(2026, 4, 1), date(2026, 4, 2))) == []


def test_entries_count_answers_and_the_votes_cast_within_the_periods_days(s):
    decisions(s, date(2026, 3, 2), "telegram", "pl", "answer", "registration.brp", n=3)
    decisions(s, date(2026, 3, 2), "telegram", "pl", "answer", "registration.bsn")
    decisions(s, date(2026, 3, 2), "telegram", "pl", "escalate", "safety.passport")
    decisions(s, date(2026, 3, 2), "telegram", "pl", "clarify", "registration.digid", n=5)
    votes = [
        ("registration.brp", True, at(1)),  # the first instant of the period
        ("registration.brp", False, at(7, 23, 59, 59)),  # the last second
        ("registration.brp", True, at(8)),  # the first instant after it
        ("registration.brp", True, at(0, 23, 59, 59)),  # the last second before it
        ("registration.digid", False, at(3, 12)),
    ]
    for entry, helpful, when in votes:
        s.add(Feedback(entry=entry, helpful=helpful, lang="pl", created_at=when))
    s.commit()

    assert stats.entries(s, MARCH) == [
        EntryStat("registration.brp", 3, 1, 1),
        EntryStat("registration.bsn", 1, 0, 0),
        EntryStat("safety.passport", 1, 0, 0),
        EntryStat("registration.digid", 0, 0, 1),  # offered to choose from, never answered
    ]
    top = stats.entries(s, MARCH, limit=2)
    assert [e.entry for e in top] == ["registration.brp", "registration.bsn"]
    assert top[0].ratio == 0.5 and top[1].ratio is None


def test_cases_get_counts_and_percentiles_of_first_reply_and_resolution_per_language(s):
    who = contact(s, 1)

    def case(
        created: datetime, lang, reply=None, resolve=None, priority="normal", reason="explicit"
    ):
        s.add(
            Case(
                contact_id=who,
                status="resolved" if resolve else "new",
                priority=priority,
                reason=reason,
                lang=lang,
                first_reply_at=created + timedelta(seconds=reply) if reply else None,
                resolved_at=created + timedelta(seconds=resolve) if resolve else None,
                created_at=created,
                updated_at=created,
            )
        )

    for reply, resolve in [(60, 3600), (120, 7200), (180, None), (240, None), (600, None)]:
        case(at(2, 10), "pl", reply, resolve)
    case(at(7, 23, 59), None, priority="urgent", reason="danger")
    case(at(8), "pl", 1, 1)  # after the period
    case(at(0, 23), "pl", 1, 1)  # before it
    s.commit()

    pl = CaseStat("pl", 5, 0, 5, 2, 180.0, 456.0, 5400.0, 6840.0)
    assert stats.cases(s, MARCH) == [
        CaseStat("all", 6, 1, 5, 2, 180.0, 456.0, 5400.0, 6840.0),
        pl,
        CaseStat("?", 1, 1, 0, 0, None, None, None, None),
    ]
    assert stats.case_reasons(s, MARCH) == [("explicit", 5), ("danger", 1)]
    assert stats.cases(s, Period(date(2026, 4, 1), date(2026, 4, 1))) == []


def test_unreachable_people_and_arrivals_by_link_are_counts(s):
    for n, (channel, gone) in enumerate(
        [("telegram", True), ("telegram", True), ("whatsapp", True), ("web", False)]
    ):
        contact(s, n, channel, gone)
    arrivals = [(date(2026, 3, 3), "poster", "telegram")] * 3
    arrivals += [(date(2026, 3, 3), "flyer", "telegram"), (date(2026, 3, 3), "poster", "whatsapp")]
    arrivals += [(date(2026, 3, 9), "poster", "telegram")]
    for day, source, channel in arrivals:
        s.add(ArrivalStat(day=day, source=source, channel=channel))
    s.commit()

    assert stats.unreachable(s) == {"telegram": 2, "whatsapp": 1}
    assert stats.arrivals(s, MARCH) == [
        ArrivalCount(date(2026, 3, 3), "flyer", "telegram", 1),
        ArrivalCount(date(2026, 3, 3), "poster", "telegram", 3),
        ArrivalCount(date(2026, 3, 3), "poster", "whatsapp", 1),
    ]


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([], 0.5, None),
        ([7.0], 0.9, 7.0),
        ([4.0, 1.0, 3.0, 2.0], 0.5, 2.5),
        ([10.0, 20.0, 30.0, 40.0], 0.9, 37.0),
        ([1.0, 2.0, 3.0], 1.0, 3.0),
        ([1.0, 2.0, 3.0], 0.0, 1.0),
    ],
)
def test_percentiles_interpolate_between_the_closest_ranks(values, q, expected):
    assert stats.percentile(values, q) == expected


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (None, "—"),
        (42.4, "42 s"),
        (59.6, "1 min"),
        (1500, "25 min"),
        (3600, "1 h 00 min"),
        (13320, "3 h 42 min"),
        (86400 * 2 + 3600 * 4 + 59, "2 d 4 h"),
    ],
)
def test_durations_read_as_people_say_them(seconds, shown):
    assert stats.human_duration(seconds) == shown
