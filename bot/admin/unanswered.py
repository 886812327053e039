"""The unanswered queue: what the bot could not answer well, grouped by topic across languages.

Items are question_log rows: fallbacks, clarify questions the user did not resolve, answers
marked 👎, and questions bridge workers suggested as knowledge. Grouping compares questions by
three signals, so that a Polish and a Romanian version of one missing topic meet:
- their English translation, where a translation model for the language is installed;
- the knowledge base's neighbourhood: which entries (curated in every language) come nearest;
- shared words (Dutch terms such as "toeslag" or "BSN" that migrants use in every language).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.engine import Engine
from bot.errors import BrugError
from bot.features import features
from bot.knowledge import Translation
from bot.storage import kb_repo
from bot.storage.models import QuestionLog
from bot.translate import Translator

OPEN = ("open", "suggested")
KINDS = {
    "fallback": "no answer",
    "clarify": "unresolved did-you-mean",
    "disliked": "answer marked 👎",
    "suggested": "suggested by a bridge worker",
}
GROUP_THRESHOLD = 0.5
NEAR_SHARE = 0.8  # how much the knowledge base's neighbourhood counts against shared words
Vector = dict[str, float]


@dataclass
class Item:
    id: int
    text: str
    lang: str
    kind: str
    created_at: datetime
    english: str | None = None


@dataclass
class Group:
    items: list[Item] = field(default_factory=list)
    centroid: dict[str, Vector] = field(default_factory=dict)  # per signal
    neighbours: Counter[str] = field(default_factory=Counter)

    @property
    def key(self) -> int:
        return min(i.id for i in self.items)

    @property
    def languages(self) -> list[tuple[str, int]]:
        return Counter(i.lang for i in self.items).most_common()

    @property
    def kinds(self) -> list[tuple[str, int]]:
        return Counter(i.kind for i in self.items).most_common()

    @property
    def last_seen(self) -> datetime:
        return max(i.created_at for i in self.items)

    @property
    def suggestion(self) -> str | None:
        """The entry the group's questions most often came nearest to."""
        best = self.neighbours.most_common(1)
        return best[0][0] if best else None


def _unit(v: Vector) -> Vector:
    norm = math.sqrt(sum(x * x for x in v.values()))
    return {k: x / norm for k, x in v.items()} if norm else {}


def _add(a: Vector, b: Vector) -> Vector:
    out = dict(a)
    for k, x in b.items():
        out[k] = out.get(k, 0.0) + x
    return out


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(x * b.get(k, 0.0) for k, x in a.items())
    na = math.sqrt(sum(x * x for x in a.values()))
    nb = math.sqrt(sum(x * x for x in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def signals(item: Item, engine: Engine) -> tuple[dict[str, Vector], list[str]]:
    """The item's comparable forms (neighbourhood, words, English) and its nearest entries."""
    scored = engine.matcher.score(item.text, top=8)
    out = {
        "near": _unit({c.entry: c.score**2 for c in scored}),
        "words": _unit(features(item.text)),
    }
    if item.english:  # "" marks a translation that came back empty
        out["en"] = _unit(features(item.english))
    return out, [c.entry for c in scored[:2] if c.score >= 0.3]


def similarity(a: dict[str, Vector], b: dict[str, Vector]) -> float:
    """Two questions are alike when their English says so, or their words, or (mostly) the
    knowledge base finds the same entries near both."""
    words = cosine(a["words"], b["words"])
    near = NEAR_SHARE * cosine(a["near"], b["near"]) + (1 - NEAR_SHARE) * words
    english = cosine(a["en"], b["en"]) if "en" in a and "en" in b else 0.0
    return max(english, words, near)


def load_items(s: Session, limit: int = 2000) -> list[Item]:
    rows = s.scalars(
        select(QuestionLog)
        .where(QuestionLog.status.in_(OPEN))
        .order_by(QuestionLog.id.desc())
        .limit(limit)
    ).all()
    return [Item(r.id, r.text, r.lang, r.action, r.created_at, r.english) for r in rows]


def translate_items(
    s: Session, items: list[Item], translator: Translator, budget: int = 50
) -> None:
    """English for grouping, where a model is installed; kept on the row, so each question is
    translated once (``budget`` new translations per call keeps a page view quick)."""
    for item in items:
        if budget <= 0:
            return
        if item.english is None and item.lang != "en" and translator.can(item.lang, "en"):
            item.english = translator.translate(item.text, item.lang, "en") or ""
            row = s.get(QuestionLog, item.id)
            if row is not None:
                row.english = item.english
            budget -= 1


def group(items: list[Item], engine: Engine, threshold: float = GROUP_THRESHOLD) -> list[Group]:
    """Greedy clustering against each group's centroid, oldest first; biggest groups first."""
    groups: list[Group] = []
    for item in sorted(items, key=lambda i: i.id):
        sig, near = signals(item, engine)
        best, best_sim = None, threshold
        for g in groups:
            sim = similarity(sig, g.centroid)
            if sim >= best_sim:
                best, best_sim = g, sim
        if best is None:
            best = Group()
            groups.append(best)
        best.items.append(item)
        for name, vec in sig.items():
            best.centroid[name] = _add(best.centroid.get(name, {}), vec)
        best.neighbours.update(near)
    return sorted(groups, key=lambda g: (-len(g.items), -g.last_seen.timestamp()))


def _rows(s: Session, ids: list[int]) -> list[QuestionLog]:
    rows = list(
        s.scalars(select(QuestionLog).where(QuestionLog.id.in_(ids), QuestionLog.status.in_(OPEN)))
    )
    if not rows:
        raise BrugError("these questions were handled already")
    return rows


def add_as_phrasing(
    s: Session, ids: list[int], entry_id: str, *, author: str, now: datetime
) -> int:
    """Add each question as a phrasing of ``entry_id`` in its own language; returns how many.
    A language the entry lacks gets a draft with phrasings only (the bot answers in a fallback
    language until someone writes the answer)."""
    kb = kb_repo.load(s)
    entry = kb.entries.get(entry_id)
    if entry is None:
        raise BrugError("no entry {entry_id}", entry_id=entry_id)
    rows = _rows(s, ids)
    added = 0
    for row in rows:
        text = " ".join(row.text.split())[:300]
        tr = entry.translations.get(row.lang)
        if tr is None:
            entry = entry.with_translation(row.lang, Translation(text, (), None, "draft"))
            added += 1
        elif text.casefold() not in {p.casefold() for p in tr.phrasings()}:
            entry = entry.with_translation(row.lang, replace(tr, alternates=(*tr.alternates, text)))
            added += 1
        row.status = "added"
    kb_repo.save_entry(
        s, entry, author=author, now=now, note=f"{added} phrasing(s) from the unanswered queue"
    )
    return added


def dismiss(s: Session, ids: list[int]) -> int:
    rows = _rows(s, ids)
    for row in rows:
        row.status = "dismissed"
    return len(rows)
