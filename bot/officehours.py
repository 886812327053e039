"""When bridge workers answer: weekly opening hours in a time zone, e.g. ``mon-fri 09:00-17:00``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import SettingsError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPEC = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))?\s+"
    r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$"
)


@dataclass(frozen=True)
class OfficeHours:
    days: frozenset[int]
    start: time
    end: time
    zone: ZoneInfo
    spec: str

    @classmethod
    def parse(cls, spec: str, zone: str) -> OfficeHours:
        m = _SPEC.match(spec.strip().lower())
        try:
            tz = ZoneInfo(zone)
        except (KeyError, ValueError):
            raise SettingsError("BRUG_TIMEZONE", f"unknown time zone {zone!r}") from None
        if not m:
            raise SettingsError(
                "BRUG_OFFICE_HOURS", f"expected e.g. 'mon-fri 09:00-17:00', got {spec!r}"
            )
        first, last = DAYS.index(m.group(1)), DAYS.index(m.group(2) or m.group(1))
        days = (
            frozenset(range(first, last + 1))
            if first <= last
            else frozenset([*range(first, 7), *range(0, last + 1)])
        )
        start, end = time(int(m.group(3)), int(m.group(4))), time(int(m.group(5)), int(m.group(6)))
        if start >= end:
            raise SettingsError(
                "BRUG_OFFICE_HOURS", "the opening time must be before the closing time"
            )
        return cls(days, start, end, tz, spec.strip())

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.zone)
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def next_opening(self, now: datetime) -> datetime:
        local = now.astimezone(self.zone)
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            opening = datetime.combine(day, self.start, self.zone)
            if day.weekday() in self.days and opening > local:
                return opening
        return local  # pragma: no cover - a weekly schedule always opens within 8 days

    def label(self) -> str:
        return self.spec
