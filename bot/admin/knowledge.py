"""The knowledge editor's logic: the translation-status matrix, edits from a form, versions
with diffs and reverts, and the review workflow. Plain functions over a session; the web views
call them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.errors import BrugError
from bot.kbcheck import REVIEW_MAX_AGE, Finding, check
from bot.knowledge import TOPICS, Entry, KnowledgeBase, Translation, VariantText
from bot.storage import kb_repo
from bot.storage.models import KbEntry, KbOverlay, KbTranslation, KbVersion

SOURCE_LANGUAGES = ("en", "nl")  # translations are made from these; a change makes others stale
STATUSES = ("draft", "reviewed", "machine")
COUNTRIES = ("NL", "BE")
TELEGRAM_LIMIT = 4096
WHATSAPP_LIMIT = 1600
_ID = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)+$")
_URL = re.compile(r"^https://[^\s<>\"']+$")


class EditError(BrugError):
    """A form that cannot be saved, with every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _naive(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=None) if value is not None and value.tzinfo else value


# ---- the matrix ---------------------------------------------------------------------------


@dataclass
class Cell:
    status: str  # reviewed | draft | machine | missing | stale
    note: str = ""


@dataclass
class MatrixRow:
    id: str
    topic: str
    question: str
    reviewed: date | None
    overdue: bool
    cells: dict[str, Cell] = field(default_factory=dict)


def cell_status(
    lang: str,
    tr: Any | None,
    changed: dict[str, datetime | None],
) -> Cell:
    """One translation's state; ``changed`` maps source languages to when their words changed."""
    if tr is None:
        return Cell("missing", "no translation")
    if not tr.answer:
        return Cell("missing", "phrasings only, no answer")
    if tr.status == "reviewed":
        reviewed_at = _naive(tr.reviewed_at)
        for source in SOURCE_LANGUAGES:
            when = _naive(changed.get(source))
            if source != lang and when and reviewed_at and when > reviewed_at:
                return Cell("stale", f"the {source} text changed after this was reviewed")
        who = f" by {tr.reviewed_by}" if tr.reviewed_by else ""
        return Cell("reviewed", f"reviewed{who}")
    return Cell(tr.status, tr.status)


def matrix(
    s: Session,
    languages: tuple[str, ...],
    today: date,
    *,
    search: str = "",
    topic: str = "",
    lang: str = "",
    status: str = "",
    overdue_only: bool = False,
) -> list[MatrixRow]:
    rows = s.scalars(
        select(KbEntry).options(selectinload(KbEntry.translations)).order_by(KbEntry.id)
    ).all()
    needle = search.casefold().strip()
    out: list[MatrixRow] = []
    for row in rows:
        trs = {t.lang: t for t in row.translations}
        changed = {src: trs[src].text_changed_at for src in SOURCE_LANGUAGES if src in trs}
        en = trs.get("en")
        overdue = row.reviewed is None or today - row.reviewed > REVIEW_MAX_AGE
        item = MatrixRow(row.id, row.topic, en.question if en else row.id, row.reviewed, overdue)
        item.cells = {code: cell_status(code, trs.get(code), changed) for code in languages}
        if topic and row.topic != topic:
            continue
        if overdue_only and not overdue:
            continue
        if lang and status and item.cells.get(lang, Cell("missing")).status != status:
            continue
        if needle and not any(
            needle in text.casefold()
            for text in (
                row.id,
                *(t.question for t in row.translations),
                *(a for t in row.translations for a in t.alternates),
            )
        ):
            continue
        out.append(item)
    return out


