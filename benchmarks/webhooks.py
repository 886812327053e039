"""Webhook benchmark: Brug's web stack against a bare echo app, on SQLite and PostgreSQL.

Real uvicorn processes on loopback (uvloop + httptools, `--workers N`, no access log), one
`brug worker` (processor + sender) and a local fake Telegram Bot API. Per database and number
of web processes it prints:
- inbound webhook throughput and latency p50/p99 under a flood of signed, unique Telegram
  updates for a fixed time, next to the same flood against benchmarks/echo_app.py under the
  same uvicorn settings (the ratio is what Brug's own work costs);
- end to end at a steady rate: from the webhook's 200 to the reply reaching the fake Bot API;
- how fast the worker then processes the stored backlog.
The flood comes from `wrk` (Debian package) when installed, else from an httpx client in
this process (weaker: it needs a core of its own). Everything shares the machine's cores.

With ``--rate N[,M…]`` it measures at a fixed rate instead of a flood: benchmarks/openloop.py,
in a process of its own, offers exactly N requests/s open loop (half signed Twilio WhatsApp
webhooks, half signed Telegram updates, every user new), each timed from the moment it was
due; every accepted message is then followed to its first reply at the fake APIs. The same
rate against the echo app shows the loader's own floor.
Bounded in count and time; loopback only.

    python -m benchmarks.webhooks --db sqlite,postgres --web 1,2,4 [--seconds 10]
    python -m benchmarks.webhooks --db postgres --web 2 --rate 250,500,750,1000 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import create_engine, text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from benchmarks.report import Busy, Cpu, machine, pct, ratio, row, scratch, table
from bot.storage.pgcluster import temporary_cluster

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"
TWILIO_SID, TWILIO_TOKEN = "AC" + "0" * 32, "bench-twilio-token"
PUBLIC_URL = "https://bench.example"  # what Twilio signs (never fetched)
LUA = Path(__file__).with_name("telegram_update.lua")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeBotApi:
    """A local Bot API and Twilio REST API that record when each user received a first reply
    (``time.monotonic()``, keyed ``telegram:<chat id>`` or ``whatsapp:+<number>``)."""

    def __init__(self) -> None:
        self.first_reply: dict[str, float] = {}
        self.count = 0

    def app(self) -> Starlette:
        async def method(request: Request) -> JSONResponse:
            if request.path_params["method"] == "sendMessage":
                form = await request.form()
                chat = int(str(form["chat_id"]))
                self.count += 1
                self.first_reply.setdefault(f"telegram:{chat}", time.monotonic())
                result = {
                    "message_id": self.count,
                    "date": 0,
                    "chat": {"id": chat, "type": "private"},
                }
                return JSONResponse({"ok": True, "result": result})
            me = {"id": 1, "is_bot": True, "first_name": "B", "username": "b_bot"}
            return JSONResponse({"ok": True, "result": me})

        async def twilio(request: Request) -> JSONResponse:
            form = await request.form()
            self.count += 1
            self.first_reply.setdefault(str(form["To"]), time.monotonic())
            sid = f"SM{self.count:032d}"
            return JSONResponse({"sid": sid, "status": "queued"}, status_code=201)

        return Starlette(
            routes=[
                Route("/bot{token}/{method}", method, methods=["POST", "GET"]),
                Route("/2010-04-01/Accounts/{sid}/Messages.json", twilio, methods=["POST"]),
            ]
        )

    def serve(self) -> str:
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(self.app(), port=port, log_level="error", lifespan="off")
        )
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.01)
        return f"http://127.0.0.1:{port}"


def update(n: int) -> dict[str, object]:
    return {
        "update_id": n,
        "message": {
            "message_id": 1,
            "date": 0,
            "text": "/start",
            "from": {"id": n, "is_bot": False, "first_name": "L", "language_code": "pl"},
            "chat": {"id": n, "type": "private"},
        },
    }


HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}


@dataclass
class Flood:
    rate: float
    p50: float
    p99: float
    errors: int


def wrk(url: str, seconds: int, connections: int) -> Flood:
    res = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(LUA), url],
        capture_output=True,
        text=True,
        env={**os.environ, "BENCH_SECRET": SECRET},
        check=True,
    )
    out = res.stdout

    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    lat = {
        line.split()[0]: ms(line.split()[1])
        for line in out.splitlines()
        if line.strip().startswith(("50%", "99%"))
    }
    rate = next(
        float(line.split()[1]) for line in out.splitlines() if line.startswith("Requests/sec")
    )
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return Flood(rate, lat.get("50%", float("nan")), lat.get("99%", float("nan")), errors)


async def httpx_flood(url: str, seconds: int, connections: int, first: int) -> Flood:
    """A closed loop like wrk's: each connection posts the next update when answered."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(first, first + 10_000_000))
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:

        async def loop() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                body = json.dumps(update(next(counter)))
                t0 = time.perf_counter()
                try:
                    res = await client.post(url, content=body, headers=HEADERS)
                    errors += res.status_code != 200
                except httpx.HTTPError:
                    errors += 1
                latencies.append((time.perf_counter() - t0) * 1000)

        start = time.perf_counter()
        await asyncio.gather(*(loop() for _ in range(connections)))
        elapsed = time.perf_counter() - start
    return Flood(len(latencies) / elapsed, pct(latencies, 0.5), pct(latencies, 0.99), errors)


