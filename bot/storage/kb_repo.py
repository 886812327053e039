"""The knowledge base in the database: load, replace, version."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from bot.knowledge import Entry, KnowledgeBase, Overlay, Translation, VariantText
from bot.storage.models import KbEntry, KbOverlay, KbRevision, KbTranslation, KbVersion


def snapshot(entry: Entry) -> dict[str, Any]:
    """A JSON-safe copy of an entry (for versions and comparisons)."""
    return {
        "id": entry.id,
        "topic": entry.topic,
        "countries": list(entry.countries),
        "escalate": entry.escalate,
        "related": list(entry.related),
        "sources": list(entry.sources),
        "reviewed": entry.reviewed.isoformat() if entry.reviewed else None,
        "translations": {
            lang: {
                "question": tr.question,
                "alternates": list(tr.alternates),
                "answer": tr.answer,
                "status": tr.status,
            }
            for lang, tr in sorted(entry.translations.items())
        },
        "variants": _variants_json(entry.variants),
    }


def from_snapshot(data: dict[str, Any]) -> Entry:
    return Entry(
        id=data["id"],
        topic=data["topic"],
        countries=tuple(data["countries"]),
        escalate=bool(data["escalate"]),
        related=tuple(data["related"]),
        sources=tuple(data["sources"]),
        reviewed=date.fromisoformat(data["reviewed"]) if data.get("reviewed") else None,
        translations={
            lang: Translation(t["question"], tuple(t["alternates"]), t.get("answer"), t["status"])
            for lang, t in data["translations"].items()
        },
        variants=_variants_from_json(data.get("variants") or {}),
    )


def _variants_json(variants: dict[str, dict[str, VariantText]]) -> dict[str, Any]:
    return {
        country: {
            lang: {"answer": v.answer, "question": v.question} for lang, v in sorted(texts.items())
        }
        for country, texts in sorted(variants.items())
    }


def _variants_from_json(data: dict[str, Any]) -> dict[str, dict[str, VariantText]]:
    return {
        country: {
            lang: VariantText(answer=v.get("answer"), question=v.get("question"))
            for lang, v in texts.items()
        }
        for country, texts in data.items()
    }


def _entry_from_row(row: KbEntry) -> Entry:
    return Entry(
        id=row.id,
        topic=row.topic,
        countries=tuple(row.countries),
        escalate=row.escalate,
        related=tuple(row.related),
        sources=tuple(row.sources),
        reviewed=row.reviewed,
        translations={
            t.lang: Translation(t.question, tuple(t.alternates), t.answer, t.status)
            for t in row.translations
        },
        variants=_variants_from_json(row.variants or {}),
    )


def load(session: Session) -> KnowledgeBase:
    rows = session.scalars(select(KbEntry).options(selectinload(KbEntry.translations))).all()
    overlays = {
        o.municipality: Overlay(
            o.municipality,
            o.name,
            o.country,
            tuple(o.sources),
            o.reviewed,
            {k: dict(v) for k, v in o.entries.items()},
        )
        for o in session.scalars(select(KbOverlay)).all()
    }
    return KnowledgeBase({r.id: _entry_from_row(r) for r in rows}, overlays)


def revision(session: Session) -> int:
    row = session.get(KbRevision, 1)
    return row.revision if row else 0


def bump(session: Session, now: datetime) -> None:
    row = session.get(KbRevision, 1)
    if row is None:
        session.add(KbRevision(id=1, revision=1, changed_at=now))
    else:
        row.revision += 1
        row.changed_at = now


def save_entry(
    session: Session, entry: Entry, *, author: str, now: datetime, note: str = ""
) -> bool:
    """Create or update one entry; records a version. Returns False when nothing changed."""
    row = session.get(KbEntry, entry.id, options=[selectinload(KbEntry.translations)])
    snap = snapshot(entry)
    if row is not None and snapshot(_entry_from_row(row)) == snap:
        return False
    if row is None:
        row = KbEntry(id=entry.id, version=0)
        session.add(row)
    row.topic = entry.topic
    row.countries = list(entry.countries)
    row.escalate = entry.escalate
    row.related = list(entry.related)
    row.sources = list(entry.sources)
    row.reviewed = entry.reviewed
    row.variants = _variants_json(entry.variants)
    row.version = (row.version or 0) + 1
    row.updated_at = now
    existing = {t.lang: t for t in row.translations}
    for lang, tr in entry.translations.items():
        t = existing.pop(lang, None)
        if t is None:
            t = KbTranslation(entry_id=entry.id, lang=lang)
            row.translations.append(t)
        text_changed = (t.question, list(t.alternates or []), t.answer) != (
            tr.question,
            list(tr.alternates),
            tr.answer,
        )
        if text_changed:
            t.text_changed_at, t.text_changed_by = now, author
        if tr.status == "reviewed" and (t.status != "reviewed" or text_changed):
            t.reviewed_at, t.reviewed_by = now, author
        elif tr.status != "reviewed":
            t.reviewed_at, t.reviewed_by = None, None
        if text_changed or t.status != tr.status:
            t.question, t.alternates, t.answer, t.status = (
                tr.question,
                list(tr.alternates),
                tr.answer,
                tr.status,
            )
            t.updated_at = now
    for t in existing.values():
        row.translations.remove(t)
    session.add(
        KbVersion(
            entry_id=entry.id,
            version=row.version,
            author=author,
            note=note,
            created_at=now,
            snapshot=snap,
        )
    )
    bump(session, now)
    return True


def delete_entry(session: Session, entry_id: str, *, author: str, now: datetime) -> bool:
    row = session.get(KbEntry, entry_id)
    if row is None:
        return False
    version = row.version + 1
    session.delete(row)
    session.add(
        KbVersion(
            entry_id=entry_id,
            version=version,
            author=author,
            note="deleted",
            created_at=now,
            snapshot=None,
        )
    )
    bump(session, now)
    return True


def replace_all(
    session: Session, kb: KnowledgeBase, *, author: str, now: datetime
) -> dict[str, int]:
    """Make the database hold exactly ``kb``. The caller commits (all or nothing)."""
    counts = {"added": 0, "changed": 0, "removed": 0, "unchanged": 0}
    existing = set(session.scalars(select(KbEntry.id)).all())
    for entry in kb.entries.values():
        is_new = entry.id not in existing
        if save_entry(session, entry, author=author, now=now, note="import"):
            counts["added" if is_new else "changed"] += 1
        else:
            counts["unchanged"] += 1
    for gone in existing - set(kb.entries):
        delete_entry(session, gone, author=author, now=now)
        counts["removed"] += 1
    session.execute(delete(KbOverlay))
    for o in kb.overlays.values():
        session.add(
            KbOverlay(
                municipality=o.municipality,
                name=o.name,
                country=o.country,
                sources=list(o.sources),
                reviewed=o.reviewed,
                entries=o.entries,
                updated_at=now,
            )
        )
    session.flush()
    bump(session, now)
    return counts
