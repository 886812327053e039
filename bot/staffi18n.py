"""The staff's web pages (inbox and admin) in English or Dutch (``BRUG_STAFF_LANGUAGE``).

The catalogue is keyed by the English text: ``bot/locales/staff/<lang>.yaml`` maps an English
source string to its translation. ``words(lang)`` gives the ``_(text, **values)`` the views and
templates use; a string without a translation stays English (never a key), and ``{name}``
placeholders are filled after the lookup. Errors raised with a template (``BrugError(template,
**values)``) are translated the same way by ``error_text``. Posts in the Telegram staff group
are in ``bot/staffwords.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.errors import BrugError

CATALOGUE_DIR = Path(__file__).parent / "locales" / "staff"
STAFF_LANGUAGES = ("en", "nl")

Words = Callable[..., str]


@cache
def catalogue(lang: str) -> dict[str, str]:
    """English source text -> translation, read once per language ({} for English)."""
    path = CATALOGUE_DIR / f"{lang}.yaml"
    if lang not in STAFF_LANGUAGES or not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str) and v.strip()}


def translate(lang: str, text: str, /, **values: Any) -> str:
    """``text`` (English) in ``lang``, formatted with ``values``; English when untranslated."""
    found = catalogue(lang).get(text, text)
    return found.format(**values) if values else found


def words(lang: str) -> Words:
    """The ``_(text, **values)`` function for one staff language."""

    def _(text: str, /, **values: Any) -> str:
        return translate(lang, text, **values)

    return _


def error_text(_: Words, exc: BaseException) -> str:
    """What to show staff for an error, through their ``_``: its template translated, else its
    English message."""
    if isinstance(exc, BrugError) and exc.template is not None:
        return _(exc.template, **exc.values)
    return str(exc)


_MONTHS = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
}


def format_date(lang: str, at: date, fmt: str) -> str:
    """``strftime`` with the month's short name (``%b``) in the staff language."""
    months = _MONTHS.get(lang)
    if months is not None and "%b" in fmt:
        fmt = fmt.replace("%b", months[at.month - 1])
    return at.strftime(fmt)
