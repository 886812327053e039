"""Telegram updates (Bot API JSON) ↔ our message types."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.messages import Button, Inbound

CHANNEL = "telegram"
_BOLD = re.compile(r"\*([^*\n]+)\*")


class BadUpdate(ValueError):
    """The payload is not a Telegram update we can read."""


def to_inbound(data: Any, now: datetime) -> tuple[str, Inbound] | None:
    """(dedup key, inbound) for a text message or a button press; None for other update kinds."""
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise BadUpdate("not a Telegram update")
    try:
        update = Update.de_json(data, None)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadUpdate(f"malformed update: {type(exc).__name__}") from None
    key = str(update.update_id)
    if update.callback_query is not None:
        q = update.callback_query
        chat = q.message.chat.id if q.message is not None else q.from_user.id
        return key, Inbound(
            CHANNEL,
            str(chat),
            "",
            now,
            payload=q.data or "",
            external_id=q.id,
            locale_hint=q.from_user.language_code,
            meta={"callback_query_id": q.id},
        )
    message = update.message
    if message is None or message.chat.type != "private":
        return None
    text = message.text or message.caption or ""
    lang = message.from_user.language_code if message.from_user else None
    return key, Inbound(
        CHANNEL,
        str(message.chat.id),
        text,
        now,
        external_id=str(message.message_id),
        locale_hint=lang,
    )


def to_html(text: str) -> str:
    """Our light markup (*bold*) as Telegram HTML; everything else escaped."""
    return _BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    short = all(len(b.label) <= 18 for b in buttons)
    per_row = 2 if short else 1
    rows = [
        [
            InlineKeyboardButton(b.label[:64], callback_data=b.payload[:64])
            for b in buttons[i : i + per_row]
        ]
        for i in range(0, len(buttons), per_row)
    ]
    return InlineKeyboardMarkup(rows)