def flood(url: str, args: argparse.Namespace, first: int) -> Flood:
    if args.loader == "wrk":
        return wrk(url, args.seconds, args.connections)
    return asyncio.run(httpx_flood(url, args.seconds, args.connections, first))


async def steady(
    url: str, rate: float, seconds: float, fake: FakeBotApi, first: int
) -> tuple[list[float], int]:
    """Open loop at ``rate`` updates/s; returns the milliseconds from each webhook's 200 to its
    reply reaching the fake Bot API, and how many were not answered within 60 s."""
    accepted: dict[str, float] = {}
    n = int(rate * seconds)
    async with httpx.AsyncClient(timeout=30) as client:

        async def post(chat: int) -> None:
            res = await client.post(url, content=json.dumps(update(chat)), headers=HEADERS)
            if res.status_code == 200:
                accepted[f"telegram:{chat}"] = time.monotonic()

        start = time.monotonic()
        tasks = []
        for i in range(n):
            await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
            tasks.append(asyncio.create_task(post(first + i)))
        await asyncio.gather(*tasks)
    e2e = await replies(fake, accepted, 60)
    return e2e, n - len(e2e)


async def replies(fake: FakeBotApi, accepted: dict[str, float], wait: float) -> list[float]:
    """Milliseconds from each acceptance to the user's first reply, waiting up to ``wait`` s
    for the last ones."""
    deadline = time.monotonic() + wait
    while any(c not in fake.first_reply for c in accepted) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return [(fake.first_reply[c] - t) * 1000 for c, t in accepted.items() if c in fake.first_reply]


def pending(db_url: str) -> int:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        n = conn.execute(
            text("select count(*) from inbound_event where processed_at is null")
        ).scalar_one()
    engine.dispose()
    return int(n)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class Served:
    url: str  # the Telegram webhook's
    base: str  # the server's
    pid: int  # uvicorn's first process (with several workers, their supervisor)


@contextmanager
def uvicorn_app(factory: str, workers: int, env: dict[str, str], log: Path) -> Iterator[Served]:
    """``uvicorn --factory`` with ``workers`` processes, once every process has started (each
    builds its own engine)."""
    port = free_port()
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", factory, "--port", str(port),
             "--workers", str(workers), "--log-level", "info", "--no-access-log"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
    try:
        deadline = time.perf_counter() + 180
        while log.read_text().count("Application startup complete") < workers:
            if proc.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError(f"{factory} did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        yield Served(f"{base}/telegram/webhook", base, proc.pid)
    finally:
        stop(proc)


def brug_env(db_url: str, api: str, tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db_url,
        "BRUG_DATA_DIR": str(tmp / "var"),
        "BRUG_KNOWLEDGE_DIR": str(ROOT / "knowledge"),
        "TELEGRAM_BOT_TOKEN": "1:BENCH",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_BASE_URL": f"{api}/bot",
        "BRUG_SEND_INTERVAL": "0",
        "BRUG_LOG_LEVEL": "WARNING",
        "BRUG_RUN_WORKER": "false",
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_WHATSAPP_FROM": "whatsapp:+3197010000000",
        "TWILIO_API_BASE_URL": api,
        "PUBLIC_URL": PUBLIC_URL,
    }


@contextmanager
def databases(kind: str) -> Iterator[Iterator[str]]:
    """Fresh, empty databases of one kind: SQLite files, or databases on one PostgreSQL
    cluster started for this run."""
    tmp = scratch()
    if kind == "sqlite":
        yield (f"sqlite:///{tmp}/bench{i}.db" for i in range(1000))
        return
    with temporary_cluster("brug-bench-pg-") as server:
        admin = create_engine(server, isolation_level="AUTOCOMMIT")

        def fresh() -> Iterator[str]:
            for i in range(1000):
                with admin.connect() as conn:
                    conn.execute(text(f"CREATE DATABASE bench{i}"))
                yield server.replace("/postgres?", f"/bench{i}?")

        try:
            yield fresh()
        finally:
            admin.dispose()


@dataclass
class Case:
    flood: Flood
    e2e: list[float]
    lost: int
    drain: float
    cpu: dict[str, float]  # CPU seconds per part during the flood


@contextmanager
def brug_running(db_url: str, web: int, api: str) -> Iterator[tuple[Served, int]]:
    """A migrated database, one ``brug worker`` and ``web`` uvicorn processes: (app, worker pid)."""
    tmp = scratch()
    env = brug_env(db_url, api, tmp)
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade"],
        env=env, cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL
    )
    try:
        with uvicorn_app("bot.web.asgi:app", web, env, tmp / "uvicorn.log") as app:
            yield app, worker.pid
    finally:
        stop(worker)


