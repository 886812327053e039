"""Webhook load benchmark: a real uvicorn on loopback, signed Telegram updates, a local fake Bot API.

Prints, per database and web-process count: sustained inbound messages/s, webhook latency
p50/p99, and end-to-end delivery latency p50/p99 (update posted → the fake Bot API receives the
bot's reply). Bounded: N messages, a time limit, loopback only.

    python benchmarks/webhooks.py [--messages 2000] [--concurrency 32] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.storage.pgcluster import temporary_cluster

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeBotApi:
    """Records when each chat received its first reply."""

    def __init__(self) -> None:
        self.first_reply: dict[int, float] = {}
        self.count = 0

    def app(self) -> Starlette:
        async def method(request: Request) -> JSONResponse:
            name = request.path_params["method"]
            if name == "sendMessage":
                form = await request.form()
                chat = int(str(form["chat_id"]))
                self.count += 1
                self.first_reply.setdefault(chat, time.perf_counter())
                return JSONResponse(
                    {
                        "ok": True,
                        "result": {
                            "message_id": self.count,
                            "date": 0,
                            "chat": {"id": chat, "type": "private"},
                        },
                    }
                )
            return JSONResponse(
                {
                    "ok": True,
                    "result": {"id": 1, "is_bot": True, "first_name": "B", "username": "b_bot"},
                }
            )

        return Starlette(routes=[Route("/bot{token}/{method}", method, methods=["POST", "GET"])])

    def serve(self) -> str:
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(self.app(), port=port, log_level="error", lifespan="off")
        )
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.01)
        return f"http://127.0.0.1:{port}"


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * q))] if s else float("nan")


async def load(
    url: str, n: int, concurrency: int, fake: FakeBotApi, offset: int
) -> dict[str, float]:
    latencies: list[float] = []
    posted: dict[int, float] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(n):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:

        async def worker() -> None:
            while True:
                try:
                    i = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                chat = offset + i
                update = {
                    "update_id": offset + i,
                    "message": {
                        "message_id": 1,
                        "date": 0,
                        "text": "/start",
                        "from": {
                            "id": chat,
                            "is_bot": False,
                            "first_name": "L",
                            "language_code": "pl",
                        },
                        "chat": {"id": chat, "type": "private"},
                    },
                }
                t0 = time.perf_counter()
                res = await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                )
                latencies.append((time.perf_counter() - t0) * 1000)
                posted[chat] = t0
                assert res.status_code == 200, res.text

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    deadline = time.perf_counter() + 120
    while len([c for c in posted if c in fake.first_reply]) < n and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    e2e = [(fake.first_reply[c] - t) * 1000 for c, t in posted.items() if c in fake.first_reply]
    return {
        "rate": n / elapsed,
        "p50": pct(latencies, 0.5),
        "p99": pct(latencies, 0.99),
        "e2e_p50": pct(e2e, 0.5),
        "e2e_p99": pct(e2e, 0.99),
        "delivered": len(e2e) / n,
    }


def run_case(
    db_url: str,
    workers: int,
    n: int,
    concurrency: int,
    fake: FakeBotApi,
    api: str,
    offset: int,
    tmp: Path,
) -> dict[str, float]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "BRUG_DATA_DIR": str(tmp / "var"),
        "TELEGRAM_BOT_TOKEN": "1:BENCH",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_BASE_URL": f"{api}/bot",
        "BRUG_SEND_INTERVAL": "0",
        "BRUG_LOG_LEVEL": "WARNING",
        "BRUG_RUN_WORKER": "false",
    }
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "bot.web.asgi:app",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
    )
    worker = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], env=env, cwd=ROOT)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        return asyncio.run(
            load(f"http://127.0.0.1:{port}/telegram/webhook", n, concurrency, fake, offset)
        )
    finally:
        for p in (web, worker):
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--postgres", action="store_true")
    args = ap.parse_args()
    fake = FakeBotApi()
    api = fake.serve()
    print(
        f"{args.messages} signed Telegram updates per case, {args.concurrency} concurrent clients, 1 sender"
    )
    print(
        "| database | web processes | inbound msg/s | webhook p50 ms | webhook p99 ms | e2e p50 ms | e2e p99 ms | delivered |"
    )
    print("|---|---|---|---|---|---|---|---|")
    cases: list[tuple[str, int]] = [("sqlite", 1)]
    if args.postgres:
        cases += [("postgresql", 1), ("postgresql", 2)]
    offset = 10_000_000
    for db, workers in cases:
        tmp = Path(tempfile.mkdtemp(prefix="brug-bench-"))
        with ExitStack() as stack:
            if db == "sqlite":
                url = f"sqlite:///{tmp}/bench.db"
            else:
                url = stack.enter_context(temporary_cluster("brug-bench-pg-"))
            r = run_case(url, workers, args.messages, args.concurrency, fake, api, offset, tmp)
        offset += args.messages
        print(
            f"| {db} | {workers} | {r['rate']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['e2e_p50']:.0f} | "
            f"{r['e2e_p99']:.0f} | {100 * r['delivered']:.0f}% |",
            flush=True,
        )


if __name__ == "__main__":
    main()
