"""Sending through the Telegram Bot API (python-telegram-bot), errors mapped to ours."""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from bot.errors import ChannelError
from bot.messages import Outbound
from bot.text import split_text
from handlers.telegram.convert import keyboard, to_html

TEXT_LIMIT = 4096


def make_bot(token: str, base_url: str, timeout: float = 10.0) -> Bot:
    request = HTTPXRequest(
        connection_pool_size=8, connect_timeout=5, read_timeout=timeout, write_timeout=timeout
    )
    return Bot(token, base_url=base_url, request=request, get_updates_request=request)


class TelegramTransport:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def aclose(self) -> None:
        await self.bot.request.shutdown()

    async def send(self, message: Outbound) -> str:
        parts = split_text(message.text, TEXT_LIMIT - 200)
        sent_id = ""
        try:
            if message.replaces:
                return await self._edit(message, parts[0])
            for i, part in enumerate(parts):
                last = i == len(parts) - 1
                sent = await self.bot.send_message(
                    chat_id=int(message.user_ref),
                    text=to_html(part),
                    parse_mode="HTML",
                    reply_markup=keyboard(message.buttons) if last else None,
                    disable_web_page_preview=True,
                    message_thread_id=int(message.thread) if message.thread else None,
                )
                sent_id = str(sent.message_id)
        except RetryAfter as exc:
            with warnings.catch_warnings():  # PTB 22 warns that the type will become timedelta
                warnings.simplefilter("ignore")
                wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            raise ChannelError("telegram flood limit", retry_after=seconds, code="429") from None
        except Forbidden as exc:
            raise ChannelError(f"telegram: {exc.message}", permanent=True, code="blocked") from None
        except BadRequest as exc:
            raise ChannelError(f"telegram: {exc.message}", permanent=True, code="400") from None
        except (NetworkError, TelegramError) as exc:
            raise ChannelError(f"telegram: {exc}", code="network") from None
        return sent_id

    async def _edit(self, message: Outbound, text: str) -> str:
        """Rewrite an earlier message in place (its buttons go). A message that is gone or
        already says this needs nothing more: that counts as done."""
        assert message.replaces is not None
        try:
            await self.bot.edit_message_text(
                text=to_html(text),
                chat_id=int(message.user_ref),
                message_id=int(message.replaces),
                parse_mode="HTML",
                reply_markup=None,
                disable_web_page_preview=True,
            )
        except BadRequest as exc:
            if not any(
                reason in exc.message.lower()
                for reason in ("not modified", "not found", "can't be edited")
            ):
                raise
        return message.replaces
