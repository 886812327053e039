"""Counting a drill's outcome.

Outbound: what every chat should have received (its outbox rows, in order, as the provider
sees them) against what the fake providers accepted. Inbound: the updates a webhook
acknowledged against the events stored and processed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.messages import Button
from bot.storage.models import Contact, InboundEvent, Outbox
from bot.text import split_text
from handlers.telegram.convert import to_html
from handlers.telegram.transport import TEXT_LIMIT as TELEGRAM_LIMIT
from handlers.whatsapp.convert import render
from handlers.whatsapp.transport import TEXT_LIMIT as WHATSAPP_LIMIT
from tests.fakes import Recorder


@dataclass
class Tally:
    inbound: int  # distinct updates the webhooks acknowledged
    stored: int  # of those, stored
    processed: int  # of those, processed without an error
    expected: int  # message parts the chats should have received
    delivered: int  # message parts the providers accepted
    lost: int  # expected, never delivered
    duplicated: int  # delivered more often than expected
    out_of_order: list[str] = field(default_factory=list)  # chats with another order

    @property
    def inbound_lost(self) -> int:
        return self.inbound - self.processed

    def line(self, drill: str, extra: dict[str, Any] | None = None) -> str:
        details = "".join(f", {k} {v}" for k, v in (extra or {}).items())
        return (
            f"{drill}: {self.inbound} inbound ({self.inbound_lost} lost), "
            f"{self.expected} replies expected, {self.delivered} delivered, "
            f"lost {self.lost}, duplicated {self.duplicated}, "
            f"chats out of order {len(self.out_of_order)}{details}"
        )


def expected_per_chat(s: Session) -> dict[str, list[str]]:
    """Every outbox row of the messenger channels, split and rendered as its transport sends it."""
    rows = s.execute(
        select(Outbox, Contact.external_id)
        .join(Contact, Contact.id == Outbox.contact_id)
        .where(Outbox.channel.in_(("telegram", "whatsapp")))
        .order_by(Outbox.id)
    ).all()
    chats: dict[str, list[str]] = {}
    for row, chat in rows:
        if row.channel == "telegram":
            parts = [to_html(p) for p in split_text(row.text, TELEGRAM_LIMIT - 200)]
        else:
            buttons = tuple(Button(b["label"], b["payload"]) for b in row.buttons)
            parts = split_text(render(row.text, buttons, row.lang), WHATSAPP_LIMIT)
        chats.setdefault(chat if row.channel == "whatsapp" else f"telegram:{chat}", []).extend(
            parts
        )
    return chats


def delivered_per_chat(telegram: Recorder | None, twilio: Recorder | None) -> dict[str, list[str]]:
    chats: dict[str, list[str]] = {}
    for params in telegram.delivered if telegram else []:
        chats.setdefault(f"telegram:{params['chat_id']}", []).append(str(params["text"]))
    for form in twilio.delivered if twilio else []:
        text = form.get("Body") or f"template {form.get('ContentSid')}"
        chats.setdefault(str(form["To"]), []).append(text)
    return chats


def count(
    sessions: sessionmaker[Session],
    acknowledged: Iterable[tuple[str, str]],
    telegram: Recorder | None,
    twilio: Recorder | None = None,
) -> Tally:
    """``acknowledged``: (channel, external key) of every update a webhook answered 2xx."""
    keys = set(acknowledged)
    with sessions() as s:
        events = {(e.channel, e.external_key): e for e in s.scalars(select(InboundEvent)).all()}
        expected = expected_per_chat(s)
    delivered = delivered_per_chat(telegram, twilio)
    lost = duplicated = 0
    out_of_order = []
    for chat in sorted(set(expected) | set(delivered)):
        want, got = Counter(expected.get(chat, [])), Counter(delivered.get(chat, []))
        lost += sum((want - got).values())
        duplicated += sum((got - want).values())
        if want == got and expected.get(chat) != delivered.get(chat):
            out_of_order.append(chat)
    return Tally(
        inbound=len(keys),
        stored=sum(1 for k in keys if k in events),
        processed=sum(
            1
            for k in keys
            if k in events and events[k].processed_at is not None and events[k].error is None
        ),
        expected=sum(len(v) for v in expected.values()),
        delivered=sum(len(v) for v in delivered.values()),
        lost=lost,
        duplicated=duplicated,
        out_of_order=out_of_order,
    )