def run_brug(
    db_url: str, web: int, args: argparse.Namespace, fake: FakeBotApi, api: str, first: int
) -> Case:
    with brug_running(db_url, web, api) as (app, worker_pid):
        # warm-up: one message answered end to end, so the worker has finished starting
        asyncio.run(steady(app.url, 1, 1, fake, first + 2_000_000))
        e2e, lost = asyncio.run(steady(app.url, args.e2e_rate, args.e2e_seconds, fake, first))
        parts = {"web": app.pid, "worker": worker_pid}
        before = Cpu.now(parts)
        loaded = flood(app.url, args, first + 1_000_000)
        cpu = Cpu.now(parts).since(before)
        backlog, t0 = pending(db_url), time.perf_counter()
        time.sleep(args.drain_seconds)
        drained = (backlog - pending(db_url)) / (time.perf_counter() - t0)
    return Case(loaded, e2e, lost, drained, cpu)


def run_echo(web: int, args: argparse.Namespace) -> tuple[Flood, dict[str, float]]:
    tmp = scratch()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with uvicorn_app("benchmarks.echo_app:app", web, env, tmp / "uvicorn.log") as app:
        before = Cpu.now({"web": app.pid})
        result = flood(app.url, args, 1)
        return result, Cpu.now({"web": app.pid}).since(before)


@dataclass
class Rated:
    """One fixed-rate run: what the loader measured, then what reached the fake APIs."""

    offered: float
    achieved: float  # answered 200 per second, from the first due time to the last answer
    latency: list[float]  # ms from each request's due time to its answer (all requests)
    errors: int
    cpu: dict[str, float]  # CPU seconds per part over the run
    seconds: float
    accepted: dict[str, float]  # user -> when the webhook answered 200 (monotonic)
    e2e: list[float] = field(default_factory=list)
    lost: int = 0
    processed: float = float("nan")  # events/s the worker processed during the run


