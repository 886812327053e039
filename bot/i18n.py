"""The bot's interface strings, from ``bot/locales/<lang>.yaml``.

A missing string falls back to English, never to a key name, so a
half-translated language still works. Channels never hard-code text.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.languages import ALL_CODES

LOCALES_DIR = Path(__file__).parent / "locales"


class _Default(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@cache
def catalogue(lang: str) -> dict[str, Any]:
    path = LOCALES_DIR / f"{lang}.yaml"
    if lang not in ALL_CODES or not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data if isinstance(data, dict) else {}


def t(lang: str, key: str, **values: Any) -> str:
    """The string ``key`` in ``lang`` (English when missing), formatted with ``values``."""
    text = catalogue(lang).get(key)
    if not isinstance(text, str):
        text = catalogue("en").get(key)
    if not isinstance(text, str):
        raise KeyError(f"no interface string {key!r}")
    return text.rstrip("\n").format_map(_Default(values))


def keywords(lang: str) -> dict[str, list[str]]:
    """Command words users type instead of slash commands (WhatsApp), plus English ones."""
    out: dict[str, list[str]] = {}
    for code in dict.fromkeys((lang, "en")):
        for command, words in (catalogue(code).get("keywords") or {}).items():
            out.setdefault(command, []).extend(str(w).casefold() for w in words or [])
    return out


def available() -> list[str]:
    return [code for code in ALL_CODES if catalogue(code)]
