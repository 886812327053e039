"""The engine: from a message to a decision. Pure — no I/O, no clock.

Order: clean the input → identify the language (the user's known language
is the prior) → danger and "I want a person" checks → out-of-scope
countries → matching → answer / clarify / fallback by calibrated
thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.countries import mentioned
from bot.knowledge import KnowledgeBase
from bot.langid import LanguageIdentifier
from bot.matcher import Matcher, Scored
from bot.messages import Action, Candidate, Decision, valid_text
from bot.normalize import is_meaningful
from bot.safety import detect

MAX_CHARS = 1000  # the engine reads at most this much of a message
CLARIFY_MAX = 3
OTHER_COUNTRY_PENALTY = 0.88


@dataclass(frozen=True)
class Thresholds:
    answer: float = 0.60
    clarify: float = 0.50
    margin: float = 0.06


class Engine:
    """Built once per knowledge base version; ``decide`` is thread-safe."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        languages: tuple[str, ...],
        thresholds: Thresholds | None = None,
        default_country: str = "NL",
    ) -> None:
        self.kb = kb
        self.languages = languages
        self.thresholds = thresholds or Thresholds()
        self.default_country = default_country
        self.matcher = Matcher(kb)
        texts: dict[str, list[str]] = {lang: [] for lang in languages}
        for entry in kb.entries.values():
            for lang, tr in entry.translations.items():
                if lang in texts:
                    texts[lang].extend(tr.phrasings())
                    if tr.answer:
                        texts[lang].append(tr.answer)
        self.langid = LanguageIdentifier(languages, texts)

    def decide(
        self, text: str, *, lang_hint: str | None = None, country: str | None = None
    ) -> Decision:
        text = valid_text((text or "")[:MAX_CHARS])
        hint = lang_hint if lang_hint in self.languages else None
        if not is_meaningful(text):
            return Decision(Action.FALLBACK, None, (), hint or "en", 0.0, country, reason="empty")
        guess = self.langid.identify(text, prior=hint)
        lang = guess.lang
        places = mentioned(text)
        asked_country = _asked_country(places, country or self.default_country)

        danger = detect(text)
        scored = self._adjust(self.matcher.score(text, top=8), asked_country, places)
        candidates = Matcher.candidates(scored[:5])
        if danger:
            return Decision(
                Action.ESCALATE,
                danger.safety_entry,
                candidates,
                lang,
                1.0,
                asked_country,
                danger=danger.category,
                reason="explicit" if danger.category == "explicit" else "danger",
            )
        if "ELSEWHERE" in places and not places & {"NL", "BE"}:
            return Decision(
                Action.FALLBACK, None, candidates, lang, 0.0, asked_country, reason="elsewhere"
            )
        return self._by_score(scored, candidates, lang, asked_country)

    def _adjust(self, scored: list[Scored], country: str, places: set[str]) -> list[Scored]:
        """Entries for the other country count a little less, unless the message names it."""
        out = []
        for s in scored:
            entry = self.kb.entries[s.entry]
            if country not in entry.countries and not places & set(entry.countries):
                s = Scored(s.entry, s.score * OTHER_COUNTRY_PENALTY, s.phrasing, s.bag, s.fuzz)
            out.append(s)
        out.sort(key=lambda s: s.score, reverse=True)
        return out

    def _by_score(
        self, scored: list[Scored], candidates: tuple[Candidate, ...], lang: str, country: str
    ) -> Decision:
        """Nothing above ``clarify`` → fallback; a clear winner → answer (a confident one needs
        a gap of ``margin`` over the runner-up, a weaker one twice that); otherwise clarify."""
        th = self.thresholds
        top = scored[0] if scored else None
        if top is None or top.score < th.clarify:
            conf = top.score if top else 0.0
            return Decision(
                Action.FALLBACK,
                None,
                candidates,
                lang,
                round(conf, 4),
                country,
                reason="low-confidence",
            )
        second = scored[1].score if len(scored) > 1 else 0.0
        needed_gap = th.margin if top.score >= th.answer else 2 * th.margin
        if top.score - second >= needed_gap:
            entry = self.kb.entries[top.entry]
            action = Action.ESCALATE if entry.escalate else Action.ANSWER
            return Decision(
                action,
                top.entry,
                candidates,
                lang,
                round(top.score, 4),
                country,
                reason="entry" if entry.escalate else None,
            )
        return Decision(
            Action.CLARIFY,
            top.entry,
            candidates,
            lang,
            round(top.score, 4),
            country,
            reason="ambiguous",
        )

    def clarify_options(self, decision: Decision) -> list[str]:
        """The entries a clarify decision offers, best first: those close to the best, 2 or 3."""
        if decision.action != Action.CLARIFY or not decision.candidates:
            return []
        top = decision.candidates[0].score
        close = [
            c.entry
            for c in decision.candidates[:CLARIFY_MAX]
            if top - c.score < 2 * self.thresholds.margin + 0.05
        ]
        return close if len(close) >= 2 else [c.entry for c in decision.candidates[:2]]


def _asked_country(places: set[str], default: str) -> str:
    named = places & {"NL", "BE"}
    if len(named) == 1:
        return next(iter(named))
    return default
