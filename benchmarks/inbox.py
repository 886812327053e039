"""Inbox benchmark: escalation → case visible, and rendering the case list with 10,000 cases.

python -m benchmarks.inbox [--cases 10000]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from starlette.testclient import TestClient

from bot.inbox import add_staff
from bot.settings import Settings
from bot.storage.models import Case, Contact
from bot.web.app import Deps, create_app

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=10_000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="brug-inbox-"))
    settings = Settings.from_env(
        {
            "BRUG_DATA_DIR": str(tmp),
            "DATABASE_URL": f"sqlite:///{tmp}/b.db",
            "BRUG_KNOWLEDGE_DIR": str(ROOT / "knowledge"),
            "BRUG_RUN_WORKER": "false",
        }
    )
    app = create_app(settings, Deps())
    service = app.state.service
    now = datetime.now(UTC)
    with service.sessions() as s:
        add_staff(
            s,
            username="bench",
            name="Bench",
            password="benchmark password",
            role="worker",
            languages=["pl"],
            municipalities=[],
            now=now,
        )
        s.commit()
    with TestClient(app) as client:
        # escalation → visible: a danger message through the web chat until the case is listed
        visible = []
        page = client.get("/inbox/login")
        token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        client.post(
            "/inbox/login",
            data={"csrf": token, "username": "bench", "password": "benchmark password"},
        )
        for _ in range(30):
            session = secrets.token_hex(12)
            for text, payload in (
                ("/start", None),
                ("", "lang:pl"),
                ("", "country:NL"),
                ("", "consent:yes"),
            ):
                client.post(
                    "/chat/message",
                    json={
                        "session": session,
                        "id": secrets.token_hex(12),
                        "text": text,
                        "payload": payload,
                    },
                )
            t0 = time.perf_counter()
            client.post(
                "/chat/message",
                json={
                    "session": session,
                    "id": secrets.token_hex(12),
                    "text": "szef zabral mi paszport",
                },
            )
            listing = client.get("/inbox?priority=urgent")
            assert "urgent" in listing.text
            visible.append((time.perf_counter() - t0) * 1000)
        # a large inbox
        with service.sessions() as s:
            contacts = [
                {
                    "channel": "web",
                    "external_id": f"bulk{i}",
                    "pseudonym": f"{i:016x}",
                    "state": {},
                    "created_at": now,
                    "handoff": True,
                    "unreachable": False,
                    "version": 1,
                }
                for i in range(args.cases)
            ]
            s.execute(insert(Contact), contacts)
            ids = [c.id for c in s.query(Contact.id).filter(Contact.external_id.like("bulk%"))]
            s.execute(
                insert(Case),
                [
                    {
                        "contact_id": cid,
                        "status": ("new", "assigned", "waiting", "resolved")[i % 4],
                        "priority": "urgent" if i % 17 == 0 else "normal",
                        "reason": "explicit",
                        "lang": ("pl", "ro", "bg", "hu")[i % 4],
                        "country": "NL",
                        "created_at": now - timedelta(minutes=i),
                        "updated_at": now,
                    }
                    for i, cid in enumerate(ids)
                ],
            )
            s.commit()
        renders = []
        for _ in range(20):
            t0 = time.perf_counter()
            res = client.get("/inbox")
            renders.append((time.perf_counter() - t0) * 1000)
            assert res.status_code == 200
        case_view = []
        for cid in range(1, 21):
            t0 = time.perf_counter()
            client.get(f"/inbox/case/{cid}")
            case_view.append((time.perf_counter() - t0) * 1000)
    print("| metric | value |\n|---|---|")
    print(
        f"| escalation → case listed in the inbox, p50 (in-process, 30 runs) | {statistics.median(visible):.1f} ms |"
    )
    print(
        f"| case list with {args.cases:,} cases (first 200 shown), p50 of 20 renders | {statistics.median(renders):.1f} ms |"
    )
    print(f"| case view, p50 | {statistics.median(case_view):.1f} ms |")


if __name__ == "__main__":
    main()
