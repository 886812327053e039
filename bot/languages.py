"""The languages Brug speaks, with the names their speakers use."""

from __future__ import annotations

# ISO 639-1 code -> (native name, English name). Order is the menu order.
LANGUAGES: dict[str, tuple[str, str]] = {
    "pl": ("Polski", "Polish"),
    "ro": ("Română", "Romanian"),
    "bg": ("Български", "Bulgarian"),
    "hu": ("Magyar", "Hungarian"),
    "lt": ("Lietuvių", "Lithuanian"),
    "lv": ("Latviešu", "Latvian"),
    "sk": ("Slovenčina", "Slovak"),
    "cs": ("Čeština", "Czech"),
    "hr": ("Hrvatski", "Croatian"),
    "uk": ("Українська", "Ukrainian"),
    "nl": ("Nederlands", "Dutch"),
    "en": ("English", "English"),
}

ALL_CODES: tuple[str, ...] = tuple(LANGUAGES)

# Every required entry is curated in these; the others are tier 2.
CORE_LANGUAGES: tuple[str, ...] = ("en", "nl", "pl", "ro", "bg")

CYRILLIC_LANGUAGES = frozenset({"bg", "uk"})

COUNTRIES: dict[str, str] = {"NL": "Nederland", "BE": "België"}


def native_name(code: str) -> str:
    return LANGUAGES.get(code, (code, code))[0]


def is_supported(code: str | None) -> bool:
    return code in LANGUAGES
