"""Stats benchmark: the /admin/stats page and its queries over 100,000 handled messages.

python benchmarks/stats.py [--messages 100000] [--postgres | --database-url postgresql://…]

Fills a fresh database (SQLite in a temporary folder; --postgres starts a throw-away PostgreSQL
cluster, as the tests do; --database-url names an empty database)
with 90 days of traffic in 10 languages on 3 channels, votes, cases, contacts and arrivals;
then times the queries behind the page and the whole page, as an admin sees it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from starlette.testclient import TestClient

from bot.admin.period import Period
from bot.admin.report import TABLES, report
from bot.inbox import add_staff
from bot.settings import Settings
from bot.storage.models import ArrivalStat, Case, Contact, DecisionStat, Feedback
from bot.storage.pgcluster import temporary_cluster
from bot.web.app import Deps, create_app

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("pl", "ro", "bg", "en", "nl", "lt", "lv", "hu", "sk", "uk")
CHANNELS = ("telegram", "whatsapp", "web")
ACTIONS = ("answer",) * 6 + ("clarify",) * 2 + ("fallback", "escalate")
PASSWORD = "benchmark password"


def fill(app, now: datetime, messages: int) -> None:
    rnd = random.Random(7)
    entries = [f"topic{i % 12}.entry{i}" for i in range(300)]
    today = now.date()
    with app.state.service.sessions() as s:
        add_staff(
            s,
            username="bench",
            name="Bench",
            password=PASSWORD,
            role="admin",
            languages=["en"],
            municipalities=[],
            now=now,
        )
        rows = []
        for _ in range(messages):
            action = rnd.choice(ACTIONS)
            rows.append(
                {
                    "day": today - timedelta(days=rnd.randrange(90)),
                    "channel": rnd.choice(CHANNELS),
                    "lang": rnd.choice(LANGS),
                    "action": action,
                    "entry": None if action == "fallback" else rnd.choice(entries),
                }
            )
        s.execute(insert(DecisionStat), rows)
        s.execute(
            insert(Contact),
            [
                {
                    "channel": rnd.choice(CHANNELS),
                    "external_id": str(i),
                    "pseudonym": f"p{i}",
                    "state": {},
                    "created_at": now,
                    "handoff": False,
                    "unreachable": i % 20 == 0,
                    "version": 1,
                }
                for i in range(messages // 10)
            ],
        )
        ago = [now - timedelta(minutes=rnd.randrange(90 * 24 * 60)) for _ in range(messages // 20)]
        s.execute(
            insert(Feedback),
            [
                {"entry": rnd.choice(entries), "helpful": rnd.random() < 0.8, "created_at": at}
                for at in ago
            ],
        )
        cases = []
        for at in ago[: messages // 30]:
            replied = at + timedelta(minutes=rnd.randrange(1, 600))
            cases.append(
                {
                    "contact_id": 1,
                    "status": "resolved",
                    "priority": rnd.choice(("normal",) * 9 + ("urgent",)),
                    "reason": rnd.choice(("explicit", "danger", "entry")),
                    "lang": rnd.choice(LANGS),
                    "first_reply_at": replied,
                    "resolved_at": replied + timedelta(hours=rnd.randrange(1, 72)),
                    "created_at": at,
                    "updated_at": at,
                }
            )
        s.execute(insert(Case), cases)
        s.execute(
            insert(ArrivalStat),
            [
                {
                    "day": today - timedelta(days=rnd.randrange(90)),
                    "source": f"poster-{rnd.randrange(40)}",
                    "channel": rnd.choice(CHANNELS),
                }
                for _ in range(messages // 50)
            ],
        )
        s.commit()


def timed(fn, repeat: int = 5) -> float:
    """The median of ``repeat`` runs, in milliseconds."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--database-url", default="")
    ap.add_argument("--postgres", action="store_true")
    args = ap.parse_args()
    if args.postgres:
        with temporary_cluster() as url:
            run(args.messages, url)
    else:
        run(args.messages, args.database_url)


def run(messages: int, database_url: str) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="brug-stats-"))
    settings = Settings.from_env(
        {
            "BRUG_DATA_DIR": str(tmp),
            "DATABASE_URL": database_url or f"sqlite:///{tmp}/b.db",
            "BRUG_KNOWLEDGE_DIR": str(ROOT / "knowledge"),
            "BRUG_RUN_WORKER": "false",
        }
    )
    now = datetime.now(UTC)
    app = create_app(settings, Deps(clock=lambda: now))
    started = time.perf_counter()
    fill(app, now, messages)
    kind = settings.database_url.split(":", 1)[0].split("+")[0]
    print(f"{kind}: {messages} handled messages stored in {time.perf_counter() - started:.1f} s")
    if kind == "postgresql":  # what autovacuum does on a live server: statistics, visibility map
        engine = app.state.service.sessions.kw["bind"]
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    sessions = app.state.service.sessions
    for days in (7, 30, 90):
        period = Period.last(days, now.date())

        def queries(period: Period = period) -> None:
            with sessions() as s:
                report(s, period)

        print(f"report queries, last {days} days: {timed(queries):.0f} ms (median of 5)")
    period = Period.last(90, now.date())
    for name, table in TABLES.items():

        def export(table=table) -> None:
            with sessions() as s:
                table(s, period)

        print(f"CSV table {name}, 90 days: {timed(export):.0f} ms")
    with TestClient(app) as client:
        page = client.get("/inbox/login")
        token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        client.post("/inbox/login", data={"csrf": token, "username": "bench", "password": PASSWORD})
        for days in (30, 90):
            res = client.get(f"/admin/stats?days={days}")
            assert res.status_code == 200, res.status_code
            ms = timed(lambda days=days: client.get(f"/admin/stats?days={days}"))
            print(
                f"GET /admin/stats?days={days}: {ms:.0f} ms (median of 5), {len(res.content)} bytes"
            )


if __name__ == "__main__":
    main()
