"""Retention: personal data older than ``BRUG_RETENTION_DAYS`` is deleted; counts stay.

:func:`purge` deletes, in batches of ids (the same statements on SQLite and PostgreSQL, each
batch its own short transaction so the web processes are never held up):

- transcript messages, received events (their payload holds the text) once processed, outbox
  rows once final (sent, delivered, failed) and logged questions, all older than the cutoff;
- resolved and closed cases last touched before the cutoff, with their notes;
- the contact link of old feedback (the vote itself stays, as a count);
- contacts with no activity since the cutoff (nothing received, no message, no case touched).

Open cases are kept whole, with their contact, transcript and staff-group posts: a bridge worker
is still on them. ``DecisionStat`` and ``ArrivalStat`` hold counts only and are never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.models import (
    Case,
    CaseNote,
    Contact,
    Feedback,
    InboundEvent,
    Message,
    Outbox,
    QuestionLog,
)

logger = logging.getLogger(__name__)
OPEN = ("new", "assigned", "waiting")
FINAL = ("sent", "delivered", "failed")
BATCH = 500
STAFF_GROUP = "staff-group"  # the pseudonym of the bridge workers' Telegram group (not a person)

COUNTS = (
    "messages",
    "inbound_events",
    "outbox",
    "questions",
    "case_notes",
    "cases",
    "feedback_unlinked",
    "contacts",
)


def _has_open_case(contact_id: Any) -> Any:
    return exists().where(Case.contact_id == contact_id, Case.status.in_(OPEN))


def _plan(cutoff: datetime) -> list[tuple[str, Any, Select[Any], str]]:
    """(count name, table's id column, which ids, delete | unlink), in an order that keeps
    every foreign key satisfied."""
    closed_case = and_(Case.status.not_in(OPEN), Case.updated_at < cutoff)
    open_case_ids = select(Case.id).where(Case.status.in_(OPEN))
    recent_case = exists().where(Case.contact_id == Contact.id, Case.updated_at >= cutoff)
    recent_message = exists().where(Message.contact_id == Contact.id, Message.created_at >= cutoff)
    recent_outbox = exists().where(Outbox.contact_id == Contact.id, Outbox.created_at >= cutoff)
    return [
        (
            "messages",
            Message.id,
            select(Message.id).where(
                Message.created_at < cutoff, ~_has_open_case(Message.contact_id)
            ),
            "delete",
        ),
        (
            "inbound_events",
            InboundEvent.id,
            select(InboundEvent.id).where(
                InboundEvent.processed_at.is_not(None), InboundEvent.received_at < cutoff
            ),
            "delete",
        ),
        (
            "outbox",
            Outbox.id,
            select(Outbox.id).where(
                Outbox.status.in_(FINAL),
                Outbox.created_at < cutoff,
                ~_has_open_case(Outbox.contact_id),
                or_(Outbox.case_id.is_(None), Outbox.case_id.not_in(open_case_ids)),
            ),
            "delete",
        ),
        (
            "questions",
            QuestionLog.id,
            select(QuestionLog.id).where(QuestionLog.created_at < cutoff),
            "delete",
        ),
        (
            "case_notes",
            CaseNote.id,
            select(CaseNote.id).join(Case, Case.id == CaseNote.case_id).where(closed_case),
            "delete",
        ),
        ("cases", Case.id, select(Case.id).where(closed_case), "delete"),
        (
            "feedback_unlinked",
            Feedback.id,
            select(Feedback.id).where(
                Feedback.contact_id.is_not(None), Feedback.created_at < cutoff
            ),
            "unlink",
        ),
        (
            "contacts",
            Contact.id,
            select(Contact.id).where(
                func.coalesce(Contact.last_inbound_at, Contact.created_at) < cutoff,
                Contact.created_at < cutoff,
                Contact.pseudonym != STAFF_GROUP,
                ~_has_open_case(Contact.id),
                ~recent_case,
                ~recent_message,
                ~recent_outbox,
            ),
            "delete",
        ),
    ]


def purge(
    session: Session,
    now: datetime,
    days: int,
    *,
    dry_run: bool = False,
    batch: int = BATCH,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Delete what is older than ``days`` (see the module's docstring); returns counts per kind.

    With ``dry_run`` nothing changes: the counts are what would go now (a contact that becomes
    inactive only once its old rows are gone is counted on the next run)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = now - timedelta(days=days)
    counts = dict.fromkeys(COUNTS, 0)
    for name, id_col, ids, action in _plan(cutoff):
        if dry_run:
            counts[name] = int(
                session.scalar(select(func.count()).select_from(ids.subquery())) or 0
            )
            continue
        table = id_col.class_
        while True:
            chunk = list(session.scalars(ids.order_by(id_col).limit(batch)).all())
            if not chunk:
                break
            if action == "unlink":
                stmt: Any = update(table).where(id_col.in_(chunk)).values(contact_id=None)
            else:
                stmt = delete(table).where(id_col.in_(chunk))
            session.execute(stmt.execution_options(synchronize_session=False))
            session.commit()
            counts[name] += len(chunk)
            if progress is not None:
                progress(name, counts[name])
    if dry_run:
        session.rollback()
    return counts


def close_resolved(session: Session, now: datetime, reopen_days: int) -> int:
    """A resolved case the user can no longer reopen (``BRUG_REOPEN_DAYS`` have passed) is
    closed: the next request opens a new case. Its ``updated_at`` stays, so retention counts
    from the last real change."""
    done = session.execute(
        update(Case)
        .where(Case.status == "resolved", Case.resolved_at < now - timedelta(days=reopen_days))
        .values(status="closed")
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return int(getattr(done, "rowcount", 0) or 0)


def purge_now(
    sessions: sessionmaker[Session], now: datetime, days: int, reopen_days: int | None = None
) -> dict[str, int]:
    with sessions() as s:
        closed = close_resolved(s, now, reopen_days) if reopen_days is not None else 0
        counts = purge(s, now, days)
    if closed:
        logger.info("closed %d resolved cases past the reopen window", closed)
    if any(counts.values()):
        logger.info(
            "retention (%d days): deleted %s",
            days,
            ", ".join(f"{n} {k}" for k, n in counts.items() if n),
        )
    return counts


async def run_forever(
    sessions: sessionmaker[Session],
    clock: Callable[[], datetime],
    days: int,
    interval: float,
    stop: asyncio.Event,
    reopen_days: int | None = None,
) -> None:
    """The worker's schedule: close resolved cases past the reopen window and purge, now and
    then every ``interval`` seconds until ``stop``."""
    while not stop.is_set():
        try:
            await asyncio.to_thread(purge_now, sessions, clock(), days, reopen_days)
        except Exception:
            logger.exception("retention run failed; trying again at the next interval")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
