"""When bridge workers answer: weekly opening hours in a time zone.

A schedule is one or more ranges separated by ``;`` or ``,``, e.g.
``mon-fri 09:00-17:00`` or ``mon-thu 09:00-17:00; fri 09:00-13:00``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import SettingsError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))?\s+"
    r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$"
)
EXAMPLE = "mon-fri 09:00-17:00 (several: mon-thu 09:00-17:00; fri 09:00-13:00)"


@dataclass(frozen=True)
class Opening:
    days: frozenset[int]
    start: time
    end: time


def zone(name: str, setting: str = "BRUG_TIMEZONE") -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        raise SettingsError(setting, f"unknown time zone {name!r}") from None


def _opening(part: str, setting: str) -> Opening:
    m = _RANGE.match(part)
    if not m:
        raise SettingsError(setting, f"expected e.g. {EXAMPLE}, got {part!r}")
    first, last = DAYS.index(m.group(1)), DAYS.index(m.group(2) or m.group(1))
    days = (
        frozenset(range(first, last + 1))
        if first <= last
        else frozenset([*range(first, 7), *range(0, last + 1)])
    )
    hours = [int(m.group(i)) for i in (3, 4, 5, 6)]
    if hours[0] > 23 or hours[2] > 24 or hours[1] > 59 or hours[3] > 59:
        raise SettingsError(setting, f"not a time of day in {part!r}")
    start = time(hours[0], hours[1])
    end = time.max if hours[2] == 24 else time(hours[2], hours[3])
    if start >= end:
        raise SettingsError(setting, f"the opening time must be before the closing time: {part!r}")
    return Opening(days, start, end)


@dataclass(frozen=True)
class OfficeHours:
    openings: tuple[Opening, ...]
    zone: ZoneInfo
    spec: str

    @classmethod
    def parse(cls, spec: str, zone_name: str, setting: str = "BRUG_OFFICE_HOURS") -> OfficeHours:
        tz = zone(zone_name, "BRUG_TIMEZONE" if setting == "BRUG_OFFICE_HOURS" else setting)
        parts = [p.strip() for p in re.split(r"[;,]", spec.strip().lower()) if p.strip()]
        if not parts:
            raise SettingsError(setting, f"expected e.g. {EXAMPLE}, got {spec!r}")
        return cls(tuple(_opening(p, setting) for p in parts), tz, "; ".join(parts))

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.zone)
        return any(
            local.weekday() in o.days and o.start <= local.time() < o.end for o in self.openings
        )

    def next_opening(self, now: datetime) -> datetime:
        local = now.astimezone(self.zone)
        found: list[datetime] = []
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            for o in self.openings:
                opening = datetime.combine(day, o.start, self.zone)
                if day.weekday() in o.days and opening > local:
                    found.append(opening)
            if found:
                return min(found)
        return local  # pragma: no cover - a weekly schedule always opens within 8 days

    def label(self) -> str:
        return self.spec
