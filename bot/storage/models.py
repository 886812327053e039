"""Typed SQLAlchemy models. Migrations live in ``bot/migrations``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class KbEntry(Base):
    __tablename__ = "kb_entry"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    topic: Mapped[str] = mapped_column(String(40), index=True)
    countries: Mapped[list[Any]] = mapped_column(JSON)
    escalate: Mapped[bool] = mapped_column(Boolean, default=False)
    related: Mapped[list[Any]] = mapped_column(JSON)
    sources: Mapped[list[Any]] = mapped_column(JSON)
    reviewed: Mapped[date | None] = mapped_column(Date, nullable=True)
    variants: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    translations: Mapped[list[KbTranslation]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="KbTranslation.lang"
    )


class KbTranslation(Base):
    __tablename__ = "kb_translation"

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("kb_entry.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    alternates: Mapped[list[Any]] = mapped_column(JSON)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # the review workflow: who last changed the words, who last checked them (and when)
    text_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    text_changed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)

    entry: Mapped[KbEntry] = relationship(back_populates="translations")


class KbOverlay(Base):
    __tablename__ = "kb_overlay"

    municipality: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    sources: Mapped[list[Any]] = mapped_column(JSON)
    reviewed: Mapped[date | None] = mapped_column(Date, nullable=True)
    entries: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KbVersion(Base):
    """Every change to an entry: who, when, and the whole entry after it."""

    __tablename__ = "kb_version"
    __table_args__ = (UniqueConstraint("entry_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # None: deleted


class KbRevision(Base):
    """A counter bumped by every knowledge change, so every process can notice it."""

    __tablename__ = "kb_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# ---- conversations and channels ----------------------------------------------------------


class Contact(Base):
    """One person on one channel, with the conversation's state."""

    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(120))  # chat id, phone number, web session
    pseudonym: Mapped[str] = mapped_column(String(32), index=True)  # keyed hash, for logs and staff
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    lang: Mapped[str | None] = mapped_column(String(8), nullable=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    municipality: Mapped[str | None] = mapped_column(String(80), nullable=True)
    handoff: Mapped[bool] = mapped_column(Boolean, default=False)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    last_inbound_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    source: Mapped[str | None] = mapped_column(String(80), nullable=True)  # deep link they came by
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class InboundEvent(Base):
    """A received update, stored before the webhook answers; processed from here."""

    __tablename__ = "inbound_event"
    __table_args__ = (UniqueConstraint("channel", "external_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_key: Mapped[str] = mapped_column(String(120))  # update_id, MessageSid
    user_ref: Mapped[str] = mapped_column(String(120), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # our Inbound, as data
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(400), nullable=True)


class Message(Base):
    """The transcript: what the user wrote and what was sent back."""

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    author: Mapped[str] = mapped_column(String(20))  # user | bot | worker
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(8), nullable=True)
    action: Mapped[str | None] = mapped_column(String(10), nullable=True)
    entry: Mapped[str | None] = mapped_column(String(80), nullable=True)
    confidence: Mapped[float | None] = mapped_column(nullable=True)
    candidates: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    outbox_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True
    )  # delivery status of an "out"
    staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the worker who wrote it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Outbox(Base):
    """Every message to a user goes through here; the sender delivers it at least once."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[list[Any]] = mapped_column(JSON)
    lang: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), index=True)  # queued|sent|delivered|failed|held
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    provider_id: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    error: Mapped[str | None] = mapped_column(String(400), nullable=True)
    # calls of a several-call message (WhatsApp: a long text, a text and its buttons) the
    # provider accepted before one failed: a retry starts after them
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # the provider's id of an earlier message this row rewrites in place (Telegram: an edit),
    # e.g. a staff-group post whose quote of the user is erased at their request
    replaces: Mapped[str | None] = mapped_column(String(80), nullable=True)
    case_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True
    )  # a post about a case (staff group)
    thread: Mapped[str | None] = mapped_column(
        String(20), nullable=True
    )  # a forum topic of the staff group (Telegram message_thread_id)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), nullable=True
    )
    entry: Mapped[str] = mapped_column(String(80), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    lang: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Case(Base):
    """A hand-off to a bridge worker (the inbox builds on this)."""

    __tablename__ = "case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(
        String(12), index=True
    )  # new|assigned|waiting|resolved|closed
    priority: Mapped[str] = mapped_column(String(8))  # urgent | normal
    reason: Mapped[str] = mapped_column(String(20))
    danger: Mapped[str | None] = mapped_column(String(20), nullable=True)
    entry: Mapped[str | None] = mapped_column(String(80), nullable=True)
    lang: Mapped[str | None] = mapped_column(String(8), nullable=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    municipality: Mapped[str | None] = mapped_column(String(80), nullable=True)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), nullable=True
    )
    team_id: Mapped[int | None] = mapped_column(  # the team whose office hours the user was told
        ForeignKey("team.id", ondelete="SET NULL"), nullable=True
    )
    first_reply_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class QuestionLog(Base):
    """Questions the bot could not answer well, for the admins' queue. No contact link."""

    __tablename__ = "question_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    action: Mapped[str] = mapped_column(String(10))
    candidates: Mapped[list[Any]] = mapped_column(JSON)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(12), default="open")
    english: Mapped[str | None] = mapped_column(Text, nullable=True)  # for grouping, if a model is
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class DecisionStat(Base):
    """Counts only (no personal data): one row per handled message, for analytics."""

    __tablename__ = "decision_stat"
    # covers the stats page's queries: a range of days, counted by everything else
    __table_args__ = (
        Index("ix_decision_stat_report", "day", "lang", "channel", "action", "entry"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    lang: Mapped[str] = mapped_column(String(8))
    action: Mapped[str] = mapped_column(String(10))
    entry: Mapped[str | None] = mapped_column(String(80), nullable=True)


class ArrivalStat(Base):
    """Counts only: one row per person who arrived through a deep link or QR code."""

    __tablename__ = "arrival_stat"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(80), index=True)
    channel: Mapped[str] = mapped_column(String(20))


# ---- staff: bridge workers and admins ----------------------------------------------------


class Team(Base):
    """Bridge workers who share office hours and the places they serve."""

    __tablename__ = "team"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)  # None: both
    municipalities: Mapped[list[Any]] = mapped_column(JSON)  # slugs; empty: the whole country
    office_hours: Mapped[str] = mapped_column(String(200))  # e.g. "mon-fri 09:00-17:00"
    timezone: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))  # worker | editor | admin
    languages: Mapped[list[Any]] = mapped_column(JSON)
    municipalities: Mapped[list[Any]] = mapped_column(JSON)
    telegram_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # raised by a password change, reset or deactivation: sessions stamped with an older one end
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # set when an admin chose the password: it must be replaced at the next login
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="SET NULL"), nullable=True
    )


class CaseNote(Base):
    """An internal note on a case: staff only, never sent to the user."""

    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), nullable=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditLog(Base):
    """Append-only: logins, case views, replies, content edits, exports, deletions."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(120), default="")
