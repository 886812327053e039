"""The ASGI application factory: the composition root of the web service.

It wires settings, storage, the engine, the conversation, the service, the
channel handlers and the background processor and sender. Tests call
``create_app(settings, Deps(...))`` with fakes at the outside edges.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import sessionmaker
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from bot import retention, staffi18n, staffwords
from bot.asking import ask
from bot.conversation import Conversation, Options
from bot.engine import Engine
from bot.i18n import t
from bot.ingest import Ingestor
from bot.languages import LANGUAGES
from bot.live import LiveKnowledge
from bot.outbox import Sender, Transport
from bot.runtime import build_engine, load_knowledge
from bot.service import Service
from bot.settings import Settings
from bot.spool import Spool
from bot.spool import run_forever as spool_run_forever
from bot.storage.db import UNAVAILABLE, make_engine
from bot.storage.migrate import upgrade
from bot.teams import Directory
from bot.translate import Translator, make_translator
from bot.web.security import SecurityHeaders

logger = logging.getLogger(__name__)
HERE = Path(__file__).parent
MAX_BODY = 64 * 1024
KNOWLEDGE_POLL_SECONDS = 2.0
RETRY = {"Retry-After": "5"}


@dataclass
class Deps:
    """What the app reaches outside itself; tests hand in fakes or local servers."""

    engine: Engine | None = None
    transports: dict[str, Transport] | None = None  # None: built from settings
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    migrate: bool = True
    translator: Translator | None = None  # None: argos models from BRUG_TRANSLATION_DIR, if any


def build_transports(settings: Settings, clock: Callable[[], datetime]) -> dict[str, Transport]:
    transports: dict[str, Transport] = {}
    if settings.telegram_token:
        from handlers.telegram.transport import TelegramTransport, make_bot

        transports["telegram"] = TelegramTransport(
            make_bot(settings.telegram_token, settings.telegram_base_url)
        )
    if settings.twilio_sid:
        from handlers.whatsapp.transport import WhatsAppTransport, make_client

        def client():  # type: ignore[no-untyped-def]
            return make_client(settings.twilio_sid, settings.twilio_token, settings.twilio_base_url)

        transports["whatsapp"] = WhatsAppTransport(
            client,
            settings.twilio_from,
            settings.twilio_templates,
            f"{settings.public_url}/twilio/status",
            clock=clock,
            quick_replies=settings.twilio_quick_replies,
        )
    return transports


def install_staff_language(templates: Jinja2Templates, lang: str) -> None:
    """The staff pages' language (``BRUG_STAFF_LANGUAGE``) for every template: ``_(text,
    **values)`` (the catalogue's text is trusted markup, the values are escaped), ``staff_lang``
    for ``<html lang>`` and the ``reason`` filter for why a case was opened."""

    def gettext(text: str, /, **values: Any) -> Markup:
        found = Markup(staffi18n.translate(lang, text))
        return found.format(**values) if values else found

    templates.env.globals["_"] = gettext
    templates.env.globals["staff_lang"] = lang
    templates.env.filters["reason"] = lambda code: (
        code if lang == "en" else staffwords.reason(lang, code)
    )
    templates.env.filters["date"] = lambda at, fmt: staffi18n.format_date(lang, at, fmt)


def create_app(settings: Settings, deps: Deps | None = None) -> Starlette:
    deps = deps or Deps()
    for name in settings.unknown:
        logger.warning(
            "%s is not a Brug setting (a typo?); see the README's configuration table", name
        )
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    install_staff_language(templates, settings.staff_language)
    db = make_engine(settings.database_url)
    if deps.migrate:
        upgrade(db)
    sessions = sessionmaker(db, expire_on_commit=False)
    engine = deps.engine or build_engine(settings, load_knowledge(settings))
    teams = Directory()

    def make_conversation(current: Engine) -> Conversation:
        options = Options(
            municipalities={k: o.country for k, o in current.kb.overlays.items()},
            retention_days=settings.retention_days,
            be_fallback_lang=settings.be_fallback_lang,
            languages=settings.languages,
            office_hours=settings.office_hours,
            hours_for=teams.hours_for,
        )
        return Conversation(current, options)

    live = LiveKnowledge(
        engine, lambda kb: build_engine(settings, kb), make_conversation, sessionmaker(db)
    )
    spool = Spool(settings.spool_dir)
    translator = (
        deps.translator
        if deps.translator is not None
        else make_translator(settings.translation_dir)
    )
    service = Service(
        sessions,
        lambda: live.conversation,
        secret_key=settings.secret_key,
        retention_days=settings.retention_days,
        reopen_days=settings.reopen_days,
        staff_chat=("telegram", settings.telegram_staff_chat)
        if settings.telegram_token and settings.telegram_staff_chat
        else None,
        teams=teams,
        staff_topics=settings.telegram_staff_topics,
        staff_language=settings.staff_language,
        translator=translator,  # the staff group's summaries
        spool=spool,
    )
    from bot import inbox as inbox_actions

    service.on_staff_message = lambda s, msg, now: inbox_actions.handle_staff_message(
        service, s, msg, now
    )
    transports = (
        deps.transports if deps.transports is not None else build_transports(settings, deps.clock)
    )
    sender = Sender(
        sessions,
        transports,
        clock=deps.clock,
        per_chat_interval=settings.send_interval,
        per_second=settings.send_rate_per_process,
        give_up_after=timedelta(hours=settings.send_give_up_hours),
    )
    wake = asyncio.Event()

    async def processor(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await run_in_threadpool(service.process_pending, deps.clock())
            except UNAVAILABLE as exc:  # restarting, full: the next round tries again
                logger.warning("processing round: database unavailable (%s)", type(exc).__name__)
            except Exception:
                logger.exception("processing round failed")
            wake.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=0.5)

    async def watch_knowledge(stop: asyncio.Event) -> None:
        """Pick up knowledge edits (any process may make them) without a restart."""
        while not stop.is_set():
            try:
                await run_in_threadpool(live.refresh)
            except Exception:
                logger.exception("reloading the knowledge base failed; keeping the current one")
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=KNOWLEDGE_POLL_SECONDS)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks = [] if deps.engine is not None else [asyncio.create_task(watch_knowledge(stop))]
        # webhooks this or a dead process kept while the database was down: stored once it is up
        tasks.append(asyncio.create_task(spool_run_forever(service.drain_spool, stop, wake.set)))
        if settings.run_worker:
            tasks += [
                asyncio.create_task(processor(stop)),
                asyncio.create_task(sender.run_forever(stop, idle=0.2)),
                asyncio.create_task(
                    retention.run_forever(
                        sessions,
                        deps.clock,
                        settings.retention_days,
                        settings.retention_interval,
                        stop,
                        settings.reopen_days,
                    )
                ),
            ]
        logger.info(
            "ready: %d entries, channels %s",
            len(engine.kb.entries),
            ", ".join(transports) or "web only",
        )
        try:
            yield
        finally:
            stop.set()
            wake.set()
            for task in tasks:
                await task
            await sender.aclose()
            spool.close()
            db.dispose()

    async def storage_unavailable(request: Request, exc: Exception) -> Response:
        """The database is down or full: 503, so Telegram delivers the update again (a 200
        would lose it, a 500 would read as our bug). Webhooks reach this only when the spool
        cannot be written either (``Service.receive``)."""
        orig = getattr(exc, "orig", None) or exc
        logger.warning(
            "%s %s: database unavailable (%s: %s)",
            request.method,
            request.url.path,
            type(orig).__name__,
            str(orig).splitlines()[0][:200] if str(orig) else "",
        )
        return PlainTextResponse(
            "the service is briefly unavailable; try again", status_code=503, headers=RETRY
        )

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    def database_ok() -> bool:
        try:
            with db.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            return True
        except Exception as exc:
            logger.warning("not ready: the database is unreachable (%s)", type(exc).__name__)
            return False

    async def readyz(request: Request) -> Response:
        if not await run_in_threadpool(database_ok):
            return JSONResponse({"ready": False, "database": "unreachable"}, status_code=503)
        return JSONResponse(
            {
                "ready": True,
                "entries": len(live.engine.kb.entries),
                "channels": sorted(transports),
                "knowledge_revision": live.revision,
            }
        )

    async def metrics(request: Request) -> Response:
        from bot.web.metrics import render as render_metrics

        text = await run_in_threadpool(render_metrics, sessions, deps.clock())
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4")

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
        """Stateless: the engine's decision for a question (used by the page's test mode and tools)."""
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
        return JSONResponse(
            ask(
                live.engine,
                data["text"],
                lang=lang,
                country=country,
                be_fallback_lang=settings.be_fallback_lang,
            )
        )

    from handlers.webchat.webhook import make_endpoints as webchat_endpoints

    chat_message, chat_poll = webchat_endpoints(service, deps.clock)
    routes: list[BaseRoute] = [
        Route("/", index),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics),
        Route("/chat", chat_page),
        Route("/chat/ask", chat_ask, methods=["POST"]),
        Route("/chat/message", chat_message, methods=["POST"]),
        Route("/chat/poll", chat_poll),
    ]
    ingestor = Ingestor(service.receive_many)
    if settings.telegram_token:
        from handlers.telegram.webhook import make_endpoint as telegram_endpoint

        routes.append(
            Route(
                "/telegram/webhook",
                telegram_endpoint(
                    ingestor.store,
                    settings.telegram_secret,
                    wake.set,
                    deps.clock,
                    settings.telegram_staff_chat,
                ),
                methods=["POST"],
            )
        )
    if settings.twilio_sid:
        from handlers.whatsapp.webhook import make_endpoints as twilio_endpoints

        whatsapp, status = twilio_endpoints(
            service,
            ingestor.store,
            settings.twilio_token,
            settings.public_url,
            wake.set,
            deps.clock,
        )
        routes.append(Route("/twilio/whatsapp", whatsapp, methods=["POST"]))
        routes.append(Route("/twilio/status", status, methods=["POST"]))
    from bot.web.inbox import routes as inbox_routes

    routes.extend(
        inbox_routes(
            service,
            lambda: live.engine,
            templates,
            deps.clock,
            translator,
            staffi18n.words(settings.staff_language),
        )
    )
    from bot.web.admin import AdminContext
    from bot.web.admin import routes as admin_routes

    routes.extend(
        admin_routes(AdminContext(settings, service, live, templates, deps.clock, translator))
    )
    routes.append(Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"))
    middleware = [
        Middleware(SecurityHeaders, hsts=settings.env == "production"),
        Middleware(
            SessionMiddleware,
            secret_key=settings.secret_key,
            session_cookie="brug_session",
            max_age=12 * 3600,
            same_site="lax",
            https_only=settings.env == "production",
        ),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=middleware,
        exception_handlers=dict.fromkeys(UNAVAILABLE, storage_unavailable),
    )
    app.state.service = service
    app.state.ingestor = ingestor
    app.state.sender = sender
    app.state.spool = spool
    app.state.engine = engine
    app.state.live = live
    app.state.wake = wake
    return app
