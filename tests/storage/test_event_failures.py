"""An event that cannot be processed is set aside with its error; the queue moves on
(SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.conversation import Conversation, Options
from bot.messages import Inbound
from bot.service import Service
from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.storage.models import InboundEvent

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_a_broken_event_is_set_aside_and_the_next_one_processed(database_url, engine):
    db = make_engine(database_url)
    upgrade(db)
    sessions = sessionmaker(db, expire_on_commit=False)
    conversation = Conversation(engine, Options(languages=engine.languages))
    service = Service(sessions, lambda: conversation, secret_key="k")
    with sessions() as s:  # e.g. stored by an older version, in a shape this one cannot read
        s.add(
            InboundEvent(
                channel="telegram",
                external_key="broken",
                user_ref="1",
                payload={"text": "no channel, no date"},
                received_at=NOW,
                attempts=0,
            )
        )
        s.commit()
    assert service.ingest(Inbound("telegram", "2", "/start", NOW), "fine")

    service.process_pending(NOW)  # tries the broken one three times, then the next one
    with sessions() as s:
        broken, fine = s.scalars(select(InboundEvent).order_by(InboundEvent.id)).all()
        assert fine.processed_at is not None and fine.error is None
        assert broken.attempts == 3 and broken.processed_at is not None  # given up, kept
        assert broken.error and broken.error.startswith("KeyError")
    db.dispose()
