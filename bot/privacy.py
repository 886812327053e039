"""What Brug stores about one person, found by their channel id: a summary and a full export.

The admins' user-data page (``bot.web.admin.privacy``) answers access and erasure requests
with these; erasure itself is :meth:`bot.service.Service.erase`, the same as ``/delete``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.errors import BrugError
from bot.storage.models import (
    Case,
    CaseNote,
    Contact,
    Feedback,
    InboundEvent,
    Message,
    Outbox,
    QuestionLog,
)

CHANNELS = {
    "telegram": "Telegram chat id",
    "whatsapp": "WhatsApp number",
    "web": "web chat session",
}
_TELEGRAM = re.compile(r"-?\d{1,20}")
_PHONE = re.compile(r"\+\d{8,15}")
_SESSION = re.compile(r"[A-Za-z0-9_-]{8,120}")


class BadChannelId(BrugError):
    pass


def channel_id(channel: str, raw: str) -> str:
    """The stored external id for what an admin typed: ``+31 6 1234 5678`` on WhatsApp is
    ``whatsapp:+31612345678``; a Telegram chat id is digits; a web session is its token."""
    value = raw.strip()
    if channel == "telegram":
        if not _TELEGRAM.fullmatch(value):
            raise BadChannelId("a Telegram chat id is a number, e.g. 555001")
        return value
    if channel == "whatsapp":
        number = re.sub(r"[\s().-]", "", value.removeprefix("whatsapp:"))
        if number.startswith("00"):
            number = "+" + number[2:]
        if not _PHONE.fullmatch(number):
            raise BadChannelId("a WhatsApp number in international form, e.g. +31612345678")
        return f"whatsapp:{number}"
    if channel == "web":
        if not _SESSION.fullmatch(value):
            raise BadChannelId("a web chat session id (letters, digits, - and _)")
        return value
    raise BadChannelId(f"channel must be one of {', '.join(CHANNELS)}")


def find(s: Session, channel: str, external_id: str) -> Contact | None:
    return s.scalars(
        select(Contact).where(Contact.channel == channel, Contact.external_id == external_id)
    ).first()


@dataclass(frozen=True)
class CaseInfo:
    id: int
    status: str
    reason: str
    created_at: datetime
    resolved_at: datetime | None
    notes: int


@dataclass(frozen=True)
class Summary:
    pseudonym: str
    channel: str
    lang: str | None
    country: str | None
    municipality: str | None
    source: str | None
    created_at: datetime
    last_inbound_at: datetime | None
    messages: int
    first_message_at: datetime | None
    last_message_at: datetime | None
    cases: list[CaseInfo]
    feedback: int
    questions: int
    outbox: int
    events: int


def _count(s: Session, model: Any, *where: Any) -> int:
    return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def summary(s: Session, contact: Contact) -> Summary:
    """Counts and dates: what is stored, without the words themselves."""
    first, last, n = s.execute(
        select(func.min(Message.created_at), func.max(Message.created_at), func.count()).where(
            Message.contact_id == contact.id
        )
    ).one()
    cases = [
        CaseInfo(
            c.id,
            c.status,
            c.reason,
            c.created_at,
            c.resolved_at,
            _count(s, CaseNote, CaseNote.case_id == c.id),
        )
        for c in s.scalars(select(Case).where(Case.contact_id == contact.id).order_by(Case.id))
    ]
    return Summary(
        pseudonym=contact.pseudonym,
        channel=contact.channel,
        lang=contact.lang,
        country=contact.country,
        municipality=contact.municipality,
        source=contact.source,
        created_at=contact.created_at,
        last_inbound_at=contact.last_inbound_at,
        messages=int(n or 0),
        first_message_at=first,
        last_message_at=last,
        cases=cases,
        feedback=_count(s, Feedback, Feedback.contact_id == contact.id),
        questions=_count(s, QuestionLog, QuestionLog.contact_id == contact.id),
        outbox=_count(s, Outbox, Outbox.contact_id == contact.id),
        events=_count(
            s,
            InboundEvent,
            InboundEvent.channel == contact.channel,
            InboundEvent.user_ref == contact.external_id,
        ),
    )


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export(s: Session, contact: Contact, now: datetime) -> dict[str, Any]:
    """Everything stored about the person, as JSON-ready data (an access request's answer)."""
    messages = s.scalars(
        select(Message).where(Message.contact_id == contact.id).order_by(Message.id)
    ).all()
    cases = s.scalars(select(Case).where(Case.contact_id == contact.id).order_by(Case.id)).all()
    pending = s.scalars(
        select(Outbox)
        .where(Outbox.contact_id == contact.id, Outbox.status.in_(("queued", "held")))
        .order_by(Outbox.id)
    ).all()
    return {
        "exported_at": now.isoformat(),
        "profile": {
            "channel": contact.channel,
            "channel_id": contact.external_id,
            "pseudonym": contact.pseudonym,
            "language": contact.lang,
            "country": contact.country,
            "municipality": contact.municipality,
            "came_by_link": contact.source,
            "handed_to_a_person": contact.handoff,
            "unreachable": contact.unreachable,
            "first_contact": _when(contact.created_at),
            "last_message_received": _when(contact.last_inbound_at),
            "conversation_state": contact.state,
        },
        "messages": [
            {
                "at": _when(m.created_at),
                "direction": m.direction,
                "author": m.author,
                "text": m.text,
                "language": m.lang,
                "bot_decision": m.action,
                "answer_entry": m.entry,
            }
            for m in messages
        ],
        "messages_waiting_to_be_sent": [
            {"at": _when(o.created_at), "text": o.text, "status": o.status} for o in pending
        ],
        "cases": [
            {
                "id": c.id,
                "status": c.status,
                "priority": c.priority,
                "reason": c.reason,
                "danger": c.danger,
                "language": c.lang,
                "country": c.country,
                "municipality": c.municipality,
                "opened": _when(c.created_at),
                "first_reply": _when(c.first_reply_at),
                "resolved": _when(c.resolved_at),
                "notes": [
                    {"at": _when(n.created_at), "text": n.text}
                    for n in s.scalars(
                        select(CaseNote).where(CaseNote.case_id == c.id).order_by(CaseNote.id)
                    )
                ],
            }
            for c in cases
        ],
        "feedback": [
            {"at": _when(f.created_at), "entry": f.entry, "helpful": f.helpful}
            for f in s.scalars(
                select(Feedback).where(Feedback.contact_id == contact.id).order_by(Feedback.id)
            )
        ],
        "unanswered_questions": [
            {"at": _when(q.created_at), "text": q.text, "language": q.lang}
            for q in s.scalars(
                select(QuestionLog)
                .where(QuestionLog.contact_id == contact.id)
                .order_by(QuestionLog.id)
            )
        ],
    }
