"""Machine translation for bridge workers (argostranslate, the optional ``translate`` extra).

Models live in a folder of our own (``BRUG_TRANSLATION_DIR``) and are installed from files
only (``brug translate install FILE.argosmodel``), never fetched at run time. A pair without a
direct model goes through English. Official terms (BSN, DigiD, UWV, gemeente…) are protected:
replaced by numbered markers before translating and put back after. Translation is slow
(tens to hundreds of milliseconds) and never runs inside a webhook request.
"""

from __future__ import annotations

import logging
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from bot.lexicon import KEYWORDS

logger = logging.getLogger(__name__)
PIVOT = "en"
_PROTECTED = sorted({*KEYWORDS, "gemeente", "eigen risico", "huisarts"}, key=len, reverse=True)
_PROTECT_RE = re.compile(
    r"\b(" + "|".join(re.escape(t) for t in _PROTECTED) + r")\b", re.IGNORECASE
)


class Translator(Protocol):
    def can(self, src: str, dst: str) -> bool: ...

    def translate(self, text: str, src: str, dst: str) -> str | None: ...


class NoTranslator:
    """No models installed, or the extra is missing: the inbox says translation is unavailable."""

    def can(self, src: str, dst: str) -> bool:
        return False

    def translate(self, text: str, src: str, dst: str) -> str | None:
        return None


def protect(text: str) -> tuple[str, list[str]]:
    terms: list[str] = []

    def mark(m: re.Match[str]) -> str:
        terms.append(m.group(0))
        return f"[{len(terms)}]"

    return _PROTECT_RE.sub(mark, text), terms


def restore(text: str, terms: list[str]) -> str:
    missing = []
    for i, term in enumerate(terms, 1):
        if f"[{i}]" in text:
            text = text.replace(f"[{i}]", term)
        else:
            missing.append(term)
    return text + (f" ({', '.join(dict.fromkeys(missing))})" if missing else "")


class ArgosTranslator:
    def __init__(self, models_dir: Path) -> None:
        self.models_dir = models_dir
        models_dir.mkdir(parents=True, exist_ok=True)
        # argostranslate reads its settings when first imported: one models folder per process
        os.environ["ARGOS_PACKAGES_DIR"] = str(models_dir.resolve())
        import argostranslate.package
        import argostranslate.translate

        self._package = argostranslate.package
        self._translate = argostranslate.translate
        self._languages: dict[str, Any] = {}
        self.reload()

    def reload(self) -> None:
        self._languages = {lang.code: lang for lang in self._translate.get_installed_languages()}
        self._cached.cache_clear()

    def install(self, archive: Path) -> None:
        self._package.install_from_path(str(archive))
        self.reload()

    def pairs(self) -> list[tuple[str, str]]:
        return sorted(
            (src, t.to_lang.code)
            for src, lang in self._languages.items()
            for t in lang.translations_from
        )

    def _direct(self, src: str, dst: str) -> Any:
        lang = self._languages.get(src)
        if lang is None:
            return None
        return next((t for t in lang.translations_from if t.to_lang.code == dst), None)

    def can(self, src: str, dst: str) -> bool:
        if src == dst:
            return False
        return bool(
            self._direct(src, dst) or (self._direct(src, PIVOT) and self._direct(PIVOT, dst))
        )

    def translate(self, text: str, src: str, dst: str) -> str | None:
        if not self.can(src, dst) or not text.strip():
            return None
        return self._cached(text, src, dst)

    @lru_cache(maxsize=4096)  # noqa: B019 - one translator per process, bounded
    def _cached(self, text: str, src: str, dst: str) -> str:
        marked, terms = protect(text)
        direct = self._direct(src, dst)
        if direct is not None:
            out = direct.translate(marked)
        else:
            out = self._direct(PIVOT, dst).translate(self._direct(src, PIVOT).translate(marked))
        return restore(str(out), terms)


def has_models(models_dir: Path) -> bool:
    return models_dir.is_dir() and any(models_dir.glob("*/metadata.json"))


def make_translator(models_dir: Path) -> Translator:
    """Argos when models are installed (importing it costs ~2.5 s and ~350 MB, so only then)."""
    if not has_models(models_dir):
        return NoTranslator()
    try:
        return ArgosTranslator(models_dir)
    except ImportError:
        logger.info("argostranslate is not installed: translation is unavailable")
        return NoTranslator()
