"""Entry point for ASGI servers: ``uvicorn --factory bot.web.asgi:app``."""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from bot.settings import Settings
from bot.web.app import create_app


def app() -> Starlette:
    settings = Settings.from_env()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    return create_app(settings)
