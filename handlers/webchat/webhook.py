"""POST /chat/message and GET /chat/poll: the web chat on the same pipeline as the messengers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.service import Service
from handlers.webchat.convert import SESSION, BadMessage, reply_json, to_inbound

MAX_BODY = 16 * 1024


def make_endpoints(
    service: Service, clock: Callable[[], datetime]
) -> tuple[Callable[[Request], Awaitable[Response]], Callable[[Request], Awaitable[Response]]]:
    async def message(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "message too large"}, status_code=413)
        try:
            key, inbound = to_inbound(json.loads(body), clock())
        except (json.JSONDecodeError, UnicodeDecodeError):
            return JSONResponse({"error": "expected JSON"}, status_code=400)
        except BadMessage as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        replies = await run_in_threadpool(service.handle_now, inbound, key, clock())
        return JSONResponse({"replies": [reply_json(r) for r in replies]})

    async def poll(request: Request) -> Response:
        session = request.query_params.get("session", "")
        after = request.query_params.get("after", "0")
        if not SESSION.match(session) or not after.isdigit():
            return JSONResponse(
                {"error": "session and a numeric after are required"}, status_code=400
            )
        rows = await run_in_threadpool(service.pending_web, session, int(after))
        return JSONResponse(
            {"messages": [{"id": r.id, "text": r.text, "buttons": r.buttons} for r in rows]}
        )

    return message, poll