def fixed_rate(
    served: Served, rate: float, args: argparse.Namespace, first: int, trees: dict[str, int]
) -> Rated:
    """benchmarks/openloop.py in a process of its own, offering ``rate`` requests/s."""
    result = scratch() / "openloop.json"
    cmd = [sys.executable, "-m", "benchmarks.openloop", "--url", served.base,
           "--rate", str(rate), "--seconds", str(args.seconds),
           "--connections", str(args.rate_connections),
           "--whatsapp-share", str(args.whatsapp_share), "--secret", SECRET,
           "--twilio-token", TWILIO_TOKEN, "--public-url", PUBLIC_URL, "--first", str(first),
           "--handshake", "--out", str(result)]  # fmt: skip
    loader = subprocess.Popen(
        cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    assert loader.stdin is not None and loader.stdout is not None
    try:
        if loader.stdout.readline().strip() != "ready":
            raise RuntimeError("the load generator did not start")
        parts = {**trees, "load generator": loader.pid}
        before = Cpu.now(parts)
        loader.stdin.write("go\n")
        loader.stdin.flush()
        if loader.stdout.readline().strip() != "done":
            raise RuntimeError("the load generator failed (see its error above)")
        cpu = Cpu.now(parts).since(before)
        out = json.loads(result.read_text())
        loader.stdin.close()
        loader.wait(timeout=30)
    finally:
        if loader.poll() is None:
            loader.kill()
            loader.wait()
    seconds = out["end"] - out["start"]
    ok = [i for i, code in enumerate(out["status"]) if code == 200]
    accepted = {out["user"][i]: out["done"][i] for i in ok}
    return Rated(rate, len(ok) / seconds, out["latency_ms"], len(out["status"]) - len(ok), cpu,
                 seconds, accepted)  # fmt: skip


def run_brug_rate(
    db_url: str, web: int, rate: float, args: argparse.Namespace, fake: FakeBotApi, api: str,
    first: int,
) -> Rated:  # fmt: skip
    with brug_running(db_url, web, api) as (app, worker_pid):
        r = fixed_rate(app, rate, args, first, {"web": app.pid, "worker": worker_pid})
        r.processed = (len(r.accepted) - pending(db_url)) / r.seconds
        r.e2e = asyncio.run(replies(fake, r.accepted, args.e2e_wait))
        r.lost = len(r.accepted) - len(r.e2e)
    return r


def run_echo_rate(web: int, rate: float, args: argparse.Namespace) -> Rated:
    tmp = scratch()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with uvicorn_app("benchmarks.echo_app:app", web, env, tmp / "uvicorn.log") as app:
        return fixed_rate(app, rate, args, 1, {"web": app.pid})


def rate_tables(kinds: list[str], webs: list[int], rates: list[float], args: argparse.Namespace,
                fake: FakeBotApi, api: str) -> None:  # fmt: skip
    """Per database: webhook latency at fixed rates next to the echo app's, end to end."""
    echo: dict[tuple[int, float], Rated] = {}
    first = 10_000_000
    cores = os.cpu_count() or 1
    for kind in kinds:
        watch = Busy()
        name = "SQLite" if kind == "sqlite" else "PostgreSQL"
        print(f"\n## {name}: webhooks at a fixed rate vs echo app\n")
        table(["web processes", "offered msg/s", "achieved msg/s brug / echo",
               "p50 ms brug / echo", "p90 ms brug / echo", "p99 ms brug / echo",
               "max ms brug / echo", "errors brug / echo", "e2e p50 / p99 ms",
               "e2e answered / still queued after the wait", "worker processed events/s",
               f"CPUs (of {cores}) web / worker / database / loader / others",
               "loader CPUs on echo"])  # fmt: skip
        with databases(kind) as fresh:
            for web in webs:
                for rate in rates:
                    if (web, rate) not in echo:
                        echo[web, rate] = run_echo_rate(web, rate, args)
                    e = echo[web, rate]
                    b = run_brug_rate(next(fresh), web, rate, args, fake, api, first)
                    first += 10_000_000

                    def q(x: float, b: Rated = b, e: Rated = e) -> str:
                        return f"{pct(b.latency, x):.1f} / {pct(e.latency, x):.1f}"

                    c = {k: v / b.seconds for k, v in b.cpu.items()}
                    row(web, f"{rate:g}", f"{b.achieved:.0f} / {e.achieved:.0f}", q(0.5), q(0.9),
                        q(0.99), f"{max(b.latency):.1f} / {max(e.latency):.1f}",
                        f"{b.errors} / {e.errors}",
                        f"{pct(b.e2e, 0.5):.0f} / {pct(b.e2e, 0.99):.0f}",
                        f"{len(b.e2e)} / {b.lost}", f"{b.processed:.0f}",
                        " / ".join(f"{c[k]:.2f}" for k in ("web", "worker", "database server",
                                   "load generator", "other processes")),
                        f"{e.cpu['load generator'] / e.seconds:.2f}")  # fmt: skip
        print(f"\n_{watch.verdict()}_")


def cpu_table(cases: list[tuple[int, Case, dict[str, float], Flood]], seconds: int) -> None:
    """Where the CPU went during each flood, in ms of CPU per accepted webhook."""
    print("\nCPU during the flood, ms per accepted webhook (idle: CPU left unused):\n")
    names = ["web", "worker", "database server", "load generator, fake API", "other processes"]
    table(["web processes", *(f"brug: {n}" for n in names), "brug: idle", "echo: web",
           "echo: load generator"])  # fmt: skip
    cores = os.cpu_count() or 1
    for web, c, echo_cpu, e in cases:
        n = c.flood.rate * seconds
        idle = max(0.0, cores * seconds - sum(c.cpu.values()))
        m = e.rate * seconds
        row(web, *(f"{1000 * c.cpu[k] / n:.2f}" for k in names), f"{1000 * idle / n:.2f}",
            f"{1000 * echo_cpu['web'] / m:.3f}",
            f"{1000 * echo_cpu['load generator, fake API'] / m:.3f}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    ap.add_argument("--web", default="1,2,4", help="numbers of uvicorn web processes")
    ap.add_argument("--seconds", type=int, default=10, help="length of each flood")
    ap.add_argument("--connections", type=int, default=32, help="concurrent connections")
    ap.add_argument("--e2e-rate", type=float, default=5, help="updates/s, end-to-end phase")
    ap.add_argument("--e2e-seconds", type=float, default=10, help="length of the end-to-end phase")
    ap.add_argument("--drain-seconds", type=float, default=5)
    ap.add_argument("--loader", choices=("auto", "wrk", "httpx"), default="auto")
    ap.add_argument(
        "--rate", default="", help="messages/s, e.g. 500 or 250,500,750: fixed rate, no flood"
    )
    ap.add_argument("--rate-connections", type=int, default=64, help="loader's connections")
    ap.add_argument("--whatsapp-share", type=float, default=0.5, help="at a fixed rate")
    ap.add_argument(
        "--e2e-wait", type=float, default=20, help="s to wait for replies after a fixed-rate run"
    )
    args = ap.parse_args()
    if args.loader == "auto":
        args.loader = "wrk" if shutil.which("wrk") else "httpx"
    kinds = [k.strip().replace("postgresql", "postgres") for k in args.db.split(",") if k.strip()]
    webs = [int(w) for w in args.web.split(",") if w.strip()]
    print(machine())
    fake = FakeBotApi()
    api = fake.serve()
    rates = [float(r) for r in args.rate.split(",") if r.strip()]
    if rates:
        print(
            f"fixed rate, open loop: benchmarks/openloop.py in its own process, "
            f"{args.rate_connections} keep-alive connections, {args.seconds} s per rate, "
            f"{args.whatsapp_share:.0%} signed Twilio WhatsApp webhooks and the rest signed "
            "Telegram updates, every user new; latency from each request's due time; end to end: "
            "from each webhook's 200 to the user's first reply at the fake APIs, waiting up to "
            f"{args.e2e_wait:g} s after the run; one `brug worker` as shipped (sender paced at 25 "
            "messages/s); loader, web processes, worker and database share the machine"
        )
        rate_tables(kinds, webs, rates, args, fake, api)
        return
    print(
        f"flood: {args.loader}, {args.connections} connections, {args.seconds} s, every update "
        f"unique; end to end: {args.e2e_rate:g} updates/s for {args.e2e_seconds:g} s; one `brug "
        "worker` as shipped (sender paced at 25 messages/s); load generator, web processes, worker "
        "and database share the machine"
    )
    echo: dict[int, tuple[Flood, dict[str, float]]] = {}
    first = 10_000_000
    for kind in kinds:
        watch = Busy()
        print(f"\n## {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}: webhooks vs echo app\n")
        table(["web processes", "msg/s brug / echo", "brug/echo", "p50 ms brug / echo",
               "p99 ms brug / echo", "p99 brug/echo", "errors brug / echo",
               "e2e p50 / p99 ms", "e2e lost", "worker drains events/s"])  # fmt: skip
        cases = []
        with databases(kind) as fresh:
            for web in webs:
                if web not in echo:
                    echo[web] = run_echo(web, args)
                e, echo_cpu = echo[web]
                c = run_brug(next(fresh), web, args, fake, api, first)
                cases.append((web, c, echo_cpu, e))
                first += 10_000_000
                f = c.flood
                row(web, f"{f.rate:.0f} / {e.rate:.0f}", ratio(f.rate, e.rate),
                    f"{f.p50:.1f} / {e.p50:.1f}", f"{f.p99:.1f} / {e.p99:.1f}",
                    ratio(f.p99, e.p99), f"{f.errors} / {e.errors}",
                    f"{pct(c.e2e, 0.5):.0f} / {pct(c.e2e, 0.99):.0f}", c.lost, f"{c.drain:.0f}")  # fmt: skip
        cpu_table(cases, args.seconds)
        print(f"\n_{watch.verdict()}_")


if __name__ == "__main__":
    main()
