"""The ASGI application factory: the only place the web layer is wired."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from bot.asking import ask
from bot.engine import Engine
from bot.i18n import t
from bot.languages import LANGUAGES
from bot.runtime import build_engine, load_knowledge
from bot.settings import Settings

logger = logging.getLogger(__name__)
HERE = Path(__file__).parent
MAX_BODY = 64 * 1024


@dataclass
class AppState:
    settings: Settings
    engine: Engine


def create_app(settings: Settings, engine: Engine | None = None) -> Starlette:
    templates = Jinja2Templates(directory=str(HERE / "templates"))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if engine is None:
            app.state.brug = AppState(settings, build_engine(settings, load_knowledge(settings)))
        else:
            app.state.brug = AppState(settings, engine)
        logger.info("engine ready: %d entries", len(app.state.brug.engine.kb.entries))
        yield

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(request: Request) -> Response:
        state: AppState | None = getattr(request.app.state, "brug", None)
        if state is None:
            return JSONResponse({"ready": False}, status_code=503)
        return JSONResponse({"ready": True, "entries": len(state.engine.kb.entries)})

    async def index(request: Request) -> Response:
        return RedirectResponse("/chat", status_code=302)

    async def chat_page(request: Request) -> Response:
        langs = [
            (code, native) for code, (native, _) in LANGUAGES.items() if code in settings.languages
        ]
        return templates.TemplateResponse(
            request,
            "chat.html",
            {
                "languages": langs,
                "greeting": t("en", "greeting"),
                "country": settings.default_country,
            },
        )

    async def chat_ask(request: Request) -> Response:
        state: AppState = request.app.state.brug
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "message too large"}, status_code=413)
        try:
            data: Any = await request.json()
        except ValueError:
            return JSONResponse({"error": "expected a JSON object"}, status_code=400)
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            return JSONResponse({"error": "text must be a string"}, status_code=400)
        lang = data.get("lang") if data.get("lang") in settings.languages else None
        country = data.get("country") if data.get("country") in ("NL", "BE") else None
        result = ask(
            state.engine,
            data["text"],
            lang=lang,
            country=country,
            be_fallback_lang=settings.be_fallback_lang,
        )
        return JSONResponse(result)

    routes = [
        Route("/", index),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/chat", chat_page),
        Route("/chat/ask", chat_ask, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
