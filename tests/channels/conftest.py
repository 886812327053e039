"""Channel test wiring: the real app with fakes only at the outside edges."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from twilio.request_validator import RequestValidator

from bot.web.app import Deps, create_app
from tests.conftest import make_settings
from tests.fakes import LocalServer, Recorder, fake_telegram_app, fake_twilio_app, serving

SECRET = "test-secret_123"
TWILIO_SID = "AC00000000000000000000000000000000"
TWILIO_TOKEN = "twilio-test-token"
PUBLIC = "https://brug.example.org"


@dataclass
class Harness:
    app: Any
    telegram: Recorder
    twilio: Recorder
    now: datetime
    servers: dict[str, LocalServer] = field(default_factory=dict)  # the fakes, by channel

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://testserver"
        )

    async def flush(self) -> None:
        """Store spooled webhooks, process stored events and send everything due, as the
        background tasks would."""
        self.app.state.service.drain_spool()
        for _ in range(20):
            processed = self.app.state.service.process_pending(self.now)
            sent = await self.app.state.sender.run_once()
            if not processed and not sent:
                return

    async def telegram_update(
        self, client: httpx.AsyncClient, data: dict[str, Any], secret: str = SECRET
    ) -> httpx.Response:
        return await client.post(
            "/telegram/webhook", json=data, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
        )

    async def whatsapp(
        self,
        client: httpx.AsyncClient,
        form: dict[str, str],
        sign: bool = True,
        path: str = "/twilio/whatsapp",
    ) -> httpx.Response:
        headers = {}
        if sign:
            headers["X-Twilio-Signature"] = RequestValidator(TWILIO_TOKEN).compute_signature(
                PUBLIC + path, form
            )
        return await client.post(path, data=form, headers=headers)


@contextmanager
def build_harness(
    tmp_path: Path, engine: Any, translator: Any = None, **extra_env: str
) -> Iterator[Harness]:
    tg, tw = Recorder(), Recorder()
    with serving(fake_telegram_app(tg)) as tg_srv, serving(fake_twilio_app(tw)) as tw_srv:
        tg_url, tw_url = tg_srv.url, tw_srv.url
        env = {
            "TELEGRAM_BOT_TOKEN": "123456:TEST",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_BASE_URL": f"{tg_url}/bot",
            "TWILIO_ACCOUNT_SID": TWILIO_SID,
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "TWILIO_WHATSAPP_FROM": "whatsapp:+3197010000000",
            "TWILIO_API_BASE_URL": tw_url,
            "PUBLIC_URL": PUBLIC,
            "BRUG_RUN_WORKER": "false",
            "BRUG_SEND_INTERVAL": "0",
            "BRUG_SEND_RATE": "0",  # unpaced: the fakes have no flood limit
            "TWILIO_TEMPLATE_SIDS": "en=HX0000000000000000000000000000000e,pl=HX000000000000000000000000000000pl",
            **extra_env,
        }
        h = Harness(None, tg, tw, datetime.now(UTC), {"telegram": tg_srv, "whatsapp": tw_srv})
        settings = make_settings(tmp_path, **env)
        h.app = create_app(
            settings, Deps(engine=engine, clock=lambda: h.now, translator=translator)
        )
        try:
            yield h
        finally:  # the lifespan does this in a real run: no connection left to the collector
            h.app.state.service.sessions.kw["bind"].dispose()


@pytest.fixture
def harness(tmp_path: Path, engine: Any, request: pytest.FixtureRequest) -> Iterator[Harness]:
    db_url = getattr(request, "param", None)
    with build_harness(tmp_path, engine, **({"DATABASE_URL": db_url} if db_url else {})) as h:
        yield h


def run(coro: Any, harness: Harness | None = None) -> Any:
    async def main() -> Any:
        try:
            return await coro
        finally:
            if harness is not None:
                await harness.app.state.sender.aclose()

    return asyncio.run(main())
