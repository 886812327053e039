"""Analytics for /admin/stats: counts only, never a person's data, over a period of UTC days.

Every query takes a session and a ``Period`` and returns plain dataclasses. The counting is
done by the database (GROUP BY), so a page over 100,000 handled messages stays quick; only the
durations of cases come back row by row, for the percentiles.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.admin.period import Period
from bot.storage.models import ArrivalStat, Case, Contact, DecisionStat, Feedback

ACTIONS = ("answer", "clarify", "fallback", "escalate")
ANSWERED = ("answer", "escalate")  # actions whose reply shows the entry to the user
ALL = "all"  # the row that sums every language
UNKNOWN = "?"  # a case whose language was never known


# ---- messages per day ----------------------------------------------------------------------


@dataclass(frozen=True)
class DayCount:
    day: date
    lang: str
    channel: str
    messages: int


def daily(s: Session, period: Period) -> list[DayCount]:
    """Handled messages per day, language and channel."""
    d = DecisionStat
    rows = s.execute(
        select(d.day, d.lang, d.channel, func.count())
        .where(d.day >= period.start, d.day <= period.end)
        .group_by(d.day, d.lang, d.channel)
        .order_by(d.day, d.lang, d.channel)
    ).all()
    return [DayCount(day, lang, channel, n) for day, lang, channel, n in rows]


# ---- what the bot did ----------------------------------------------------------------------


@dataclass
class ActionRates:
    """How often the bot answered, asked back, gave up or handed over, in one language."""

    lang: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, action: str) -> int:
        return self.counts.get(action, 0)

    def rate(self, action: str) -> float:
        return self.count(action) / self.total if self.total else 0.0


def action_rates(s: Session, period: Period) -> list[ActionRates]:
    """One row for all languages first, then one per language, busiest first."""
    d = DecisionStat
    rows = s.execute(
        select(d.lang, d.action, func.count())
        .where(d.day >= period.start, d.day <= period.end)
        .group_by(d.lang, d.action)
    ).all()
    total = ActionRates(ALL)
    per_lang: dict[str, ActionRates] = {}
    for lang, action, n in rows:
        per_lang.setdefault(lang, ActionRates(lang)).counts[action] = n
        total.counts[action] = total.count(action) + n
    if not rows:
        return []
    return [total, *sorted(per_lang.values(), key=lambda r: (-r.total, r.lang))]


# ---- entries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryStat:
    entry: str
    answered: int  # replies that showed this entry
    helpful: int  # 👍
    unhelpful: int  # 👎

    @property
    def ratio(self) -> float | None:
        """The share of 👍 among the votes, or None without any vote."""
        votes = self.helpful + self.unhelpful
        return self.helpful / votes if votes else None


def entries(s: Session, period: Period, limit: int | None = None) -> list[EntryStat]:
    """Entries by how often they were answered, with their 👍/👎 votes in the period."""
    d, f = DecisionStat, Feedback
    answered: dict[str, int] = {
        entry: n
        for entry, n in s.execute(
            select(d.entry, func.count())
            .where(
                d.day >= period.start,
                d.day <= period.end,
                d.entry.is_not(None),
                d.action.in_(ANSWERED),
            )
            .group_by(d.entry)
        ).all()
        if entry is not None
    }
    start, end = period.bounds()
    votes: dict[str, dict[bool, int]] = defaultdict(dict)
    for entry, helpful, n in s.execute(
        select(f.entry, f.helpful, func.count())
        .where(f.created_at >= start, f.created_at < end)
        .group_by(f.entry, f.helpful)
    ).all():
        votes[entry][bool(helpful)] = n
    out = [
        EntryStat(e, answered.get(e, 0), votes[e].get(True, 0), votes[e].get(False, 0))
        for e in set(answered) | set(votes)
    ]
    out.sort(key=lambda x: (-x.answered, -(x.helpful + x.unhelpful), x.entry))
    return out[:limit] if limit is not None else out


# ---- cases ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th quantile (0..1) by linear interpolation between the closest ranks."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


@dataclass(frozen=True)
class CaseStat:
    """Cases opened in the period in one language; durations in seconds."""

    lang: str
    opened: int
    urgent: int
    replied: int
    resolved: int
    first_reply_p50: float | None
    first_reply_p90: float | None
    resolution_p50: float | None
    resolution_p90: float | None


def cases(s: Session, period: Period) -> list[CaseStat]:
    """All languages first, then per language, most cases first."""
    c = Case
    start, end = period.bounds()
    in_period = (c.created_at >= start, c.created_at < end)
    counts = s.execute(
        select(
            c.lang,
            func.count(),
            func.sum(when((c.priority == "urgent", 1), else_=0)),
            func.count(c.first_reply_at),
            func.count(c.resolved_at),
        )
        .where(*in_period)
        .group_by(c.lang)
    ).all()
    if not counts:
        return []
    replies: dict[str, list[float]] = defaultdict(list)
    resolutions: dict[str, list[float]] = defaultdict(list)
    for lang, created, replied, resolved in s.execute(
        select(c.lang, c.created_at, c.first_reply_at, c.resolved_at).where(
            *in_period, (c.first_reply_at.is_not(None)) | (c.resolved_at.is_not(None))
        )
    ).all():
        for key in (lang or UNKNOWN, ALL):
            if replied is not None:
                replies[key].append(max(0.0, (replied - created).total_seconds()))
            if resolved is not None:
                resolutions[key].append(max(0.0, (resolved - created).total_seconds()))
    totals = [0, 0, 0, 0]
    rows: list[tuple[str, list[int]]] = []
    for lang, *numbers in counts:
        ints = [int(n or 0) for n in numbers]
        rows.append((lang or UNKNOWN, ints))
        totals = [a + b for a, b in zip(totals, ints, strict=True)]
    rows.sort(key=lambda r: (-r[1][0], r[0]))

    def stat(lang: str, n: list[int]) -> CaseStat:
        r, z = replies[lang], resolutions[lang]
        opened, urgent, replied, resolved = n
        return CaseStat(
            lang,
            opened,
            urgent,
            replied,
            resolved,
            percentile(r, 0.5),
            percentile(r, 0.9),
            percentile(z, 0.5),
            percentile(z, 0.9),
        )

    return [stat(ALL, totals), *(stat(lang, n) for lang, n in rows)]


def case_reasons(s: Session, period: Period) -> list[tuple[str, int]]:
    """Cases opened in the period by why they were opened, most first."""
    start, end = period.bounds()
    rows = s.execute(
        select(Case.reason, func.count())
        .where(Case.created_at >= start, Case.created_at < end)
        .group_by(Case.reason)
    ).all()
    return sorted(((r, n) for r, n in rows), key=lambda x: (-x[1], x[0]))


# ---- reach ---------------------------------------------------------------------------------


def unreachable(s: Session) -> dict[str, int]:
    """People the bot cannot reach any more (they blocked it), per channel: a current count."""
    rows = s.execute(
        select(Contact.channel, func.count())
        .where(Contact.unreachable.is_(True))
        .group_by(Contact.channel)
        .order_by(Contact.channel)
    ).all()
    return {channel: n for channel, n in rows}


@dataclass(frozen=True)
class ArrivalCount:
    day: date
    source: str
    channel: str
    arrivals: int


def arrivals(s: Session, period: Period) -> list[ArrivalCount]:
    """People who came through a deep link or QR code, per day, link and channel."""
    a = ArrivalStat
    rows = s.execute(
        select(a.day, a.source, a.channel, func.count())
        .where(a.day >= period.start, a.day <= period.end)
        .group_by(a.day, a.source, a.channel)
        .order_by(a.day, a.source, a.channel)
    ).all()
    return [ArrivalCount(day, source, channel, n) for day, source, channel, n in rows]


def human_duration(seconds: float | None) -> str:
    """42 s, 12 min, 3 h 05 min, 2 d 4 h; an em dash for no value."""
    if seconds is None:
        return "—"
    sec = round(seconds)
    if sec < 60:
        return f"{sec} s"
    if sec < 3600:
        return f"{sec // 60} min"
    if sec < 86400:
        return f"{sec // 3600} h {sec % 3600 // 60:02d} min"
    return f"{sec // 86400} d {sec % 86400 // 3600} h"
