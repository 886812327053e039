"""What the bot writes in the bridge workers' Telegram group, in English or Dutch
(``BRUG_STAFF_LANGUAGE``). Users' own texts are in ``bot/locales``; these are for staff."""

from __future__ import annotations

from bot.languages import LANGUAGES

STAFF_LANGUAGES = ("en", "nl")

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "new_case": "New case #{id}",
        "urgent": "🚨 URGENT",
        "user": "user {user}",
        "reply_hint": "Reply to this message to answer the user.",
        "claim": "Claim",
        "claimed": "Case #{id} claimed by {name}.",
        "sent": "✓ Sent to case #{id}.",
        "erased_nothing_sent": "Case #{id}: the user erased their data; nothing was sent.",
        "erased_by_user": "the user deleted their data (/delete)",
        "erased_by_admin": "an admin erased the user's data at their request",
        "erased": (
            "Case #{id}: {who}. The case, its messages and notes are erased; "
            "nothing more can be sent to this user."
        ),
        "redacted": "Case #{id}: erased at the user's request.",
        "for": "For: {names}",
        "nobody_speaks": "No registered worker speaks {language}: translate or call an interpreter.",
        "team": "Team {team}",
        "team_closed": "closed now; the user was told: from {when}",
        "translation": "Translation ({src} → {dst}, machine):",
        "reason_danger": "danger",
        "reason_explicit": "asked for a person",
        "reason_low-confidence": "the bot was unsure",
        "reason_ambiguous": "the bot was unsure",
        "reason_entry": "a topic that needs a person",
        "reason_feedback": "the answer did not help",
    },
    "nl": {
        "new_case": "Nieuwe casus #{id}",
        "urgent": "🚨 URGENT",
        "user": "gebruiker {user}",
        "reply_hint": "Antwoord op dit bericht om de gebruiker te antwoorden.",
        "claim": "Oppakken",
        "claimed": "Casus #{id} is opgepakt door {name}.",
        "sent": "✓ Verstuurd naar casus #{id}.",
        "erased_nothing_sent": (
            "Casus #{id}: de gebruiker heeft zijn gegevens gewist; er is niets verstuurd."
        ),
        "erased_by_user": "de gebruiker heeft zijn gegevens gewist (/delete)",
        "erased_by_admin": "een beheerder heeft op verzoek de gegevens van de gebruiker gewist",
        "erased": (
            "Casus #{id}: {who}. De casus, de berichten en de notities zijn gewist; "
            "er kan niets meer naar deze gebruiker worden gestuurd."
        ),
        "redacted": "Casus #{id}: gewist op verzoek van de gebruiker.",
        "for": "Voor: {names}",
        "nobody_speaks": (
            "Geen geregistreerde medewerker spreekt {language}: vertaal of schakel een tolk in."
        ),
        "team": "Team {team}",
        "team_closed": "nu gesloten; de gebruiker hoorde: vanaf {when}",
        "translation": "Vertaling ({src} → {dst}, machinaal):",
        "reason_danger": "gevaar",
        "reason_explicit": "vroeg om een mens",
        "reason_low-confidence": "de bot twijfelde",
        "reason_ambiguous": "de bot twijfelde",
        "reason_entry": "een onderwerp dat een mens nodig heeft",
        "reason_feedback": "het antwoord hielp niet",
    },
}

# language names as staff read them
_NAMES = {
    "en": {code: names[1] for code, names in LANGUAGES.items()},
    "nl": {
        "en": "Engels",
        "nl": "Nederlands",
        "pl": "Pools",
        "ro": "Roemeens",
        "bg": "Bulgaars",
        "hu": "Hongaars",
        "lt": "Litouws",
        "lv": "Lets",
        "sk": "Slowaaks",
        "cs": "Tsjechisch",
        "hr": "Kroatisch",
        "uk": "Oekraïens",
    },
}


def sw(lang: str, key: str, **values: object) -> str:
    words = _WORDS.get(lang, _WORDS["en"])
    text = words.get(key, _WORDS["en"].get(key, key))
    return text.format(**values) if values else text


def reason(lang: str, code: str) -> str:
    return sw(lang, f"reason_{code}") if f"reason_{code}" in _WORDS["en"] else code


def language_name(lang: str, code: str | None) -> str:
    if code is None:
        return "?"
    return _NAMES.get(lang, _NAMES["en"]).get(code, code)
