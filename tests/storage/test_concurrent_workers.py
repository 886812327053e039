"""Several processes share the work: nothing is processed or sent twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.conversation import Conversation, Options
from bot.messages import Inbound, Outbound
from bot.outbox import Sender
from bot.service import Service
from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.storage.models import Contact, InboundEvent, Message, Outbox

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


class Recording:
    def __init__(self) -> None:
        self.sent: list[int] = []
        self.lock = threading.Lock()

    async def send(self, message: Outbound) -> str:
        with self.lock:
            self.sent.append(message.outbox_id)
        return f"p{message.outbox_id}"


def run_in_threads(n: int, target) -> None:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def go() -> None:
        try:
            barrier.wait()
            target()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_two_processors_handle_every_event_once_in_order_per_user(database_url, engine):
    db = make_engine(database_url)
    upgrade(db)
    sessions = sessionmaker(db, expire_on_commit=False)
    conversation = Conversation(engine, Options(languages=engine.languages))
    services = [Service(sessions, lambda: conversation, secret_key="k") for _ in range(2)]
    steps = [
        ("/start", None),
        ("", "lang:pl"),
        ("", "country:NL"),
        ("", "consent:yes"),
        ("bsn", None),
    ]
    for user in range(8):
        for i, (text, payload) in enumerate(steps):
            msg = Inbound(
                "telegram", str(9000 + user), text, NOW + timedelta(seconds=i), payload=payload
            )
            assert services[0].ingest(msg, f"{user}-{i}")
    run_in_threads(2, lambda: [s.process_pending(NOW, limit=1000) for s in services])
    for s in services:
        s.process_pending(NOW, limit=1000)
    with sessions() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(InboundEvent)
                .where(InboundEvent.processed_at.is_(None))
            )
            == 0
        )
        assert (
            s.scalar(
                select(func.count())
                .select_from(InboundEvent)
                .where(InboundEvent.error.is_not(None))
            )
            == 0
        )
        for contact in s.scalars(select(Contact)).all():
            # in order: onboarding finished and the question was answered in Polish
            assert contact.state["step"] == "ready" and contact.lang == "pl", contact.state
            assert (
                s.scalar(
                    select(func.count())
                    .select_from(Message)
                    .where(Message.contact_id == contact.id, Message.direction == "in")
                )
                == 1
            )  # "bsn", after consent
    db.dispose()


def test_two_senders_never_send_the_same_row(database_url):
    import asyncio

    db = make_engine(database_url)
    upgrade(db)
    sessions = sessionmaker(db, expire_on_commit=False)
    with sessions() as s:
        for user in range(30):
            contact = Contact(
                channel="telegram",
                external_id=str(user),
                pseudonym=f"p{user}",
                state={},
                created_at=NOW,
                handoff=False,
                unreachable=False,
            )
            s.add(contact)
            s.flush()
            s.add(
                Outbox(
                    contact_id=contact.id,
                    channel="telegram",
                    text="hi",
                    buttons=[],
                    lang="pl",
                    status="queued",
                    attempts=0,
                    next_attempt_at=NOW,
                    created_at=NOW,
                )
            )
        s.commit()
    transport = Recording()
    senders = [
        Sender(
            sessions, {"telegram": transport}, clock=lambda: NOW, per_chat_interval=0, per_second=0
        )
        for _ in range(3)
    ]
    run_in_threads(
        3, lambda: [asyncio.run(sender.run_once(limit=7)) for sender in senders for _ in range(3)]
    )
    for sender in senders:
        asyncio.run(sender.run_once(limit=100))
    assert sorted(transport.sent) == sorted(set(transport.sent))
    assert len(transport.sent) == 30
    with sessions() as s:
        assert set(s.scalars(select(Outbox.status)).all()) == {"sent"}
    db.dispose()
