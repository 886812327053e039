"""Which language a message is written in.

Off-the-shelf detectors (lingua) are good on text with its diacritics but
mistake Bulgarian typed in Latin letters for Croatian and carry no evidence
on keyword-only messages. So the verdict combines three signals:

- words: how specific each folded word is to a language's vocabulary,
  learned from the knowledge base itself (Bulgarian and Ukrainian texts are
  transliterated, so Latin-letter Bulgarian finds its words) plus function
  words;
- lingua's confidence on the original text (diacritics are evidence);
- the user's known language as a prior, decisive when the message carries
  no evidence ("bsn?", "kinderbijslag").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.lexicon import FUNCTION_WORDS, KEYWORDS
from bot.normalize import fold, has_cyrillic

_WORD = re.compile(r"[a-z]+")
_UK_LETTERS = re.compile(r"[іїєґІЇЄҐ]")
_BG_LETTERS = re.compile(r"[ъщЪЩѝ]")
_UK_ONLY_WORDS = frozenset(
    ["що", "як", "де", "чи", "який", "яка", "яке", "мені", "мене", "роботодавець", "ви"]
)
_BG_CHAT = re.compile(r"[a-z][46q][a-z]|[a-z]q\b|\bq[a-z]")


@dataclass(frozen=True, slots=True)
class LangGuess:
    lang: str
    confidence: float
    evidence: float  # how much the text itself said (0 = nothing, decided by the prior)


class LanguageIdentifier:
    """Built once per knowledge base; ``identify`` is pure and fast."""

    def __init__(self, languages: Iterable[str], texts: Mapping[str, Iterable[str]]) -> None:
        self.languages = tuple(languages)
        vocab: dict[str, set[str]] = {
            lang: set(FUNCTION_WORDS.get(lang, ())) for lang in self.languages
        }
        for lang, items in texts.items():
            if lang in vocab:
                for text in items:
                    vocab[lang].update(w for w in _WORD.findall(fold(text)) if len(w) > 1)
        owners: dict[str, list[str]] = {}
        for lang, words in vocab.items():
            for w in words:
                if w not in KEYWORDS:
                    owners.setdefault(w, []).append(lang)
        n = len(self.languages)
        # weight of a word for each language that has it: rare across languages = strong.
        self._weights: dict[str, tuple[tuple[str, float], ...]] = {}
        for w, langs in owners.items():
            base = math.log((n + 1) / len(langs))
            boost = 1.5 if any(w in FUNCTION_WORDS.get(lang, ()) for lang in langs) else 1.0
            self._weights[w] = tuple((lang, base * boost) for lang in langs)
        self._detector = _lingua(self.languages)

    def identify(self, text: str, prior: str | None = None) -> LangGuess:
        prior = prior if prior in self.languages else None
        scores = dict.fromkeys(self.languages, 0.0)
        words = [w for w in _WORD.findall(fold(text)) if w not in KEYWORDS]
        cyrillic = has_cyrillic(text)
        for w in words:
            for lang, weight in self._weights.get(w, ()):
                scores[lang] += weight
        evidence = sum(scores.values())
        if cyrillic:
            # Only Bulgarian and Ukrainian are written in Cyrillic here.
            for lang in scores:
                if lang not in ("bg", "uk"):
                    scores[lang] = -1e9
            if _UK_LETTERS.search(text) or any(w in _UK_ONLY_WORDS for w in text.lower().split()):
                scores["uk"] = scores.get("uk", 0.0) + 6.0
            if _BG_LETTERS.search(text):
                scores["bg"] = scores.get("bg", 0.0) + 6.0
        elif "bg" in scores and _BG_CHAT.search(text.casefold()):
            scores["bg"] += 4.0
        if self._detector is not None and len(words) >= 2 and not cyrillic:
            for lang, conf in self._lingua_confidences(text):
                if lang in scores:
                    scores[lang] += 2.5 * conf
        if prior:
            scores[prior] += 1.2 + (0.0 if evidence else 5.0)
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        if not evidence and not prior:
            return LangGuess("en", 0.0, 0.0)
        best, second = ranked[0], ranked[1] if len(ranked) > 1 else (None, 0.0)
        margin = best[1] - second[1]
        confidence = 1.0 - math.exp(-max(margin, 0.0) / 2.0)
        return LangGuess(best[0], round(confidence, 3), round(evidence, 3))

    def _lingua_confidences(self, text: str) -> list[tuple[str, float]]:
        assert self._detector is not None
        values = self._detector.compute_language_confidence_values(text)
        return [(v.language.iso_code_639_1.name.lower(), float(v.value)) for v in values[:3]]


def _lingua(languages: tuple[str, ...]):  # type: ignore[no-untyped-def]
    try:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
    except ImportError:  # pragma: no cover - lingua is a declared dependency
        return None
    langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in languages]
    if len(langs) < 2:
        return None
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()
