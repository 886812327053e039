"""Local fakes of the outside world: a Telegram Bot API server and a Twilio REST API server.

Both are real HTTP servers on loopback, so the real client libraries (python-telegram-bot,
twilio) talk real HTTP to them. Each records what it received and can be told to fail.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

Failure = tuple[int, dict[str, Any]]  # HTTP status and JSON body


@dataclass
class Recorder:
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # every send tried
    delivered: list[dict[str, Any]] = field(default_factory=list)  # the sends that succeeded
    delay: float = 0.0  # seconds each send takes (to widen a crash window)
    failures: list[Failure] = field(default_factory=list)  # served before successes
    outage: Callable[[], Failure | None] | None = None  # consulted on every send, e.g. by time
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, status: int, body: dict[str, Any], times: int = 1) -> None:
        with self.lock:
            self.failures.extend([(status, body)] * times)

    def pop_failure(self) -> Failure | None:
        with self.lock:
            if self.failures:
                return self.failures.pop(0)
        return self.outage() if self.outage is not None else None

    def named(self, name: str) -> list[dict[str, Any]]:
        return [params for n, params in self.calls if n == name]


def _maybe_json(value: str) -> Any:
    if value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def fake_telegram_app(rec: Recorder) -> Starlette:
    counter = {"id": 1000}

    async def method(request: Request) -> Response:
        name = request.path_params["method"]
        ctype = request.headers.get("content-type", "")
        if "json" in ctype:
            params = await request.json()
        else:
            params = {k: _maybe_json(str(v)) for k, v in (await request.form()).items()}
        if rec.delay and name == "sendMessage":
            await asyncio.sleep(rec.delay)
        if name not in ("getMe",):
            rec.calls.append((name, params))
        failure = rec.pop_failure() if name == "sendMessage" else None
        if failure:
            return JSONResponse(failure[1], status_code=failure[0])
        if name == "sendMessage":
            rec.delivered.append(params)
        if name == "getMe":
            result: Any = {
                "id": 1,
                "is_bot": True,
                "first_name": "Brug",
                "username": "brug_test_bot",
            }
        elif name == "sendMessage":
            counter["id"] += 1
            result = {
                "message_id": counter["id"],
                "date": int(time.time()),
                "text": params.get("text", ""),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
            }
        elif name == "createForumTopic":
            counter["id"] += 1
            result = {"message_thread_id": counter["id"], "name": params["name"], "icon_color": 0}
        else:
            result = True
        return JSONResponse({"ok": True, "result": result})

    return Starlette(routes=[Route("/bot{token}/{method}", method, methods=["GET", "POST"])])


def _refused(form: dict[str, str]) -> Failure | None:
    """What the real API refuses before sending: no Body and no ContentSid (21619), and
    ContentVariables that are no JSON object of strings of at most 255 characters (21656)."""
    if not form.get("Body") and not form.get("ContentSid"):
        return 400, {
            "code": 21619,
            "message": "A text message body or media urls must be specified",
        }
    if "ContentVariables" in form:
        try:
            variables = json.loads(form["ContentVariables"])
        except ValueError:
            variables = None
        if not isinstance(variables, dict) or not all(
            isinstance(v, str) and len(v) <= 255 for v in variables.values()
        ):
            return 400, {"code": 21656, "message": "The ContentVariables Parameter is invalid"}
    return None


def fake_twilio_app(rec: Recorder) -> Starlette:
    """``Messages.json`` with ``Body`` or ``ContentSid`` + ``ContentVariables`` (a JSON string,
    recorded as sent: ``json.loads`` it to look inside)."""
    counter = {"id": 0}

    async def create(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        rec.calls.append(("Messages", form))
        failure = rec.pop_failure() or _refused(form)
        if failure:
            return JSONResponse(failure[1], status_code=failure[0])
        rec.delivered.append(form)
        counter["id"] += 1
        sid = f"SM{counter['id']:032d}"
        return JSONResponse(
            {
                "sid": sid,
                "status": "queued",
                "to": form.get("To"),
                "from": form.get("From"),
                "body": form.get("Body"),
                "account_sid": request.path_params["sid"],
            },
            status_code=201,
        )

    return Starlette(
        routes=[Route("/2010-04-01/Accounts/{sid}/Messages.json", create, methods=["POST"])]
    )


class LocalServer:
    """``app`` on a loopback port in a thread. ``stop`` and ``start`` again on the same port:
    while it is stopped, clients get "connection refused", as from a provider that is down."""

    def __init__(self, app: Starlette, lifespan: str = "off") -> None:
        self.app, self.lifespan = app, lifespan
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        server = uvicorn.Server(uvicorn.Config(self.app, log_level="error", lifespan=self.lifespan))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        self._server, self._thread, self._sock = server, thread, sock

    def stop(self) -> None:
        if self._server is not None and self._thread is not None and self._sock is not None:
            self._server.should_exit = True
            self._thread.join(timeout=5)
            self._sock.close()
        self._server = self._thread = self._sock = None


@contextmanager
def serving(app: Starlette, lifespan: str = "off") -> Iterator[LocalServer]:
    """Run ``app`` on a free loopback port in a thread; yields the server (``.url``)."""
    server = LocalServer(app, lifespan)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def serve(app: Starlette, lifespan: str = "off") -> Iterator[str]:
    """Run ``app`` on a free loopback port in a thread; yields its base URL."""
    with serving(app, lifespan) as server:
        yield server.url


def load_payload(name: str, **replace: Any) -> dict[str, Any]:
    from tests.conftest import ROOT

    data = json.loads((ROOT / "tests" / "payloads" / name).read_text(encoding="utf-8"))
    return _merge(data, replace)


def _merge(data: Any, replace: dict[str, Any]) -> Any:
    if isinstance(data, dict):
        return {k: (replace[k] if k in replace else _merge(v, replace)) for k, v in data.items()}
    return data
