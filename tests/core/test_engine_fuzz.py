"""Fuzzing the engine as `brug ask` and /chat/ask call it: any text — control characters,
right-to-left marks, emoji, lone surrogates, megabytes — gets a well-formed answer, fast."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.asking import ask
from bot.messages import Action

ODD = [
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200b",  # zero-width space
    "\ufeff",  # byte order mark
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\ud800",  # a lone surrogate: JSON can carry one
    "👩‍👩‍👧",
    "🇳🇱",
    "e\u0301\u0301\u0301",  # stacked combining accents
    "ﷺ",
    "𝕭𝕾𝕹",
    "BSN",
    "paszport",
]
any_char = st.characters(codec=None, exclude_categories=())
pieces = st.text(alphabet=any_char, max_size=40) | st.sampled_from(ODD)
texts = st.one_of(
    st.lists(pieces, max_size=12).map("".join),
    # huge: a piece repeated up to a few hundred thousand characters
    st.tuples(pieces, st.integers(1, 20_000)).map(lambda t: t[0] * t[1]),
)
FUZZ = settings(
    max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(
    text=texts,
    lang=st.sampled_from([None, "pl", "ro", "ar", "xx", ""]),
    country=st.sampled_from([None, "NL", "BE"]),
)
@example(text="\ud800A0A", lang=None, country=None)  # crashed the language detector once
@example(text="\u202e" + "paszport " * 50_000, lang="pl", country="NL")
def test_any_text_gets_a_well_formed_answer_in_bounded_time(engine, text, lang, country):
    result = ask(engine, text, lang=lang, country=country)
    assert result["action"] in {a.value for a in Action}
    assert result["lang"] in engine.languages
    assert 0.0 <= result["confidence"] <= 1.0
    assert isinstance(result["reply"], str) and result["reply"].strip()
    if result["action"] == Action.ANSWER.value:
        assert result["entry"] in engine.kb.entries
    json.dumps(result)  # what /chat/ask sends back


@FUZZ
@given(text=texts, hint=st.text(max_size=5) | st.none())
def test_decide_never_raises_whatever_the_language_hint(engine, text, hint):
    decision = engine.decide(text, lang_hint=hint)
    assert decision.action in set(Action)
    assert len(decision.candidates) <= 5
