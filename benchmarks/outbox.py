"""Outbox benchmark: how many messages per second the Sender delivers, on SQLite and PostgreSQL,
with 1 and 2 sending processes, to the local fake Telegram Bot API of the tests (served by
uvicorn in this process).

N queued messages to N different chats are in the outbox before the senders start. Three ways
to send them, each in separate processes that start together:
- `Sender` unpaced: the real Sender and Telegram transport (python-telegram-bot), built with
  ``per_chat_interval=0, per_second=0`` — what the database and the code cost;
- `brug worker` as shipped: the same Sender paced at 25 messages/s per process (Telegram
  allows about 30/s per bot), plus the processor's polling;
- plain baseline: an httpx client posting the same sendMessage calls one after the other, no
  database, no python-telegram-bot — what the fake API and HTTP alone allow.
The rate is counted at the fake API, from the first message received to the last.

    python -m benchmarks.outbox --db sqlite,postgres --processes 1,2 [--messages 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select
from sqlalchemy.orm import sessionmaker

from benchmarks.report import Busy, machine, ratio, row, scratch, table
from benchmarks.webhooks import databases
from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.storage.models import Contact, Outbox
from tests.fakes import Recorder, fake_telegram_app, serve

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "1:BENCH"
TEXT = "Twoje pytanie trafiło do zespołu. Odpowiemy w godzinach pracy: pon–pt 09:00–17:00."


class Arrivals:
    """ASGI wrapper around the fake API: when each sendMessage was answered."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.times: list[float] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http" and scope["path"].endswith("/sendMessage"):
            self.times.append(time.perf_counter())

    def rate(self) -> float:
        t = self.times
        return (len(t) - 1) / (t[-1] - t[0]) if len(t) > 1 and t[-1] > t[0] else float("nan")


