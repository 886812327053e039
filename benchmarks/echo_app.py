"""The web stack's plain baseline: a bare Starlette app that reads the webhook's body and
answers 200 with Brug's body (Telegram and Twilio WhatsApp), served by the same uvicorn with
the same settings as Brug. Brug's figure divided by this one is the cost of Brug's own work
(parsing, the database).

    uvicorn --factory benchmarks.echo_app:app --workers 2
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


async def webhook(request: Request) -> Response:
    await request.body()
    return JSONResponse({"ok": True})  # what Brug answers


async def twilio(request: Request) -> Response:
    await request.body()
    return Response(EMPTY_TWIML, media_type="text/xml")  # what Brug answers Twilio


async def healthz(request: Request) -> Response:
    return Response("ok")


def app() -> Starlette:
    return Starlette(
        routes=[
            Route("/telegram/webhook", webhook, methods=["POST"]),
            Route("/twilio/whatsapp", twilio, methods=["POST"]),
            Route("/healthz", healthz),
        ]
    )
