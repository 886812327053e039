"""An edit to the knowledge base reaches the running service without a restart."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy.orm import sessionmaker
from starlette.testclient import TestClient

from bot.storage import kb_repo
from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.web.app import Deps, create_app
from tests.conftest import make_settings

QUESTION = "wat moet ik doen met een zebrapad formulier"


def test_a_new_phrasing_is_answered_within_seconds_without_a_restart(tmp_path, shipped_kb):
    settings = make_settings(tmp_path, BRUG_RUN_WORKER="false")
    db = make_engine(settings.database_url)
    upgrade(db)
    sessions = sessionmaker(db)
    with sessions() as s:
        kb_repo.replace_all(s, shipped_kb, author="test", now=datetime.now(UTC))
        s.commit()
    app = create_app(settings, Deps())
    with TestClient(app) as client:
        before = client.post(
            "/chat/ask", json={"text": QUESTION, "lang": "nl", "country": "NL"}
        ).json()
        assert before["entry"] != "registration.bsn" or before["action"] != "answer"
        entry = shipped_kb.entries["registration.bsn"]
        nl = entry.translations["nl"]
        changed = entry.with_translation(
            "nl", replace(nl, alternates=(*nl.alternates, "zebrapad formulier"))
        )
        with sessions() as s:
            kb_repo.save_entry(s, changed, author="admin", now=datetime.now(UTC))
            s.commit()
        deadline = time.monotonic() + 30
        after = before
        while time.monotonic() < deadline:
            after = client.post(
                "/chat/ask", json={"text": QUESTION, "lang": "nl", "country": "NL"}
            ).json()
            if after["entry"] == "registration.bsn" and after["action"] == "answer":
                break
            time.sleep(0.2)
        assert (after["action"], after["entry"]) == ("answer", "registration.bsn")
        assert client.get("/readyz").json()["knowledge_revision"] == app.state.live.revision
    db.dispose()
