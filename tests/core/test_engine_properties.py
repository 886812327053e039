"""Whatever people send, the engine gives a sensible decision and never crashes."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.messages import Action

odd_inputs = [
    "",
    "   \n\t ",
    "🙂🙂🙂",
    "a" * 10_000,
    "\x00\x01\x02\xff binary",
    "مرحبا كيف حالك",
    "BSN БСН bsn",
    "?" * 500,
    "\u202e\u202d text",
    "𝕳𝖊𝖑𝖑𝖔",
]


@pytest.mark.parametrize("text", odd_inputs)
def test_odd_inputs_get_a_decision(engine, text):
    d = engine.decide(text)
    assert d.action in set(Action)
    assert 0.0 <= d.confidence <= 1.0
    assert len(d.candidates) <= 5


def test_empty_input_falls_back(engine):
    assert engine.decide("").action == Action.FALLBACK
    assert engine.decide("🙂").action == Action.FALLBACK


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=300),
    hint=st.sampled_from([None, "pl", "ro", "bg", "xx"]),
    country=st.sampled_from([None, "NL", "BE"]),
)
def test_any_text_gets_a_well_formed_decision(engine, text, hint, country):
    d = engine.decide(text, lang_hint=hint, country=country)
    assert d.action in set(Action)
    assert d.lang in engine.languages
    assert all(0.0 <= c.score <= 1.0 for c in d.candidates)
    assert [c.score for c in d.candidates] == sorted((c.score for c in d.candidates), reverse=True)
    if d.action == Action.ANSWER:
        assert d.entry in engine.kb.entries
