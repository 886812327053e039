"""A stored event that cannot be processed is recorded as failed, not retried in a lock."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlalchemy import insert

from bot.storage.models import InboundEvent
from bot.web.app import Deps, create_app
from tests.conftest import make_settings

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def test_a_broken_event_is_recorded_as_failed_at_once(tmp_path, engine, database_url):
    settings = make_settings(tmp_path, DATABASE_URL=database_url, BRUG_RUN_WORKER="false")
    service = create_app(settings, Deps(engine=engine, clock=lambda: NOW)).state.service
    with service.sessions() as s:
        s.execute(
            insert(InboundEvent).values(
                channel="telegram",
                external_key="1",
                user_ref="555",
                payload={"text": "no received_at"},
                received_at=NOW,
                attempts=0,
            )
        )
        s.commit()
    started = time.monotonic()
    assert service.process_pending(NOW, limit=1) == 1
    assert time.monotonic() - started < 5  # no wait on a lock the same thread holds
    with service.sessions() as s:
        event = s.query(InboundEvent).one()
        assert event.attempts == 1 and event.error.startswith("KeyError")
    service.sessions.kw["bind"].dispose()
