"""Which country a message speaks of: the Netherlands, Belgium, or elsewhere."""

from __future__ import annotations

from bot.normalize import words

_MENTIONS: dict[str, tuple[str, ...]] = {
    "NL": (
        "netherland",
        "holland",
        "nederland",
        "olanda",
        "olandia",
        "holandi",
        "hollandi",
        "niderland",
        "nizozem",
        "nyderland",
        "nizozemsk",
        "gollandi",
        "niderlandi",
        "holandsk",
        "holandii",
        "holandia",
        "amsterdam",
        "rotterdam",
        "roterdam",
        "haag",
        "hadze",
        "hage",
        "utrecht",
        "eindhoven",
        "westland",
        "naaldwijk",
        "venlo",
        "tilburg",
        "groningen",
        "almere",
        "breda",
    ),
    "BE": (
        "belgi",
        "belgie",
        "belgium",
        "belgia",
        "belgii",
        "belgic",
        "belgiu",
        "belgija",
        "belgiy",
        "flanders",
        "vlaanderen",
        "flandr",
        "brussel",
        "bruksel",
        "brukse",
        "bruxelles",
        "antwerp",
        "antwerpen",
        "anvers",
        "gent",
        "ghent",
        "ninove",
        "leuven",
        "brugge",
        "mechelen",
        "aalst",
        "vlaams",
        "vlaamse",
        "walloni",
    ),
}
# Countries Brug has no knowledge of: a question about them is out of scope.
_ELSEWHERE = (
    "german",
    "niemc",
    "niemiec",
    "germani",
    "germaniy",
    "nemeck",
    "nemack",
    "nemcij",
    "nimechchyn",
    "nemetorszag",
    "vokietij",
    "vacij",
    "deutschland",
    "duitsland",
    "england",
    "anglia",
    "london",
    "londra",
    "londyn",
    "britain",
    "britani",
    "anglii",
    "angliei",
    "angliya",
    "franc",
    "francj",
    "frantsi",
    "austri",
    "austria",
    "italy",
    "itali",
    "spain",
    "hiszpan",
    "spani",
    "ispani",
    "norway",
    "norveg",
    "norweg",
    "sweden",
    "szwecj",
    "ireland",
    "irlandi",
)


def is_place(word: str) -> bool:
    """A folded word that names a country or town: evidence of place, not of topic."""
    return len(word) > 3 and any(
        word.startswith(p) for p in (*_MENTIONS["NL"], *_MENTIONS["BE"], *_ELSEWHERE)
    )


def mentioned(text: str) -> set[str]:
    """'NL', 'BE' and/or 'ELSEWHERE' for the countries a message names."""
    found: set[str] = set()
    for w in words(text):
        for code, prefixes in _MENTIONS.items():
            if any(w.startswith(p) for p in prefixes):
                found.add(code)
        if len(w) > 3 and any(w.startswith(p) for p in _ELSEWHERE):
            found.add("ELSEWHERE")
    return found
