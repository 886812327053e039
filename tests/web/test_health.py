"""/readyz answers 503 when the database is gone; /metrics counts open cases by age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from bot.storage.models import Case, Contact, DecisionStat, Outbox
from bot.web.app import Deps, create_app
from tests.conftest import make_settings

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def test_readiness_fails_when_the_database_is_gone(tmp_path, engine, postgres_url):
    settings = make_settings(tmp_path, DATABASE_URL=postgres_url, BRUG_RUN_WORKER="false")
    with TestClient(create_app(settings, Deps(engine=engine))) as client:
        assert client.get("/readyz").status_code == 200
        name = postgres_url.split("?", 1)[0].rsplit("/", 1)[1]
        admin = create_engine(postgres_url.replace(f"/{name}?", "/postgres?"))
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
        res = client.get("/readyz")
        assert res.status_code == 503 and res.json() == {"ready": False, "database": "unreachable"}
        assert client.get("/healthz").status_code == 200  # alive: restarting would not help


def test_metrics_count_open_cases_by_age_and_handled_messages(tmp_path, engine):
    settings = make_settings(tmp_path, BRUG_RUN_WORKER="false")
    app = create_app(settings, Deps(engine=engine, clock=lambda: NOW))
    with app.state.service.sessions() as s:
        c = Contact(
            channel="telegram",
            external_id="1",
            pseudonym="p1",
            state={},
            handoff=True,
            unreachable=False,
            created_at=NOW,
        )
        s.add(c)
        s.flush()
        for status, age in (
            ("new", timedelta(minutes=5)),
            ("assigned", timedelta(hours=5)),
            ("waiting", timedelta(days=10)),
            ("resolved", timedelta(days=40)),
        ):
            s.add(
                Case(
                    contact_id=c.id,
                    status=status,
                    priority="normal",
                    reason="asked",
                    created_at=NOW - age,
                    updated_at=NOW,
                )
            )
        s.add(DecisionStat(day=NOW.date(), channel="telegram", lang="pl", action="answer"))
        for attempts, status in ((2, "queued"), (0, "queued"), (8, "failed")):
            s.add(
                Outbox(
                    contact_id=c.id,
                    channel="telegram",
                    text="x",
                    buttons=[],
                    lang="pl",
                    status=status,
                    attempts=attempts,
                    next_attempt_at=NOW,
                    created_at=NOW,
                )
            )
        s.commit()
    with TestClient(app) as client:
        text_ = client.get("/metrics").text
    assert 'brug_cases_open_by_age{le="1h"} 1' in text_
    assert 'brug_cases_open_by_age{le="1d"} 2' in text_
    assert 'brug_cases_open_by_age{le="7d"} 2' in text_
    assert 'brug_cases_open_by_age{le="30d"} 3' in text_
    assert 'brug_cases_open_by_age{le="+Inf"} 3' in text_
    assert 'brug_messages_handled_total{channel="telegram"} 1' in text_
    assert 'brug_outbox_retrying{channel="telegram"} 1' in text_  # send errors awaiting a retry
    assert 'brug_outbox_messages{channel="telegram",status="failed"} 1' in text_
