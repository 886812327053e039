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
    Integer,
    String,
    Text,
    UniqueConstraint,
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
