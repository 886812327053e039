"""Twilio WhatsApp webhooks (form fields) ↔ our message types."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.i18n import t
from bot.messages import Button, Inbound

CHANNEL = "whatsapp"


class BadForm(ValueError):
    """The form is not a Twilio WhatsApp message."""


def to_inbound(form: Mapping[str, str], now: datetime) -> tuple[str, Inbound]:
    sid = form.get("MessageSid") or form.get("SmsMessageSid") or ""
    sender = form.get("From") or ""
    if not sid or not sender.startswith("whatsapp:"):
        raise BadForm("MessageSid and a whatsapp: From are required")
    text = form.get("Body") or ""
    payload = form.get("ButtonPayload") or None
    return sid, Inbound(CHANNEL, sender, text, now, payload=payload, external_id=sid)


def render(text: str, buttons: tuple[Button, ...], lang: str) -> str:
    """WhatsApp has no inline keyboards here: options become a numbered list."""
    if not buttons:
        return text
    lines = [text, ""]
    lines += [f"{i}. {b.label.lstrip('0123456789. ')}" for i, b in enumerate(buttons, 1)]
    lines += ["", t(lang, "reply_with_number")]
    return "\n".join(lines)
