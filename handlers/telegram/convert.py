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


def to_inbound(data: Any, now: datetime, staff_chat: str = "") -> tuple[str, Inbound] | None:
    """(dedup key, inbound) for a text message or a button press; None for other update kinds.

    Private chats are users; the configured staff group is bridge workers (``meta`` then
    carries who wrote and which bot message they replied to). Other groups are ignored."""
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
            meta={
                "callback_query_id": q.id,
                "from_id": str(q.from_user.id),
                "thread": str(_thread(q.message)),
            },
        )
    message = update.message
    if message is None:
        return None
    if message.chat.type != "private":
        if not staff_chat or str(message.chat.id) != staff_chat or message.from_user is None:
            return None
        reply_to = message.reply_to_message.message_id if message.reply_to_message else None
        return key, Inbound(
            CHANNEL,
            staff_chat,
            message.text or "",
            now,
            external_id=str(message.message_id),
            meta={
                "from_id": str(message.from_user.id),
                "reply_to": str(reply_to or ""),
                "thread": str(_thread(message)),
            },
        )
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


def _thread(message: Any) -> int | str:
    """The forum topic a staff-group message is in ("" outside topics)."""
    if message is None or not getattr(message, "is_topic_message", False):
        return ""
    return getattr(message, "message_thread_id", None) or ""


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
