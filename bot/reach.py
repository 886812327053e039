"""Link codes: how people arrive from a desk's poster, QR code or link with a municipality set.

A code is a municipality key (``den-haag``) or a municipality key and an organisation slug
joined by ``--`` (``den-haag--fnv``). Codes fit Telegram's start parameter (``[A-Za-z0-9_-]``,
at most 64 characters); we only make lower-case ones. On Telegram the code arrives as
``/start <code>``; on WhatsApp as ``#<code>`` in a prefilled first message. Pure functions:
no settings, no storage.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from bot.i18n import t

SEPARATOR = "--"
MAX_CODE = 64
MAX_ORG = 30
MARKER = "#"  # WhatsApp: the code follows this sign in the prefilled message
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MARKED = re.compile(r"#([a-z0-9-]{1,64})(?![a-z0-9-])")


class CodeError(ValueError):
    """An organisation slug or code that cannot be a link code; the message says why."""


@dataclass(frozen=True)
class LinkCode:
    municipality: str
    org: str | None = None

    @property
    def code(self) -> str:
        return f"{self.municipality}{SEPARATOR}{self.org}" if self.org else self.municipality


def make_code(municipality: str, org: str, municipalities: Collection[str]) -> LinkCode:
    """The link code for an organisation at a municipality, or :class:`CodeError`."""
    if municipality not in municipalities:
        raise CodeError(f"unknown municipality {municipality!r}")
    org = org.strip().lower()
    if not org:
        return LinkCode(municipality)
    if len(org) > MAX_ORG or not _SLUG.fullmatch(org):
        raise CodeError(
            f"the organisation must be 1–{MAX_ORG} lower-case letters, digits and single "
            "hyphens (e.g. fnv or info-bus)"
        )
    link = LinkCode(municipality, org)
    if len(link.code) > MAX_CODE:
        raise CodeError(f"the code {link.code!r} is longer than {MAX_CODE} characters")
    return link


def parse_code(code: str, municipalities: Collection[str]) -> LinkCode | None:
    """The link behind ``code`` when it names a known municipality; None otherwise."""
    if not code or len(code) > MAX_CODE:
        return None
    code = code.lower()
    if code in municipalities:
        return LinkCode(code)
    municipality, sep, org = code.rpartition(SEPARATOR)
    if sep and municipality in municipalities and _SLUG.fullmatch(org) and len(org) <= MAX_ORG:
        return LinkCode(municipality, org)
    return None


def find_marked(text: str, municipalities: Collection[str]) -> LinkCode | None:
    """The first ``#<code>`` in a message that names a known municipality."""
    for token in _MARKED.findall(text.casefold()):
        link = parse_code(token, municipalities)
        if link is not None:
            return link
    return None


def strip_marked(text: str, link: LinkCode) -> str:
    """The message without its ``#<code>``: what the person wrote or the prefilled greeting."""
    pattern = re.compile(re.escape(MARKER + link.code) + r"(?![a-z0-9-])", re.IGNORECASE)
    return " ".join(pattern.sub(" ", text).split())


def prefill(code: str, lang: str) -> str:
    """The first WhatsApp message a link fills in: a greeting in ``lang`` and the code."""
    return f"{t(lang, 'whatsapp_prefill')} {MARKER}{code}"


def prefill_language(greeting: str, languages: Iterable[str]) -> str | None:
    """The language whose prefilled greeting this is (the message minus its code), if any."""
    folded = greeting.casefold().strip()
    if not folded:
        return None
    for lang in languages:
        if t(lang, "whatsapp_prefill").casefold() == folded:
            return lang
    return None


# ---- links ------------------------------------------------------------------------------------


def whatsapp_number(sender: str) -> str | None:
    """The digits wa.me wants from a Twilio sender such as ``whatsapp:+3197010000000``."""
    digits = sender.strip().removeprefix("whatsapp:").strip().removeprefix("+")
    return digits if digits.isdigit() and 8 <= len(digits) <= 15 else None


def telegram_link(username: str, code: str) -> str:
    return f"https://t.me/{username}?start={code}"


def whatsapp_link(number: str, code: str, lang: str) -> str:
    return f"https://wa.me/{number}?text={quote(prefill(code, lang), safe='')}"
