"""Checks of a whole knowledge base, beyond what parsing a file checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.errors import KnowledgeError
from bot.kbfiles import Location
from bot.knowledge import REQUIRED_IDS, TIER2_ANSWER_IDS, KnowledgeBase
from bot.languages import ALL_CODES, CORE_LANGUAGES

MIN_ALTERNATES = 6
ANSWER_SOFT_LIMIT = 900
ANSWER_HARD_LIMIT = 1500  # a WhatsApp message holds 1600 characters
REVIEW_MAX_AGE = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class Finding:
    level: str  # "error" | "warning"
    message: str
    path: str | None = None
    line: int | None = None
    entry_id: str | None = None

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line:
            where += f":{self.line}"
        if self.entry_id:
            where += f" [{self.entry_id}]"
        return f"{self.level}: {where + ': ' if where else ''}{self.message}"


def from_error(exc: KnowledgeError) -> Finding:
    return Finding("error", exc.message, exc.path, exc.line, exc.entry_id)


def check(
    kb: KnowledgeBase,
    *,
    today: date,
    locations: dict[str, Location] | None = None,
    complete: bool = True,
) -> list[Finding]:
    """Problems in ``kb``. ``complete=False`` skips the required-content checks (ids, languages),
    for importing a partial knowledge base."""
    locations = locations or {}
    out: list[Finding] = []

    def add(level: str, message: str, entry_id: str | None, *keys: str) -> None:
        loc = locations.get(entry_id or "")
        out.append(
            Finding(
                level,
                message,
                loc.path if loc else None,
                loc.line(*keys) if loc else None,
                entry_id,
            )
        )

    for rid in REQUIRED_IDS if complete else ():
        if rid not in kb.entries:
            out.append(Finding("error", f"required entry {rid} is missing", entry_id=rid))
    for entry in sorted(kb.entries.values(), key=lambda e: e.id):
        eid = entry.id
        if not entry.sources:
            add("error", "at least one source is required", eid, "sources")
        for i, src in enumerate(entry.sources):
            if not src.startswith(("https://", "http://")):
                add("error", f"source is not a web address: {src}", eid, "sources", str(i))
        if entry.reviewed is None:
            add("error", "reviewed date is missing", eid, "reviewed")
        elif today - entry.reviewed > REVIEW_MAX_AGE:
            add(
                "warning",
                f"last reviewed {entry.reviewed}, more than 12 months ago",
                eid,
                "reviewed",
            )
        elif entry.reviewed > today:
            add("error", f"reviewed date {entry.reviewed} is in the future", eid, "reviewed")
        for rel in entry.related:
            if rel not in kb.entries:
                add("error", f"related entry {rel} does not exist", eid, "related")
            elif rel == eid:
                add("error", "an entry cannot be related to itself", eid, "related")
        for country in entry.variants:
            if country not in entry.countries:
                add(
                    "error",
                    f"variant {country} but countries are {list(entry.countries)}",
                    eid,
                    "variants",
                )
        if "en" not in entry.translations or not entry.translations["en"].answer:
            add(
                "error",
                "an English answer is required (the fallback language)",
                eid,
                "translations",
            )
        required = complete and eid in REQUIRED_IDS
        for lang in CORE_LANGUAGES:
            tr = entry.translations.get(lang)
            if tr is None or not tr.answer:
                if required:
                    add("error", f"missing {lang} translation with an answer", eid, "translations")
                continue
            if len(tr.alternates) < MIN_ALTERNATES:
                add(
                    "warning",
                    f"{lang}: {len(tr.alternates)} alternates, want at least {MIN_ALTERNATES}",
                    eid,
                    "translations",
                    lang,
                    "alternates",
                )
        for lang, tr in entry.translations.items():
            texts = [("answer", tr.answer)] + [
                (f"variants.{c}", v[lang].answer) for c, v in entry.variants.items() if lang in v
            ]
            for key, text in texts:
                if text and len(text) > ANSWER_HARD_LIMIT:
                    add(
                        "error",
                        f"{lang} {key}: {len(text)} characters, over {ANSWER_HARD_LIMIT}",
                        eid,
                        "translations",
                        lang,
                        "answer",
                    )
                elif text and len(text) > ANSWER_SOFT_LIMIT:
                    add(
                        "warning",
                        f"{lang} {key}: {len(text)} characters, aim for under {ANSWER_SOFT_LIMIT}",
                        eid,
                        "translations",
                        lang,
                        "answer",
                    )
        if eid in TIER2_ANSWER_IDS:
            missing = [
                c
                for c in ALL_CODES
                if c not in CORE_LANGUAGES
                and not (entry.translations.get(c) and entry.translations[c].answer)
            ]
            if missing:
                add(
                    "warning",
                    f"most-asked entry lacks answers in {', '.join(missing)}",
                    eid,
                    "translations",
                )
    for overlay in kb.overlays.values():
        key = f"local/{overlay.municipality}"
        if not overlay.sources:
            add("error", "an overlay needs at least one source", key, "sources")
        for entry_id in overlay.entries:
            if entry_id not in kb.entries:
                add("error", f"overlay names unknown entry {entry_id}", key, "entries", entry_id)
    return out


def coverage(kb: KnowledgeBase) -> dict[str, dict[str, int]]:
    """Per language: how many entries are reviewed / draft / machine / phrasings-only / missing."""
    table: dict[str, dict[str, int]] = {}
    for lang in ALL_CODES:
        row = {"reviewed": 0, "draft": 0, "machine": 0, "phrasings": 0, "missing": 0}
        for entry in kb.entries.values():
            tr = entry.translations.get(lang)
            if tr is None:
                row["missing"] += 1
            elif not tr.answer:
                row["phrasings"] += 1
            else:
                row[tr.status] += 1
        table[lang] = row
    return table
