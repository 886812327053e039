"""POST /twilio/whatsapp and /twilio/status: verify Twilio's signature, store, answer fast."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from twilio.request_validator import RequestValidator

from bot.messages import Inbound
from bot.service import Service
from handlers.whatsapp.convert import BadForm, to_inbound

logger = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _signed_url(public_url: str, request: Request) -> str:
    """The URL Twilio signed: our configured public base, never what the proxy shows us."""
    query = request.url.query
    return f"{public_url}{request.url.path}" + (f"?{query}" if query else "")


async def _verified_form(request: Request, validator: RequestValidator, public_url: str):  # type: ignore[no-untyped-def]
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        return None, PlainTextResponse("too large", status_code=413)
    body = await request.body()
    if len(body) > MAX_BODY:
        return None, PlainTextResponse("too large", status_code=413)
    try:
        form = await request.form()
    except Exception:
        return None, PlainTextResponse("bad form", status_code=400)
    signature = request.headers.get("x-twilio-signature", "")
    if not signature or not validator.validate(_signed_url(public_url, request), form, signature):
        return None, PlainTextResponse("forbidden", status_code=403)
    return form, None


def make_endpoints(
    service: Service,
    store: Callable[[Inbound, str], Awaitable[bool]],
    auth_token: str,
    public_url: str,
    notify: Callable[[], None],
    clock: Callable[[], datetime],
) -> tuple[Callable[[Request], Awaitable[Response]], Callable[[Request], Awaitable[Response]]]:
    validator = RequestValidator(auth_token)

    async def whatsapp_webhook(request: Request) -> Response:
        form, error = await _verified_form(request, validator, public_url)
        if error is not None:
            return error
        try:
            key, inbound = to_inbound({k: str(v) for k, v in form.items()}, clock())
        except BadForm as exc:
            return PlainTextResponse(str(exc), status_code=400)
        if await store(inbound, key):  # group commit (bot.ingest): committed when this returns
            notify()
        return Response(EMPTY_TWIML, media_type="text/xml")

    async def status_callback(request: Request) -> Response:
        form, error = await _verified_form(request, validator, public_url)
        if error is not None:
            return error
        sid = str(form.get("MessageSid") or "")
        status = str(form.get("MessageStatus") or "")
        if not sid or not status:
            return PlainTextResponse("MessageSid and MessageStatus are required", status_code=400)
        await run_in_threadpool(
            service.delivery_status, sid, status, str(form.get("ErrorCode") or "") or None
        )
        return Response(EMPTY_TWIML, media_type="text/xml")

    return whatsapp_webhook, status_callback
