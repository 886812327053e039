"""Memory per process: `brug serve`, the uvicorn web processes, `brug worker`, with all 12
languages, against the echo app (benchmarks/echo_app.py) under the same uvicorn as a baseline.

Each layout is measured idle (started, engine built) and after traffic: users who ask a
dev-set question as their first message, then pick language, country and consent by number,
so that language identification, matching and replies all run. RSS counts shared pages in
every process; PSS divides them among the processes that share them (PSS of several
processes adds up to what they use together).

    python -m benchmarks.memory [--users 50] [--web 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from benchmarks.engine import DEV
from benchmarks.report import Busy, children, machine, memory_mb, ratio, row, scratch, table
from benchmarks.webhooks import HEADERS, FakeBotApi, brug_env, free_port, stop, uvicorn_app
from bot.languages import ALL_CODES

ROOT = Path(__file__).resolve().parent.parent


def settle(pids: list[int], timeout: float = 180) -> None:
    """Wait until the processes stop using CPU (engines built, backlog done)."""

    def cpu() -> float:
        total = 0.0
        for pid in pids:
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])
        return total

    deadline = time.perf_counter() + timeout
    last = cpu()
    while time.perf_counter() < deadline:
        time.sleep(1.0)
        now = cpu()
        if now - last <= 2:  # clock ticks in a second: idle
            return
        last = now


def questions(n: int, dev: Path) -> list[str]:
    if dev.exists():
        rows = [json.loads(line) for line in dev.read_text().splitlines() if line.strip()]
        qs = [r["text"] for r in rows]
    else:
        qs = ["jak dostać numer BSN?", "how do i register at the gemeente", "cum primesc BSN?"]
    return [qs[i % len(qs)] for i in range(n)]


def message(update_id: int, chat: int, text: str) -> str:
    return json.dumps(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "text": text,
                "from": {"id": chat, "is_bot": False, "first_name": "L"},
                "chat": {"id": chat, "type": "private"},
            },
        }
    )


async def traffic(url: str, users: int, first: int, dev: Path) -> None:
    """Every user: a question, then "1" for the first language, country and consent offered."""
    qs = questions(users, dev)
    async with httpx.AsyncClient(timeout=60) as client:

        async def user(i: int) -> None:
            chat = first + i
            for k, said in enumerate((qs[i], "1", "1", "1")):
                res = await client.post(
                    url, content=message(chat * 10 + k, chat, said), headers=HEADERS
                )
                res.raise_for_status()
                await asyncio.sleep(0.3)  # the bot answers before the user taps

        sem = asyncio.Semaphore(8)

        async def limited(i: int) -> None:
            async with sem:
                await user(i)

        await asyncio.gather(*(limited(i) for i in range(users)))


def answered(db_url: str) -> tuple[int, int]:
    """(events still unprocessed, replies that answered from a knowledge entry)."""
    engine = create_engine(db_url)
    with engine.connect() as conn:
        pending = conn.execute(
            text("select count(*) from inbound_event where processed_at is null")
        ).scalar_one()
        answers = conn.execute(
            text("select count(*) from message where direction = 'out' and entry is not null")
        ).scalar_one()
    engine.dispose()
    return int(pending), int(answers)


def drain(db_url: str, pids: list[int], timeout: float = 120) -> int:
    """Waits until every event is processed (the paced sender may still be sending)."""
    deadline = time.perf_counter() + timeout
    while answered(db_url)[0] and time.perf_counter() < deadline:
        time.sleep(0.5)
    return answered(db_url)[1]


@contextmanager
def process(command: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        stop(proc)


def uvicorn_workers(pid: int) -> list[int]:
    """The worker processes under uvicorn's supervisor; uvicorn itself when it has one."""
    workers = [
        c
        for c in children(pid)
        if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()
    ]
    return workers or [pid]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=50, help="users in the traffic phase")
    ap.add_argument("--web", type=int, default=2, help="uvicorn web processes (Procfile layout)")
    ap.add_argument("--dev", type=Path, default=DEV, help="questions to ask (JSONL, field text)")
    args = ap.parse_args()
    print(machine())
    source = args.dev if args.dev.exists() else "three examples"
    print(
        f"languages: {len(ALL_CODES)} ({','.join(ALL_CODES)}); traffic: {args.users} users x 4 "
        f"messages through the Telegram webhook, questions from {source}; SQLite; fake Bot API "
        "in this process"
    )
    fake = FakeBotApi()
    api = fake.serve()
    results: list[tuple[str, float, tuple[float, float, float], str]] = []
    watch = Busy()

    # the baseline: the echo app, one uvicorn process
    tmp = scratch()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with uvicorn_app("benchmarks.echo_app:app", 1, env, tmp / "echo.log") as app:
        url = app.url
        (pid,) = uvicorn_workers(app.pid)
        idle = memory_mb(pid)
        asyncio.run(traffic(url, args.users, 1_000, args.dev))
        after = memory_mb(pid)
    echo_rss = after[0]
    results.append(("echo app (uvicorn, bare Starlette): the baseline", idle[0], after, "–"))

    # `brug serve`: web, processor and sender in one process
    tmp = scratch()
    db = f"sqlite:///{tmp}/serve.db"
    env = {**brug_env(db, api, tmp), "BRUG_RUN_WORKER": "true"}
    port = free_port()
    with process([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], env) as proc:
        base = f"http://127.0.0.1:{port}"
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        settle([proc.pid])
        idle = memory_mb(proc.pid)
        asyncio.run(traffic(f"{base}/telegram/webhook", args.users, 100_000, args.dev))
        answers = drain(db, [proc.pid])
        after = memory_mb(proc.pid)
    results.append(
        (f"`brug serve` (web + processor + sender; {answers} answers given)", idle[0], after,
         ratio(after[0], echo_rss))
    )  # fmt: skip

    # the Procfile layout: uvicorn web processes and one `brug worker`
    tmp = scratch()
    db = f"sqlite:///{tmp}/split.db"
    env = brug_env(db, api, tmp)
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade"], env=env, cwd=ROOT, check=True,
        capture_output=True,
    )  # fmt: skip
    with (
        process([sys.executable, "-m", "bot.cli", "worker"], env) as worker,
        uvicorn_app("bot.web.asgi:app", args.web, env, tmp / "web.log") as app,
    ):
        url = app.url
        webs = uvicorn_workers(app.pid)
        settle([worker.pid, *webs])
        idle_web = [memory_mb(p) for p in webs]
        idle_worker = memory_mb(worker.pid)
        asyncio.run(traffic(url, args.users, 200_000, args.dev))
        answers = drain(db, [worker.pid, *webs])
        for i, p in enumerate(webs):
            after = memory_mb(p)
            results.append(
                (f"uvicorn web process {i + 1} of {len(webs)} (`bot.web.asgi:app`)",
                 idle_web[i][0], after, ratio(after[0], echo_rss))
            )  # fmt: skip
        after = memory_mb(worker.pid)
        results.append(
            (f"`brug worker` (processor + sender; {answers} answers given)", idle_worker[0],
             after, ratio(after[0], echo_rss))
        )  # fmt: skip

    print("\n## Memory per process\n")
    table(["process", "RSS idle MB", "RSS after traffic MB", "peak RSS MB",
           "PSS after traffic MB", "RSS / echo app"])  # fmt: skip
    for name, idle_rss, (rss, peak, pss), r in results:
        row(name, f"{idle_rss:.0f}", f"{rss:.0f}", f"{peak:.0f}", f"{pss:.0f}", r)
    print(f"\n_{watch.verdict()}_")


if __name__ == "__main__":
    main()
