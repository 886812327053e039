"""Twilio WhatsApp webhooks (form fields) ↔ our message types."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from bot.i18n import t
from bot.messages import Button, Inbound

CHANNEL = "whatsapp"

# An in-session twilio/quick-reply may carry at most 3 buttons without template approval
# (twilio.com/docs/content/twilio-quick-reply).
SESSION_BUTTONS = 3
# WhatsApp: a reply button's title "cannot be an empty string and must be unique within the
# message … Maximum length of 20 characters" (WhatsApp Cloud API, Reply Buttons Object). Counted
# in UTF-16 code units, as the platform's clients do: an emoji counts as two, never too few.
TITLE_LIMIT = 20
# Twilio Content API: "The variable value has a maximum length of 255 characters"
# (twilio.com/docs/content/using-variables-with-content-api; error 50541).
VARIABLE_LIMIT = 255


class BadForm(ValueError):
    """The form is not a Twilio WhatsApp message."""


def to_inbound(form: Mapping[str, str], now: datetime) -> tuple[str, Inbound]:
    sid = form.get("MessageSid") or form.get("SmsMessageSid") or ""
    sender = form.get("From") or ""
    if not sid or not sender.startswith("whatsapp:"):
        raise BadForm("MessageSid and a whatsapp: From are required")
    text = form.get("Body") or ""
    payload = form.get("ButtonPayload") or None  # a tapped quick-reply button's id
    return sid, Inbound(CHANNEL, sender, text, now, payload=payload, external_id=sid)


def _title(button: Button) -> str:
    return button.label.lstrip("0123456789. ")


def numbered(buttons: tuple[Button, ...], lang: str) -> str:
    """The options as a numbered list and how to pick one."""
    lines = [f"{i}. {_title(b)}" for i, b in enumerate(buttons, 1)]
    return "\n".join([*lines, "", t(lang, "reply_with_number")])


def render(text: str, buttons: tuple[Button, ...], lang: str) -> str:
    """WhatsApp has no inline keyboards here: options become a numbered list."""
    if not buttons:
        return text
    return f"{text}\n\n{numbered(buttons, lang)}"


def units(text: str) -> int:
    """Length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def fits_variable(text: str) -> bool:
    return 0 < units(text) <= VARIABLE_LIMIT


def quick_reply_buttons(buttons: tuple[Button, ...]) -> tuple[Button, ...] | None:
    """``buttons`` as quick-reply buttons (title, id), or None when WhatsApp would refuse them:
    more than 3, an empty, too long or repeated title, an id longer than a variable."""
    if not 1 <= len(buttons) <= SESSION_BUTTONS:
        return None
    quick = tuple(Button(_title(b), b.payload) for b in buttons)
    titles = [b.label for b in quick]
    if len(set(titles)) < len(titles):
        return None
    if not all(0 < units(b.label) <= TITLE_LIMIT and fits_variable(b.payload) for b in quick):
        return None
    return quick


def content_variables(body: str, buttons: tuple[Button, ...]) -> str:
    """ContentVariables of our quick-reply templates: 1 = body, then title and id per button
    (2, 3 / 4, 5 / 6, 7)."""
    variables = {"1": body}
    for i, button in enumerate(buttons):
        variables[str(2 + 2 * i)] = button.label
        variables[str(3 + 2 * i)] = button.payload
    return json.dumps(variables, ensure_ascii=False)