def status_counts(rows: list[MatrixRow], languages: tuple[str, ...]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {code: {} for code in languages}
    for row in rows:
        for code, c in row.cells.items():
            counts[code][c.status] = counts[code].get(c.status, 0) + 1
    return counts


# ---- editing --------------------------------------------------------------------------------


def _lines(text: str) -> tuple[str, ...]:
    seen: list[str] = []
    for line in text.replace("\r", "").split("\n"):
        line = " ".join(line.split())
        if line and line not in seen:
            seen.append(line)
    return tuple(seen)


def _text(value: str) -> str:
    return "\n".join(line.rstrip() for line in value.replace("\r", "").strip().split("\n"))


def entry_from_form(
    current: Entry | None, form: dict[str, Any], known_ids: set[str], languages: tuple[str, ...]
) -> Entry:
    """The entry as the form describes it. ``form`` holds one language's texts (``lang``) and
    the entry's shared fields. Raises EditError listing every problem."""
    problems: list[str] = []
    lang = str(form.get("lang") or "")
    if lang not in languages:
        problems.append(f"unknown language {lang!r}")
    entry_id = (current.id if current else str(form.get("id") or "").strip()).lower()
    if current is None:
        if not _ID.match(entry_id):
            problems.append("the id must look like topic.name (lowercase letters, digits, - and .)")
        elif entry_id in known_ids:
            problems.append(f"an entry {entry_id} exists already")
    topic = str(form.get("topic") or "").strip() or entry_id.split(".")[0]
    if topic not in TOPICS:
        problems.append(f"the topic must be one of {', '.join(TOPICS)}")
    elif not entry_id.startswith(f"{topic}."):
        problems.append(f"the id must start with its topic: {topic}.")
    countries = tuple(c for c in COUNTRIES if c in (form.get("countries") or []))
    if not countries:
        problems.append("choose at least one country")
    related = tuple(r for r in re.split(r"[\s,]+", str(form.get("related") or "")) if r)
    unknown = [r for r in related if r not in known_ids or r == entry_id]
    if unknown:
        problems.append(f"related entries that do not exist: {', '.join(unknown)}")
    sources = _lines(str(form.get("sources") or ""))
    bad = [u for u in sources if not _URL.match(u)]
    if bad:
        problems.append(f"sources must be https:// links: {', '.join(bad)}")
    if not sources:
        problems.append("give at least one official source")
    reviewed: date | None = None
    if form.get("reviewed"):
        try:
            reviewed = date.fromisoformat(str(form["reviewed"]))
        except ValueError:
            problems.append("the review date must be YYYY-MM-DD")
    question = " ".join(str(form.get("question") or "").split())
    answer = _text(str(form.get("answer") or "")) or None
    status = str(form.get("status") or "draft")
    if status not in STATUSES:
        problems.append(f"status must be one of {', '.join(STATUSES)}")
    if not question:
        problems.append("the question may not be empty")
    if problems:
        raise EditError(problems)
    translations = dict(current.translations) if current else {}
    translations[lang] = Translation(
        question, _lines(str(form.get("alternates") or "")), answer, status
    )
    variants = {c: dict(v) for c, v in (current.variants if current else {}).items()}
    be = _text(str(form.get("variant_be") or "")) or None
    if be or lang in variants.get("BE", {}):
        old = variants.get("BE", {}).get(lang, VariantText())
        texts = {k: v for k, v in variants.get("BE", {}).items() if k != lang}
        if be or old.question:
            texts[lang] = VariantText(answer=be, question=old.question)
        variants["BE"] = texts
        if not variants["BE"]:
            del variants["BE"]
    return Entry(
        id=entry_id,
        topic=topic,
        countries=countries,
        escalate=bool(form.get("escalate")),
        related=related,
        sources=sources,
        reviewed=reviewed,
        translations=translations,
        variants=variants,
    )


def apply_review_rule(
    s: Session, before: Entry | None, after: Entry, lang: str, editor: str, second_person: bool
) -> Entry:
    """With second-person review on, nobody marks their own words reviewed: an edit of the text
    saved as 'reviewed' by the person who wrote it stays a draft until someone else reviews it."""
    if not second_person:
        return after
    tr = after.translations[lang]
    old = before.translations.get(lang) if before else None
    changed = old is None or (old.question, old.alternates, old.answer) != (
        tr.question,
        tr.alternates,
        tr.answer,
    )
    if tr.status != "reviewed":
        return after
    if changed:
        return after.with_translation(lang, replace(tr, status="draft"))
    if old is not None and old.status != "reviewed":
        author = last_text_author(s, after.id, lang)
        if author == editor:
            raise EditError(["a second person must review this: you wrote the current text"])
    return after


def last_text_author(s: Session, entry_id: str, lang: str) -> str | None:
    row = s.get(KbTranslation, (entry_id, lang))
    return row.text_changed_by if row else None


def validate(kb: KnowledgeBase, entry: Entry, today: date) -> tuple[list[Finding], list[Finding]]:
    """(errors, warnings) about ``entry`` inside ``kb`` (the edited entry swapped in)."""
    swapped = KnowledgeBase({**kb.entries, entry.id: entry}, kb.overlays)
    findings = [f for f in check(swapped, today=today) if f.entry_id == entry.id]
    errors = [f for f in findings if f.level == "error"]
    warnings = [f for f in findings if f.level == "warning"]
    return errors, warnings


def save_overlay_texts(
    s: Session, entry_id: str, lang: str, texts: dict[str, str], now: datetime
) -> list[str]:
    """Set (or clear) each municipality's local text for one entry and language."""
    changed: list[str] = []
    for overlay in s.scalars(select(KbOverlay)).all():
        if overlay.municipality not in texts:
            continue
        new = _text(texts[overlay.municipality])
        entries = {k: dict(v) for k, v in overlay.entries.items()}
        current = entries.get(entry_id, {}).get(lang, "")
        if new == current:
            continue
        if new:
            entries.setdefault(entry_id, {})[lang] = new
        else:
            entries.get(entry_id, {}).pop(lang, None)
            if not entries.get(entry_id):
                entries.pop(entry_id, None)
        overlay.entries = entries
        overlay.updated_at = now
        changed.append(overlay.municipality)
    if changed:
        kb_repo.bump(s, now)
    return changed


# ---- versions -------------------------------------------------------------------------------


@dataclass
class VersionView:
    version: int
    author: str
    note: str
    created_at: datetime
    deleted: bool
    diff: list[tuple[str, str]]  # (kind, line): kind is "add", "del" or "" (context/header)


def _flat(snap: dict[str, Any] | None) -> list[str]:
    """A snapshot as readable lines, one field per line, stable order (for diffs)."""
    if snap is None:
        return ["(deleted)"]
    lines = [
        f"topic: {snap['topic']}",
        f"countries: {', '.join(snap['countries'])}",
        f"escalate: {snap['escalate']}",
        f"related: {', '.join(snap['related'])}",
        f"reviewed: {snap.get('reviewed')}",
        *(f"source: {u}" for u in snap["sources"]),
    ]
    for lang, tr in snap["translations"].items():
        lines.append(f"[{lang}] status: {tr['status']}")
        lines.append(f"[{lang}] question: {tr['question']}")
        lines += [f"[{lang}] alternate: {a}" for a in tr["alternates"]]
        lines += [f"[{lang}] answer: {line}" for line in (tr.get("answer") or "").split("\n")]
    for country, texts in (snap.get("variants") or {}).items():
        for lang, v in texts.items():
            lines += [
                f"[{lang} {country}] answer: {line}" for line in (v.get("answer") or "").split("\n")
            ]
    return lines


def history(s: Session, entry_id: str) -> list[VersionView]:
    rows = s.scalars(
        select(KbVersion).where(KbVersion.entry_id == entry_id).order_by(KbVersion.version)
    ).all()
    out: list[VersionView] = []
    previous: dict[str, Any] | None = None
    for i, row in enumerate(rows):
        before = _flat(previous) if i else []
        diff = [
            ("add" if d.startswith("+") else "del" if d.startswith("-") else "", d)
            for d in difflib.unified_diff(before, _flat(row.snapshot), lineterm="", n=1)
            if not d.startswith(("+++", "---"))
        ]
        out.append(
            VersionView(
                row.version, row.author, row.note, row.created_at, row.snapshot is None, diff
            )
        )
        previous = row.snapshot
    return list(reversed(out))


def revert(s: Session, entry_id: str, version: int, *, author: str, now: datetime) -> bool:
    """Make the entry what it was at ``version`` (a new version records the revert)."""
    row = s.scalar(
        select(KbVersion).where(KbVersion.entry_id == entry_id, KbVersion.version == version)
    )
    if row is None:
        raise EditError([f"{entry_id} has no version {version}"])
    if row.snapshot is None:
        return kb_repo.delete_entry(s, entry_id, author=author, now=now)
    return kb_repo.save_entry(
        s, kb_repo.from_snapshot(row.snapshot), author=author, now=now, note=f"revert to v{version}"
    )
