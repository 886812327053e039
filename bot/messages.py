"""Plain message types the core and the channels exchange.

Channels convert platform updates into :class:`Inbound` and render
:class:`Reply` objects; the core never sees a platform object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Action(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    FALLBACK = "fallback"
    ESCALATE = "escalate"


@dataclass(frozen=True, slots=True)
class Candidate:
    entry: str
    score: float


@dataclass(frozen=True, slots=True)
class Decision:
    """What the engine decided about one message. Pure data."""

    action: Action
    entry: str | None
    candidates: tuple[Candidate, ...]
    lang: str
    confidence: float
    country: str | None = None
    danger: str | None = None  # danger category when escalating for safety
    reason: str | None = None  # why: "danger", "explicit", "entry", "low-confidence", ...


@dataclass(frozen=True, slots=True)
class Button:
    """A choice offered to the user; ``payload`` is what comes back when picked."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to the user, in the user's language."""

    text: str
    buttons: tuple[Button, ...] = ()
    lang: str = "en"
    entry: str | None = None
    machine_translated: bool = False
    thread: str | None = None  # a forum topic of the staff group (Telegram message_thread_id)


def valid_text(text: str) -> str:
    """``text`` as valid Unicode: JSON can carry lone surrogates ("\\ud800"), which no database,
    encoder or language detector accepts; they become "?"."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a user, whatever the channel."""

    channel: str  # "telegram" | "whatsapp" | "web" | "console"
    user_ref: str  # the channel's id of the user (chat id, phone number, session id)
    text: str
    received_at: datetime
    payload: str | None = None  # a pressed button's payload, or a deep-link start parameter
    external_id: str | None = None  # the provider's message id, for deduplication
    locale_hint: str | None = None  # e.g. Telegram's language_code
    meta: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", valid_text(self.text))
        if self.payload is not None:
            object.__setattr__(self, "payload", valid_text(self.payload))


@dataclass(frozen=True, slots=True)
class Outbound:
    """One queued message, as a channel transport receives it."""

    outbox_id: int
    channel: str
    user_ref: str
    text: str
    buttons: tuple[Button, ...]
    lang: str
    last_inbound_at: datetime | None = None
    thread: str | None = None  # a forum topic of the staff group
    parts_sent: int = 0  # calls of a several-call message accepted on earlier tries
    replaces: str | None = None  # edit this earlier message (provider id) instead of sending
