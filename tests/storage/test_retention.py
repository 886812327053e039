"""Retention on SQLite and PostgreSQL with a fixed clock: old goes, recent or open stays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.retention import close_resolved, purge
from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.storage.models import (
    ArrivalStat,
    Case,
    CaseNote,
    Contact,
    DecisionStat,
    Feedback,
    InboundEvent,
    Message,
    Outbox,
    QuestionLog,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=120)
RECENT = NOW - timedelta(days=3)


@pytest.fixture
def sessions(database_url):
    db = make_engine(database_url)
    upgrade(db)
    yield sessionmaker(db, expire_on_commit=False)
    db.dispose()


def contact(s: Session, name: str, at: datetime, last: datetime | None = None) -> Contact:
    row = Contact(
        channel="telegram",
        external_id=name,
        pseudonym=f"p-{name}",
        state={},
        handoff=False,
        unreachable=False,
        created_at=at,
        last_inbound_at=last,
    )
    s.add(row)
    s.flush()
    return row


def message(s: Session, c: Contact, at: datetime, text: str = "hello") -> Message:
    row = Message(contact_id=c.id, direction="in", author="user", text=text, created_at=at)
    s.add(row)
    return row


def outbox(s: Session, c: Contact, at: datetime, status: str, case_id: int | None = None) -> None:
    s.add(
        Outbox(
            contact_id=c.id,
            channel="telegram",
            text="reply",
            buttons=[],
            lang="pl",
            status=status,
            attempts=1,
            next_attempt_at=at,
            created_at=at,
            case_id=case_id,
        )
    )


def case(s: Session, c: Contact, status: str, at: datetime) -> Case:
    row = Case(
        contact_id=c.id,
        status=status,
        priority="normal",
        reason="asked",
        created_at=at,
        updated_at=at,
        resolved_at=at if status in ("resolved", "closed") else None,
    )
    s.add(row)
    s.flush()
    s.add(CaseNote(case_id=row.id, text="called the employer", created_at=at))
    return row


def event(s: Session, key: str, at: datetime, processed: bool) -> None:
    s.add(
        InboundEvent(
            channel="telegram",
            external_key=key,
            user_ref="1",
            payload={"text": "private words"},
            received_at=at,
            processed_at=at if processed else None,
            attempts=0,
        )
    )


def populate(s: Session) -> dict[str, int]:
    gone = contact(s, "gone", OLD, OLD)  # inactive for 120 days, a resolved case
    message(s, gone, OLD)
    outbox(s, gone, OLD, "delivered")
    case(s, gone, "resolved", OLD)
    s.add(Feedback(contact_id=gone.id, entry="work.contract", helpful=True, created_at=OLD))
    s.add(
        QuestionLog(
            text="old question",
            lang="pl",
            action="fallback",
            candidates=[],
            contact_id=gone.id,
            created_at=OLD,
        )
    )

    active = contact(s, "active", OLD, RECENT)  # wrote long ago and again this week
    message(s, active, OLD, "old words")
    message(s, active, RECENT, "new words")
    outbox(s, active, OLD, "queued")  # not final: kept
    outbox(s, active, OLD, "sent")

    waiting = contact(s, "waiting", OLD, OLD)  # an open case, untouched for months
    message(s, waiting, OLD, "help me")
    outbox(s, waiting, OLD, "sent")
    open_case = case(s, waiting, "assigned", OLD)

    group = contact(s, "group", OLD, OLD)  # the staff group, with a post about the open case
    group.pseudonym = "staff-group"
    outbox(s, group, OLD, "sent", case_id=open_case.id)

    recent_closed = contact(s, "recent", RECENT, RECENT)
    case(s, recent_closed, "closed", RECENT)

    event(s, "old-done", OLD, processed=True)
    event(s, "old-pending", OLD, processed=False)
    event(s, "new-done", RECENT, processed=True)
    s.add(DecisionStat(day=OLD.date(), channel="telegram", lang="pl", action="answer"))
    s.add(ArrivalStat(day=date(2025, 1, 1), source="poster", channel="telegram"))
    s.commit()
    return {"waiting": waiting.id, "active": active.id, "open_case": open_case.id}


def count(s: Session, model: type) -> int:
    return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_old_data_goes_and_recent_or_open_data_stays(sessions):
    with sessions() as s:
        ids = populate(s)
        counts = purge(s, NOW, 90, batch=2)
    assert counts == {
        "messages": 2,  # gone's and active's old one; the open case's transcript stays
        "inbound_events": 1,
        "outbox": 2,  # gone's delivered and active's sent; not the queued one
        "questions": 1,
        "case_notes": 1,
        "cases": 1,
        "feedback_unlinked": 1,
        "contacts": 1,
    }
    with sessions() as s:
        names = set(s.scalars(select(Contact.external_id)))
        assert names == {"active", "waiting", "group", "recent"}
        texts = set(s.scalars(select(Message.text)))
        assert texts == {"new words", "help me"}
        assert s.get(Case, ids["open_case"]).status == "assigned"
        assert count(s, CaseNote) == 2  # the open case's and the recent closed case's
        assert set(s.scalars(select(InboundEvent.external_key))) == {"old-pending", "new-done"}
        kept = s.execute(select(Outbox.contact_id, Outbox.status)).all()
        assert sorted(kept, key=str) == sorted(
            [
                (ids["active"], "queued"),
                (ids["waiting"], "sent"),
                (s.scalar(select(Contact.id).where(Contact.external_id == "group")), "sent"),
            ],
            key=str,
        )
        assert count(s, QuestionLog) == 0
        # the counts survive: feedback without its person, decisions and arrivals untouched
        feedback = s.scalars(select(Feedback)).one()
        assert (feedback.contact_id, feedback.helpful) == (None, True)
        assert (count(s, DecisionStat), count(s, ArrivalStat)) == (1, 1)


def test_a_second_run_finds_nothing_and_a_dry_run_changes_nothing(sessions):
    with sessions() as s:
        populate(s)
        planned = purge(s, NOW, 90, dry_run=True)
    with sessions() as s:
        assert count(s, Message) == 4 and count(s, Contact) == 5  # untouched
        done = purge(s, NOW, 90)
    assert planned == done
    with sessions() as s:
        assert set(purge(s, NOW, 90).values()) == {0}


def test_nothing_is_deleted_before_its_time(sessions):
    with sessions() as s:
        populate(s)
        counts = purge(s, NOW, 365)
    assert set(counts.values()) == {0}


def test_brug_serve_purges_in_process_when_it_runs_the_worker(tmp_path, engine):
    import time

    from starlette.testclient import TestClient

    from bot.web.app import Deps, create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(tmp_path), Deps(engine=engine, clock=lambda: NOW))
    with app.state.service.sessions() as s:
        populate(s)
        s.execute(delete(InboundEvent).where(InboundEvent.processed_at.is_(None)))
        s.commit()
    with TestClient(app):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with app.state.service.sessions() as s:
                if count(s, Contact) == 4:
                    break
            time.sleep(0.1)
    with app.state.service.sessions() as s:
        assert set(s.scalars(select(Contact.external_id))) == {
            "active",
            "waiting",
            "group",
            "recent",
        }
        assert count(s, DecisionStat) == 1


def test_a_resolved_case_closes_once_it_can_no_longer_be_reopened(sessions):
    with sessions() as s:
        person = contact(s, "someone", OLD, RECENT)
        ids = {}
        for name, resolved in (("long ago", NOW - timedelta(days=8)), ("lately", RECENT)):
            case = Case(
                contact_id=person.id,
                status="resolved",
                priority="normal",
                reason=name,
                resolved_at=resolved,
                created_at=OLD,
                updated_at=resolved,
            )
            s.add(case)
            s.flush()
            ids[name] = case.id
        s.commit()
        assert close_resolved(s, NOW, reopen_days=7) == 1
    with sessions() as s:
        assert s.get(Case, ids["long ago"]).status == "closed"
        assert s.get(Case, ids["long ago"]).updated_at.replace(tzinfo=UTC) == NOW - timedelta(
            days=8
        )  # retention still counts from the last real change
        assert s.get(Case, ids["lately"]).status == "resolved"
