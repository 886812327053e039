"""Sending through Twilio's WhatsApp API, with the 24-hour rule and error mapping."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.errors import ChannelError
from bot.messages import Outbound
from bot.text import split_text
from handlers.whatsapp.convert import render

TEXT_LIMIT = 1600
WINDOW = timedelta(hours=24)
OUTSIDE_WINDOW = 63016
PERMANENT = {21211, 21408, 21610, 21614, 63003, 63024}


class BaseUrlHttpClient(AsyncTwilioHttpClient):
    """Twilio's async HTTP client, pointed at another base URL (a regional edge or a local fake)."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    async def request(
        self,
        method: str,
        url: str,
        params: Any = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if self.base_url and url.startswith("https://api.twilio.com"):
            url = self.base_url + url[len("https://api.twilio.com") :]
        if auth is not None:  # send the header ourselves: aiohttp deprecated its auth= parameter
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            headers = {**(headers or {}), "Authorization": f"Basic {token}"}
        return await super().request(
            method, url, params, data, headers, None, timeout, allow_redirects
        )


def make_client(sid: str, token: str, base_url: str) -> Client:
    return Client(
        sid, token, http_client=BaseUrlHttpClient(base_url)
    )  # pooled session: see aclose()


class WhatsAppTransport:
    """``client`` is a Twilio client or a factory of one: the async HTTP client must be made
    inside the running event loop, so it is made on the first send."""

    def __init__(
        self,
        client: Client | Callable[[], Client],
        sender: str,
        templates: dict[str, str],
        status_callback: str | None,
        clock: Any = None,
    ) -> None:
        self._client = client
        self.sender = sender
        self.templates = templates
        self.status_callback = status_callback
        self.clock = clock or (lambda: datetime.now(UTC))

    @property
    def client(self) -> Client:
        if not isinstance(self._client, Client):
            self._client = self._client()
        return self._client

    async def aclose(self) -> None:
        if isinstance(self._client, Client):
            session = getattr(self._client.http_client, "session", None)
            if session is not None:
                await session.close()

    async def send(self, message: Outbound) -> str:
        last = message.last_inbound_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        if last is None or self.clock() - last >= WINDOW:
            await self._template(message)
            raise ChannelError("outside the 24-hour window: waiting for the user", code="held")
        sid = ""
        for part in split_text(render(message.text, message.buttons, message.lang), TEXT_LIMIT):
            sid = await self._create(message, body=part)
        return sid

    async def _template(self, message: Outbound) -> None:
        content_sid = self.templates.get(message.lang) or self.templates.get("en")
        if content_sid:
            await self._create(message, content_sid=content_sid, content_variables=json.dumps({}))

    async def _create(self, message: Outbound, **fields: Any) -> str:
        kwargs: dict[str, Any] = {"from_": self.sender, "to": message.user_ref, **fields}
        if self.status_callback:
            kwargs["status_callback"] = self.status_callback
        try:
            created = await self.client.messages.create_async(**kwargs)
        except TwilioRestException as exc:
            if exc.code == OUTSIDE_WINDOW:
                if "body" in fields:
                    await self._template(message)
                raise ChannelError("outside the 24-hour window", code="held") from None
            if exc.status == 429 or exc.status >= 500:
                raise ChannelError(
                    f"twilio {exc.status}", code=str(exc.code or exc.status)
                ) from None
            blocked = exc.code in PERMANENT
            raise ChannelError(
                f"twilio {exc.status} {exc.code}",
                permanent=True,
                code="blocked" if blocked else str(exc.code or exc.status),
            ) from None
        except OSError as exc:
            raise ChannelError(f"twilio unreachable: {exc}", code="network") from None
        return str(created.sid)
