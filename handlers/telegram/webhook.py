"""POST /telegram/webhook: authenticate, store, answer 200 fast."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.messages import Inbound
from handlers.telegram.convert import BadUpdate, to_inbound

logger = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024


def make_endpoint(
    store: Callable[[Inbound, str], Awaitable[bool]],
    secret: str,
    notify: Callable[[], None],
    clock: Callable[[], datetime],
    staff_chat: str = "",
) -> Callable[[Request], Awaitable[Response]]:
    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get("x-telegram-bot-api-secret-token", "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "too large"}, status_code=413)
        try:
            data = json.loads(body)
            item = to_inbound(data, clock(), staff_chat)
        except (json.JSONDecodeError, UnicodeDecodeError, BadUpdate) as exc:
            return JSONResponse({"error": str(exc)[:200]}, status_code=400)
        if item is None:
            return JSONResponse({"ok": True, "ignored": True})
        key, inbound = item
        if await store(inbound, key):  # group commit (bot.ingest): committed when this returns
            notify()
        if "callback_query_id" in inbound.meta:
            # answer the button press in the webhook response: stops the client's spinner, no extra call
            return JSONResponse(
                {
                    "method": "answerCallbackQuery",
                    "callback_query_id": inbound.meta["callback_query_id"],
                }
            )
        return JSONResponse({"ok": True})

    return telegram_webhook
