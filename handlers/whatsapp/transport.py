"""Sending through Twilio's WhatsApp API, with the 24-hour rule and error mapping.

Options are a numbered list under the text ("reply 1, 2 or 3"), or, when quick-reply templates
are configured (``TWILIO_QUICK_REPLY_SIDS``), tappable buttons: a message with 1–3 buttons whose
titles fit WhatsApp's 20 characters goes out as a ``twilio/quick-reply`` (``ContentSid`` +
``ContentVariables``: body, then title and id per button) instead. Its body is one variable, at
most 255 characters, so:

- a short text (≤ 255) is the quick reply's body: one message, one Twilio call;
- a longer text goes out as before, without the list, followed by a quick reply whose body is a
  short prompt ("Tap a button or type your question.").

Either way the conversation keeps the options, so a typed number still picks one.

One outbox row may thus take several Twilio calls (a long text is also split into parts of
1,600). At least once, never a part twice: the calls are the message's *parts*, made in order;
when part *n* fails, the ``ChannelError`` carries ``parts_sent=n``, the sender stores it on the
row, and the retry starts at part *n* (``Outbound.parts_sent``). Only a crash between two
calls, before anything is recorded, repeats a part — the same window in which the sender may
repeat a whole message. A quick reply Twilio refuses for good (a wrong template SID or layout)
is replaced at once by the numbered list, so a configuration mistake costs the buttons, never
the options.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.errors import ChannelError
from bot.i18n import t
from bot.messages import Outbound
from bot.text import split_text
from handlers.whatsapp.convert import (
    content_variables,
    fits_variable,
    numbered,
    quick_reply_buttons,
    render,
)

logger = logging.getLogger(__name__)
TEXT_LIMIT = 1600
WINDOW = timedelta(hours=24)
OUTSIDE_WINDOW = 63016
PERMANENT = {21211, 21408, 21610, 21614, 63003, 63024}


@dataclass(frozen=True, slots=True)
class Part:
    """One Twilio call of a message: its fields, and for a quick reply the numbered list to
    send instead if Twilio refuses the template for good."""

    fields: dict[str, str]
    fallback: str | None = None


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
        quick_replies: dict[int, str] | None = None,
    ) -> None:
        self._client = client
        self.sender = sender
        self.templates = templates
        self.quick_replies = quick_replies or {}  # number of buttons -> content SID
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
        if message.replaces:  # WhatsApp cannot change a sent message (only the staff group does)
            raise ChannelError("whatsapp cannot edit a sent message", permanent=True, code="400")
        last = message.last_inbound_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        if last is None or self.clock() - last >= WINDOW:
            await self._template(message)
            raise ChannelError("outside the 24-hour window: waiting for the user", code="held")
        sid = ""
        for number, part in enumerate(self.parts(message)):
            if number < message.parts_sent:  # accepted on an earlier try
                continue
            try:
                sid = await self._send_part(message, part)
            except ChannelError as exc:
                exc.parts_sent = number
                raise
        return sid

    def parts(self, message: Outbound) -> list[Part]:
        """The Twilio calls ``message`` takes, in order; the same on every try."""
        quick = quick_reply_buttons(message.buttons)
        content_sid = self.quick_replies.get(len(quick)) if quick else None
        if not quick or not content_sid:
            text = render(message.text, message.buttons, message.lang)
            return [Part({"body": p}) for p in split_text(text, TEXT_LIMIT)]
        fallback = numbered(message.buttons, message.lang)
        if fits_variable(message.text):
            variables = content_variables(message.text, quick)
            numbered_text = render(message.text, message.buttons, message.lang)
            return [Part(_content(content_sid, variables), numbered_text)]
        prompt = t(message.lang, "tap_or_type")
        return [
            *(Part({"body": p}) for p in split_text(message.text, TEXT_LIMIT)),
            Part(_content(content_sid, content_variables(prompt, quick)), fallback),
        ]

    async def _send_part(self, message: Outbound, part: Part) -> str:
        try:
            return await self._create(message, **part.fields)
        except ChannelError as exc:
            if part.fallback is None or not exc.permanent or exc.code == "blocked":
                raise
            logger.warning(
                "outbox %s: quick reply refused (%s); sending the numbered options instead",
                message.outbox_id,
                exc.code,
            )
            return await self._create(message, body=part.fallback)

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


def _content(content_sid: str, variables: str) -> dict[str, str]:
    return {"content_sid": content_sid, "content_variables": variables}
