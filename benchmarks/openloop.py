"""Open-loop load generator: a fixed number of requests per second, each timed from the moment
it was due, whatever happened to the requests before it (no coordinated omission).

Request i is due at ``start + i / rate``. A scheduler hands each request, when due, to a pool
of keep-alive HTTP/1.1 connections; when every connection is busy the request waits in a queue
and that wait counts in its latency. Requests alternate, by ``--whatsapp-share``, between
signed Telegram updates and signed Twilio WhatsApp webhooks, each from a new user. They are
built (and signed) before the clock starts, and sent over raw asyncio streams on uvloop, so
that the loader spends little CPU per request. Runs in a process of its own:

    python -m benchmarks.openloop --url http://127.0.0.1:8000 --rate 500 --seconds 20

It writes one JSON object (to stdout, or to ``--out FILE``): the loader's CPU seconds over the
run, and per request its channel, user, due time, latency and status. With ``--handshake`` it
first prints ``ready``, waits for a line on stdin before the clock starts, prints ``done`` when
the run is over, and then waits for stdin to close (so that the caller can read the CPU of
every process with the loader still running).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from urllib.parse import urlencode, urlsplit

from twilio.request_validator import RequestValidator

TG_PATH = "/telegram/webhook"
WA_PATH = "/twilio/whatsapp"
WA_TO = "whatsapp:+3197010000000"


def telegram(host: str, secret: str, n: int) -> bytes:
    body = json.dumps(
        {
            "update_id": n,
            "message": {
                "message_id": 1,
                "date": 0,
                "text": "/start",
                "from": {"id": n, "is_bot": False, "first_name": "L", "language_code": "pl"},
                "chat": {"id": n, "type": "private"},
            },
        },
        separators=(",", ":"),
    ).encode()
    head = (
        f"POST {TG_PATH} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def whatsapp(host: str, validator: RequestValidator, public_url: str, n: int) -> bytes:
    form = {
        "MessageSid": f"SM{n:032d}",
        "AccountSid": "AC" + "0" * 32,
        "From": f"whatsapp:+48{n:09d}",
        "To": WA_TO,
        "Body": "Hallo",
        "NumMedia": "0",
        "ProfileName": "L",
    }
    body = urlencode(form).encode()
    signature = validator.compute_signature(public_url + WA_PATH, form)
    head = (
        f"POST {WA_PATH} HTTP/1.1\r\nHost: {host}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"X-Twilio-Signature: {signature}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def build(args: argparse.Namespace) -> list[tuple[str, str, bytes]]:
    """(channel, user key, raw request) for every request of the run, in order."""
    host = urlsplit(args.url).netloc
    validator = RequestValidator(args.twilio_token)
    out = []
    wa_sent = 0.0
    for i in range(int(args.rate * args.seconds)):
        n = args.first + i
        if wa_sent < args.whatsapp_share * (i + 1) - 1e-9:  # spread evenly: 0.5 = every other
            wa_sent += 1
            out.append(
                ("whatsapp", f"whatsapp:+48{n:09d}", whatsapp(host, validator, args.public_url, n))
            )
        else:
            out.append(("telegram", f"telegram:{n}", telegram(host, args.secret, n)))
    return out


async def run(
    args: argparse.Namespace, requests: list[tuple[str, str, bytes]]
) -> dict[str, object]:
    url = urlsplit(args.url)
    n = len(requests)
    due = [0.0] * n
    latency = [float("nan")] * n
    status = [0] * n
    done_at = [0.0] * n
    queue: asyncio.Queue[int] = asyncio.Queue()

    opened = 0

    async def connection() -> None:
        nonlocal opened
        reader, writer = await asyncio.open_connection(url.hostname, url.port)
        opened += 1
        while True:
            i = await queue.get()
            if i < 0:
                break
            try:
                if writer is None or reader is None:
                    reader, writer = await asyncio.open_connection(url.hostname, url.port)
                writer.write(requests[i][2])
                line = await asyncio.wait_for(reader.readline(), args.timeout)
                code = int(line.split(b" ", 2)[1])
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for h in head.split(b"\r\n"):
                    if h[:15].lower() == b"content-length:":
                        length = int(h[15:])
                if length:
                    await reader.readexactly(length)
                status[i] = code
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                status[i] = -1
                if writer is not None:
                    writer.close()
                reader = writer = None
            now = time.monotonic()
            done_at[i] = now
            latency[i] = (now - due[i]) * 1000

    workers = [asyncio.create_task(connection()) for _ in range(args.connections)]
    while opened < args.connections:  # every connection open before the clock starts
        await asyncio.sleep(0.01)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.monotonic() + 0.05
    for i in range(n):
        due[i] = start + i / args.rate
    i = 0
    while i < n:
        now = time.monotonic()
        while i < n and due[i] <= now:
            queue.put_nowait(i)
            i += 1
        if i < n:
            await asyncio.sleep(max(0.0, due[i] - time.monotonic()))
    for _ in workers:
        queue.put_nowait(-1)
    await asyncio.gather(*workers)
    end = max(done_at)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return {
        "start": start,
        "end": end,
        "cpu": cpu,
        "channel": [r[0] for r in requests],
        "user": [r[1] for r in requests],
        "due": due,
        "done": done_at,
        "latency_ms": latency,
        "status": status,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True, help="base URL, e.g. http://127.0.0.1:8000")
    ap.add_argument("--rate", type=float, required=True, help="requests per second")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--connections", type=int, default=64, help="keep-alive connections")
    ap.add_argument("--whatsapp-share", type=float, default=0.5, help="0 = Telegram only")
    ap.add_argument("--secret", default="bench-secret", help="Telegram webhook secret")
    ap.add_argument("--twilio-token", default="bench-twilio-token")
    ap.add_argument("--public-url", default="https://bench.example", help="what Twilio signs")
    ap.add_argument("--first", type=int, default=1, help="first user number")
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--handshake", action="store_true")
    ap.add_argument("--out", default="", help="write the JSON here instead of stdout")
    args = ap.parse_args()
    requests = build(args)
    if args.handshake:
        print("ready", flush=True)
        sys.stdin.readline()
    try:
        import uvloop

        result = uvloop.run(run(args, requests))
    except ImportError:
        result = asyncio.run(run(args, requests))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f)
    else:
        print(json.dumps(result), flush=True)
    if args.handshake:
        print("done", flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
