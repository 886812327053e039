"""The period an analytics page covers: whole UTC days, "the last N days" or from/to dates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.errors import BrugError

PRESETS = (7, 30, 90)
DEFAULT_DAYS = 30
MAX_DAYS = 366


class PeriodError(BrugError):
    """The period asked for cannot be read."""


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included; ``preset`` when it is "the last N days"."""

    start: date
    end: date
    preset: int | None = None

    @classmethod
    def last(cls, days: int, today: date) -> Period:
        return cls(today - timedelta(days=days - 1), today, days)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def query(self) -> str:
        """The query string that asks for this period again."""
        if self.preset is not None:
            return f"days={self.preset}"
        return f"from={self.start.isoformat()}&to={self.end.isoformat()}"

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as instants: from the start day's midnight to the midnight after the end."""
        return (
            datetime.combine(self.start, time(), UTC),
            datetime.combine(self.end + timedelta(days=1), time(), UTC),
        )


def parse_period(params: Mapping[str, str], today: date) -> Period:
    """``?days=N``, or ``?from=YYYY-MM-DD&to=YYYY-MM-DD``; nothing: the last 30 days."""
    start_text, end_text = params.get("from", "").strip(), params.get("to", "").strip()
    if start_text or end_text:
        try:
            end = date.fromisoformat(end_text) if end_text else today
            start = (
                date.fromisoformat(start_text)
                if start_text
                else end - timedelta(days=DEFAULT_DAYS - 1)
            )
        except ValueError:
            raise PeriodError("write dates as YYYY-MM-DD, e.g. 2026-03-01") from None
        if start > end:
            raise PeriodError("the period starts after it ends")
        if (end - start).days + 1 > MAX_DAYS:
            raise PeriodError("a period has at most {n} days", n=MAX_DAYS)
        return Period(start, end)
    days_text = params.get("days", "").strip() or str(DEFAULT_DAYS)
    if not days_text.isdigit() or not 1 <= int(days_text) <= MAX_DAYS:
        raise PeriodError("days must be a whole number from 1 to {n}", n=MAX_DAYS)
    return Period.last(int(days_text), today)
