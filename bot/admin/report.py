"""The stats report: everything /admin/stats shows for a period, and its tables as CSV."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.admin import stats
from bot.admin.period import Period
from bot.admin.stats import ActionRates, ArrivalCount, CaseStat, DayCount, EntryStat

TOP_ENTRIES = 15


@dataclass
class Report:
    period: Period
    daily: list[DayCount]
    rates: list[ActionRates]  # all languages first
    entries: list[EntryStat]  # the top ones
    cases: list[CaseStat]  # all languages first
    reasons: list[tuple[str, int]]
    arrivals: list[ArrivalCount]
    unreachable: dict[str, int]

    @property
    def messages(self) -> int:
        return sum(d.messages for d in self.daily)

    @property
    def channels(self) -> list[str]:
        return sorted({d.channel for d in self.daily})

    def per_day(self) -> dict[str, list[int]]:
        """Language -> messages on each day of the period, busiest language first."""
        index = {day: i for i, day in enumerate(self.period.days)}
        series: dict[str, list[int]] = defaultdict(lambda: [0] * len(index))
        for d in self.daily:
            series[d.lang][index[d.day]] += d.messages
        return dict(sorted(series.items(), key=lambda kv: (-sum(kv[1]), kv[0])))

    def by_lang_and_channel(self) -> list[tuple[str, dict[str, int], int]]:
        """(language, messages per channel, total), busiest language first."""
        return _pivot((d.lang, d.channel, d.messages) for d in self.daily)

    @property
    def arrival_channels(self) -> list[str]:
        return sorted({a.channel for a in self.arrivals})

    def arrivals_by_source(self) -> list[tuple[str, dict[str, int], int]]:
        """(link, arrivals per channel, total), most arrivals first."""
        return _pivot((a.source, a.channel, a.arrivals) for a in self.arrivals)


def _pivot(rows: Iterable[tuple[str, str, int]]) -> list[tuple[str, dict[str, int], int]]:
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, column, n in rows:
        table[key][column] += n
    out = [(key, dict(cols), sum(cols.values())) for key, cols in table.items()]
    return sorted(out, key=lambda r: (-r[2], r[0]))


def report(s: Session, period: Period) -> Report:
    return Report(
        period,
        stats.daily(s, period),
        stats.action_rates(s, period),
        stats.entries(s, period, limit=TOP_ENTRIES),
        stats.cases(s, period),
        stats.case_reasons(s, period),
        stats.arrivals(s, period),
        stats.unreachable(s),
    )


# ---- CSV -----------------------------------------------------------------------------------

Cell = str | int | float | date | None
Table = tuple[list[str], list[list[Cell]]]


def _daily(s: Session, period: Period) -> Table:
    rows = stats.daily(s, period)
    return ["day", "channel", "lang", "messages"], [
        [d.day, d.channel, d.lang, d.messages] for d in rows
    ]


def _actions(s: Session, period: Period) -> Table:
    acts = stats.ACTIONS
    head = ["lang", "messages", *acts, *(f"{a}_rate" for a in acts)]
    return head, [
        [r.lang, r.total, *(r.count(a) for a in acts), *(round(r.rate(a), 4) for a in acts)]
        for r in stats.action_rates(s, period)
    ]


def _entries(s: Session, period: Period) -> Table:
    head = ["entry", "answered", "helpful", "unhelpful", "helpful_ratio"]
    return head, [
        [
            e.entry,
            e.answered,
            e.helpful,
            e.unhelpful,
            None if e.ratio is None else round(e.ratio, 4),
        ]
        for e in stats.entries(s, period)
    ]


def _seconds(value: float | None) -> int | None:
    return None if value is None else round(value)


def _cases(s: Session, period: Period) -> Table:
    head = ["lang", "opened", "urgent", "replied", "resolved"]
    head += ["first_reply_p50_s", "first_reply_p90_s", "resolution_p50_s", "resolution_p90_s"]
    return head, [
        [
            *(c.lang, c.opened, c.urgent, c.replied, c.resolved),
            *map(_seconds, (c.first_reply_p50, c.first_reply_p90)),
            *map(_seconds, (c.resolution_p50, c.resolution_p90)),
        ]
        for c in stats.cases(s, period)
    ]


def _arrivals(s: Session, period: Period) -> Table:
    return ["day", "source", "channel", "arrivals"], [
        [a.day, a.source, a.channel, a.arrivals] for a in stats.arrivals(s, period)
    ]


TABLES: dict[str, Callable[[Session, Period], Table]] = {
    "daily": _daily,
    "actions": _actions,
    "entries": _entries,
    "cases": _cases,
    "arrivals": _arrivals,
}


def _cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a spreadsheet must not read a link's name as a formula
    return value


def to_csv(head: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(head)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return out.getvalue()