def fill(url: str, n: int, first_chat: int) -> None:
    """A migrated database with n contacts and one queued message to each."""
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    with sessionmaker(engine)() as s:
        s.execute(
            insert(Contact),
            [
                {
                    "channel": "telegram",
                    "external_id": str(first_chat + i),
                    "pseudonym": f"{i:016x}",
                    "state": {},
                    "created_at": now,
                    "last_inbound_at": now,
                    "handoff": False,
                    "unreachable": False,
                    "version": 1,
                }
                for i in range(n)
            ],
        )
        ids = s.scalars(select(Contact.id).order_by(Contact.id)).all()
        s.execute(
            insert(Outbox),
            [
                {
                    "contact_id": cid,
                    "channel": "telegram",
                    "text": TEXT,
                    "buttons": [],
                    "lang": "pl",
                    "status": "queued",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for cid in ids
            ],
        )
        s.commit()
    engine.dispose()


def env_for(db_url: str, api: str, tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db_url,
        "BRUG_DATA_DIR": str(tmp / "var"),
        "BRUG_KNOWLEDGE_DIR": str(ROOT / "knowledge"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": "bench-secret",
        "TELEGRAM_BASE_URL": f"{api}/bot",
        "BRUG_SEND_INTERVAL": "0",
        "BRUG_LOG_LEVEL": "WARNING",
    }


def run_processes(
    commands: list[list[str]], env: dict[str, str], arrivals: Arrivals, n: int
) -> None:
    """Start the processes together, wait until n messages arrived (or 5 minutes), stop them."""
    signalled = "--child" in commands[0]  # our children say "ready" and wait for "go"
    pipe = subprocess.PIPE if signalled else subprocess.DEVNULL
    procs = [subprocess.Popen(c, env=env, cwd=ROOT, stdin=pipe, stdout=pipe) for c in commands]
    try:
        if signalled:
            for p in procs:
                assert p.stdout is not None and p.stdout.readline().strip() == b"ready"
            for p in procs:
                assert p.stdin is not None
                p.stdin.write(b"go\n")
                p.stdin.flush()
        deadline = time.perf_counter() + 300
        while len(arrivals.times) < n and time.perf_counter() < deadline:
            if all(p.poll() is not None for p in procs):
                break
            time.sleep(0.02)
    finally:
        for p in procs:
            if signalled:  # ours stop by themselves once nothing is left to claim
                with contextlib.suppress(subprocess.TimeoutExpired):
                    p.wait(timeout=30)
            if p.poll() is None:
                p.terminate()
            p.wait(timeout=30)


def measure(
    mode: str,
    processes: int,
    n: int,
    db_url: str | None,
    api: str,
    rec: Recorder,
    arrivals: Arrivals,
) -> tuple[float, int]:
    """(messages/s, messages delivered more than once) for one way of sending."""
    rec.calls.clear()
    arrivals.times.clear()
    tmp = scratch()
    if mode == "plain":
        share = [n // processes + (i < n % processes) for i in range(processes)]
        starts = [sum(share[:i]) for i in range(processes)]
        commands = [
            [sys.executable, "-m", "benchmarks.outbox", "--child", "plain", api, str(s), str(k)]
            for s, k in zip(starts, share, strict=True)
        ]
        run_processes(commands, {**os.environ, "PYTHONPATH": str(ROOT)}, arrivals, n)
    else:
        assert db_url is not None
        env = env_for(db_url, api, tmp)
        if mode == "sender":
            command = [sys.executable, "-m", "benchmarks.outbox", "--child", "sender", db_url, api]
        else:
            command = [sys.executable, "-m", "bot.cli", "worker"]
        run_processes([command] * processes, env, arrivals, n)
    chats = [str(params.get("chat_id")) for name, params in rec.calls if name == "sendMessage"]
    if len(set(chats)) < n:
        raise RuntimeError(f"{mode}: only {len(set(chats))} of {n} messages arrived")
    return arrivals.rate(), len(chats) - len(set(chats))


# the child processes -------------------------------------------------------------------------


async def child_sender(db_url: str, api: str) -> None:
    """The real Sender and transport, unpaced; runs until the outbox is empty."""
    from bot.outbox import Sender
    from bot.settings import Settings
    from bot.web.app import build_transports

    settings = Settings.from_env(env_for(db_url, api, scratch()))
    sender = Sender(
        sessionmaker(make_engine(db_url), expire_on_commit=False),
        build_transports(settings, lambda: datetime.now(UTC)),
        per_chat_interval=0,
        per_second=0,
    )
    await handshake()
    try:
        while await sender.run_once():  # until nothing is left to claim
            pass
    finally:
        await sender.aclose()


async def child_plain(api: str, first: int, count: int) -> None:
    """The same sendMessage calls, one after the other, with nothing around them."""
    async with httpx.AsyncClient(base_url=f"{api}/bot{TOKEN}") as client:
        await handshake()
        for i in range(first, first + count):
            res = await client.post(
                "/sendMessage",
                data={"chat_id": str(i), "text": TEXT, "parse_mode": "HTML"},
            )
            res.raise_for_status()


async def handshake() -> None:
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)


def child(argv: list[str]) -> None:
    kind, rest = argv[0], argv[1:]
    runs: dict[str, Callable[[], Awaitable[None]]] = {
        "sender": lambda: child_sender(rest[0], rest[1]),
        "plain": lambda: child_plain(rest[0], int(rest[1]), int(rest[2])),
    }
    asyncio.run(runs[kind]())


@contextmanager
def fake_api() -> Iterator[tuple[str, Recorder, Arrivals]]:
    rec = Recorder()
    arrivals = Arrivals(fake_telegram_app(rec))
    with serve(arrivals) as url:  # type: ignore[arg-type]
        yield url, rec, arrivals


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    ap.add_argument("--processes", default="1,2", help="numbers of sending processes")
    ap.add_argument("--messages", type=int, default=1000, help="messages per unpaced run")
    ap.add_argument(
        "--paced-messages", type=int, default=250, help="messages per `brug worker` run"
    )
    args = ap.parse_args()
    kinds = [k.strip().replace("postgresql", "postgres") for k in args.db.split(",") if k.strip()]
    counts = [int(p) for p in args.processes.split(",") if p.strip()]
    print(machine())
    print(
        f"{args.messages} queued messages to as many chats (brug worker: {args.paced_messages}); "
        "fake Bot API served by uvicorn in the benchmark's process; all on the same machine"
    )
    plain: dict[int, float] = {}
    with fake_api() as (api, rec, arrivals):
        for kind in kinds:
            watch = Busy()
            print(f"\n## {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}: outbox delivery\n")
            table(["sending processes", "Sender unpaced msg/s", "plain HTTP msg/s", "Sender/plain",
                   "brug worker (paced) msg/s", "duplicates"])  # fmt: skip
            with databases(kind) as fresh:
                for k in counts:
                    if k not in plain:
                        plain[k] = measure("plain", k, args.messages, None, api, rec, arrivals)[0]
                    url = next(fresh)
                    fill(url, args.messages, 1)
                    unpaced, dup = measure("sender", k, args.messages, url, api, rec, arrivals)
                    url = next(fresh)
                    fill(url, args.paced_messages, 1)
                    paced, dup2 = measure("worker", k, args.paced_messages, url, api, rec, arrivals)
                    row(k, f"{unpaced:.0f}", f"{plain[k]:.0f}", ratio(unpaced, plain[k]),
                        f"{paced:.1f}", dup + dup2)  # fmt: skip
            print(f"\n_{watch.verdict()}_")


if __name__ == "__main__":
    main()
