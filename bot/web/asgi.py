"""Entry point for ASGI servers: ``uvicorn --factory bot.web.asgi:app``."""

from __future__ import annotations

from starlette.applications import Starlette

from bot.logs import configure
from bot.settings import Settings
from bot.web.app import create_app


def app() -> Starlette:
    settings = Settings.from_env()
    configure(settings.log_level, settings.log_format)
    return create_app(settings)
