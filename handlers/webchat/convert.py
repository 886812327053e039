"""Web chat JSON ↔ our message types."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.messages import Inbound, Reply

CHANNEL = "web"
SESSION = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_TEXT = 2000


class BadMessage(ValueError):
    pass


def to_inbound(data: Any, now: datetime) -> tuple[str, Inbound]:
    if not isinstance(data, dict):
        raise BadMessage("expected a JSON object")
    session, msg_id = data.get("session"), data.get("id")
    if not isinstance(session, str) or not SESSION.match(session):
        raise BadMessage("session must be 16-64 letters, digits, _ or -")
    if not isinstance(msg_id, str) or not SESSION.match(msg_id):
        raise BadMessage("id must be 16-64 letters, digits, _ or -")
    text, payload = data.get("text", ""), data.get("payload")
    if not isinstance(text, str) or (payload is not None and not isinstance(payload, str)):
        raise BadMessage("text and payload must be strings")
    if len(text) > MAX_TEXT or len(payload or "") > 100:
        raise BadMessage("message too long")
    hint = data.get("locale") if isinstance(data.get("locale"), str) else None
    return f"{session}:{msg_id}", Inbound(
        CHANNEL,
        session,
        text,
        now,
        payload=payload or None,
        external_id=msg_id,
        locale_hint=(hint or "")[:2] or None,
    )


def reply_json(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "lang": reply.lang,
        "buttons": [{"label": b.label, "payload": b.payload} for b in reply.buttons],
    }
