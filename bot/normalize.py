"""Text normalisation shared by matching and language identification.

Every text, whether a user's message or a knowledge phrasing, goes through
the same steps, so that spelling variants meet:

1. Unicode NFKC, casefold, emoji and symbols dropped.
2. Cyrillic transliterated to Latin (one scheme for Bulgarian and
   Ukrainian), diacritics folded (``zł`` → ``zl``, ``ă`` → ``a``).
3. Bulgarian "chat Latin" digits inside words (``ve4e``, ``ni6to``).
4. A *skeleton* that merges spellings the transliteration conventions
   disagree on (``zh``/``z``, ``ya``/``ia``/``q``, ``w``/``v``,
   doubled letters), so ``izvadya``, ``izvadia`` and ``извадя`` are equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CYR = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sht",
    "ъ": "a",
    "ь": "",
    "ю": "yu",
    "я": "ya",
    "ѝ": "i",
    "і": "i",
    "ї": "yi",
    "є": "ye",
    "ґ": "g",
    "ё": "yo",
    "ы": "y",
    "э": "e",
}
_SPECIAL = {
    "ł": "l",
    "ø": "o",
    "ß": "ss",
    "đ": "d",
    "æ": "ae",
    "œ": "oe",
    "ı": "i",
    "ð": "d",
    "þ": "th",
    "ŀ": "l",
    "’": "'",
    "‘": "'",
    "`": "'",
    "´": "'",
}
_TRANS = str.maketrans({**_CYR, **_SPECIAL})
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
# Bulgarian typed in Latin letters writes ч as 4 and ш as 6: "4ovek", "ve4e", "6ef", "ka6"
_CHAT_DIGIT_RE = re.compile(
    r"(?<=[a-z])[46](?=[a-z])|(?<=[a-z]{2})[46]\b"
    r"|(?<![a-z0-9])[46](?=[a-z]{2})(?!(?:th|st|nd|rd|am|pm|km|kg|eur|euro|uur|ur|min|ever)\b)"
)
_WORD_RE = re.compile(r"[a-z0-9]+")
_APOSTROPHE_RE = re.compile(r"(?<=[a-z])'(?=[a-z])")
_SKELETON_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"sht", "st"),
        (r"(?<=[a-z])q(?=\b|[^u])", "ia"),
        (r"zh", "j"),
        (r"rz", "z"),
        (r"sz|sh|ś", "s"),
        (r"cz|ch|ts|tz", "c"),
        (r"w", "v"),
        (r"[yj]", "i"),
        (r"ph", "f"),
        (r"ck", "k"),
        (r"x", "ks"),
        (r"([a-z])\1+", r"\1"),
    )
)


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC_RE.search(text))


def fold(text: str) -> str:
    """Casefolded, transliterated, diacritic-free text (spaces and punctuation kept)."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_TRANS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _CHAT_DIGIT_RE.sub(lambda m: "ch" if m.group() == "4" else "sh", text)
    return _APOSTROPHE_RE.sub("", text)


def words(text: str) -> list[str]:
    """Folded words (letters and digits only)."""
    return _WORD_RE.findall(fold(text))


@lru_cache(maxsize=65536)
def skeleton_word(word: str) -> str:
    for pattern, repl in _SKELETON_RULES:
        word = pattern.sub(repl, word)
    return word


def stem(word: str, size: int = 5) -> str:
    """A crude, language-neutral stem: the skeleton's first ``size`` letters."""
    return skeleton_word(word)[:size]


def skeleton(text: str) -> str:
    return " ".join(skeleton_word(w) for w in words(text))


def char_ngrams(word: str, n: int = 3) -> list[str]:
    padded = f" {word} "
    if len(padded) <= n:
        return [padded]
    return [padded[i : i + n] for i in range(len(padded) - n + 1)]


def is_meaningful(text: str) -> bool:
    """True when the text has at least one letter or digit in any script."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)
