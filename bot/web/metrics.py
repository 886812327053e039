"""GET /metrics: Prometheus text, counts only (no personal data), read from the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.models import Case, DecisionStat, InboundEvent, Outbox

# open cases by how long they have been open (the inbox's backlog at a glance)
AGE_BUCKETS = (
    ("1h", timedelta(hours=1)),
    ("1d", timedelta(days=1)),
    ("7d", timedelta(days=7)),
    ("30d", timedelta(days=30)),
)


def render(sessions: sessionmaker[Session], now: datetime) -> str:
    lines: list[str] = []

    def metric(
        name: str, kind: str, help_text: str, samples: Sequence[tuple[dict[str, str], float]]
    ) -> None:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            label = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
            lines.append(f"{name}{{{label}}} {value}" if label else f"{name} {value}")

    with sessions() as s:
        inbound = s.execute(
            select(InboundEvent.channel, func.count()).group_by(InboundEvent.channel)
        ).all()
        pending = s.scalar(
            select(func.count())
            .select_from(InboundEvent)
            .where(InboundEvent.processed_at.is_(None))
        )
        outbox = s.execute(
            select(Outbox.channel, Outbox.status, func.count()).group_by(
                Outbox.channel, Outbox.status
            )
        ).all()
        retrying = s.execute(
            select(Outbox.channel, func.count())
            .where(Outbox.status == "queued", Outbox.attempts > 0)
            .group_by(Outbox.channel)
        ).all()
        oldest = s.scalar(
            select(func.min(Outbox.created_at)).where(Outbox.status.in_(("queued", "sending")))
        )
        decisions = s.execute(
            select(DecisionStat.action, func.count()).group_by(DecisionStat.action)
        ).all()
        handled = s.execute(
            select(DecisionStat.channel, func.count()).group_by(DecisionStat.channel)
        ).all()
        opened = s.scalars(
            select(Case.created_at).where(Case.status.in_(("new", "assigned", "waiting")))
        ).all()
        cases = s.execute(
            select(Case.status, Case.priority, func.count()).group_by(Case.status, Case.priority)
        ).all()
    metric(
        "brug_inbound_messages_total",
        "counter",
        "Messages received, by channel.",
        [({"channel": c}, n) for c, n in inbound],
    )
    metric(
        "brug_inbound_pending",
        "gauge",
        "Received messages not processed yet.",
        [({}, pending or 0)],
    )
    metric(
        "brug_outbox_messages",
        "gauge",
        "Outgoing messages by channel and status.",
        [({"channel": c, "status": st}, n) for c, st, n in outbox],
    )
    metric(
        "brug_outbox_retrying",
        "gauge",
        "Messages waiting for another try after a send error, by channel "
        '(messages that gave up are brug_outbox_messages{status="failed"}).',
        [({"channel": c}, n) for c, n in retrying],
    )
    age = 0.0
    if oldest is not None:
        oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
        age = max(0.0, (now - oldest).total_seconds())
    metric(
        "brug_outbox_oldest_age_seconds", "gauge", "Age of the oldest unsent message.", [({}, age)]
    )
    metric(
        "brug_decisions_total",
        "counter",
        "Engine decisions by action.",
        [({"action": a}, n) for a, n in decisions],
    )
    metric(
        "brug_messages_handled_total",
        "counter",
        "Messages the engine decided on, by channel (kept as counts: retention does not lower it).",
        [({"channel": c}, n) for c, n in handled],
    )
    ages = [now - (t if t.tzinfo else t.replace(tzinfo=now.tzinfo)) for t in opened]
    metric(
        "brug_cases_open_by_age",
        "gauge",
        "Open cases (new, assigned, waiting) open for at most this long; le=+Inf: all of them.",
        [({"le": label}, sum(a <= limit for a in ages)) for label, limit in AGE_BUCKETS]
        + [({"le": "+Inf"}, len(ages))],
    )
    metric(
        "brug_cases",
        "gauge",
        "Cases by status and priority.",
        [({"status": st, "priority": p}, n) for st, p, n in cases],
    )
    return "\n".join(lines) + "\n"
