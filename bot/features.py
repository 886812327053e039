"""From text to the sparse features the matcher compares.

A text becomes: word stems (the skeleton's first six and first five letters,
function words dropped), character trigrams of those words (tolerant of typos and
inflection), and official keywords (BSN, DigiD, UWV…) weighted strongly.
"""

from __future__ import annotations

from collections import defaultdict

from bot.countries import is_place
from bot.lexicon import KEYWORDS, STOPWORDS
from bot.normalize import char_ngrams, skeleton_word, words

STEM_WEIGHT = 1.0
STEM_SIZE = 6  # a crude stemmer: the first six letters of the skeleton…
SHORT_STEM_SIZE, SHORT_STEM_WEIGHT = 5, 0.5  # …and five, at half weight, for longer inflections
GRAM_WEIGHT = 0.35
KEYWORD_WEIGHT = 2.5

_KEYWORD_SKELETONS = frozenset(skeleton_word(k) for k in KEYWORDS)
# Dutch compounds hide keywords: "huurwaarborg" holds "waarborg", "zorgverzekering" "verzekering".
_COMPOUND_PARTS = tuple(sorted((k for k in KEYWORDS if len(k) >= 6), key=len, reverse=True))


def content_words(text: str) -> list[str]:
    """Folded words that can carry a topic (no function words, no bare numbers)."""
    return [
        w
        for w in words(text)
        if w not in STOPWORDS and not w.isdigit() and len(w) > 1 and not is_place(w)
    ]


def features(text: str) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for w in content_words(text):
        sk = skeleton_word(w)
        if sk in _KEYWORD_SKELETONS or w in KEYWORDS:
            out["k:" + sk] += KEYWORD_WEIGHT
        elif len(w) > 8:
            for part in _COMPOUND_PARTS:
                if part in w:
                    out["k:" + skeleton_word(part)] += KEYWORD_WEIGHT
                    break
        out["s:" + sk[:STEM_SIZE]] += STEM_WEIGHT
        out["u:" + sk[:SHORT_STEM_SIZE]] += SHORT_STEM_WEIGHT
        if len(sk) > 3:
            for g in char_ngrams(sk):
                out["g:" + g] += GRAM_WEIGHT
    return dict(out)
