"""The journeys of the core, on the shipped knowledge base."""

from bot.asking import ask
from bot.messages import Action


def test_ania_gets_the_brp_answer_in_polish_without_diacritics(engine):
    d = engine.decide("gdzie mam sie zameldowac i co zabrac", country="NL")
    assert (d.action, d.entry, d.lang) == (Action.ANSWER, "registration.brp", "pl")


def test_ivan_in_latin_letters_is_bulgarian_not_croatian(engine):
    result = ask(engine, "kak da si izvadya bsn nomer", lang=None, country="NL")
    assert result["lang"] == "bg"
    assert result["entry"] == "registration.bsn"
    assert any("\u0400" <= ch <= "\u04ff" for ch in result["reply"])  # answered in Cyrillic


def test_a_single_ambiguous_word_asks_which_one_is_meant(engine):
    d = engine.decide("ubezpieczenie", lang_hint="pl", country="NL")
    assert d.action == Action.CLARIFY
    offered = engine.clarify_options(d)
    assert 2 <= len(offered) <= 3
    assert all(e.startswith("insurance.") for e in offered)


def test_a_held_passport_escalates_at_once_with_emergency_numbers(engine):
    result = ask(
        engine,
        "szef zabral mi paszport i mowi ze nie oddam dopoki nie splace dlugu",
        lang=None,
        country="NL",
    )
    assert result["action"] == "escalate"
    assert result["entry"] == "contracts.exploitation"
    assert "112" in result["reply"]


def test_an_unknown_question_gets_an_honest_fallback_in_polish(engine):
    result = ask(
        engine, "jak przerejestrowac samochod na holenderskie tablice", lang=None, country="NL"
    )
    assert result["action"] == "fallback"
    assert result["lang"] == "pl"
    assert "Przepraszam" in result["reply"] or "przepraszam" in result["reply"]


def test_a_question_about_another_country_is_out_of_scope(engine):
    d = engine.decide("jak zalozyc dzialalnosc w niemczech i ile sie tam placi podatku?")
    assert d.action == Action.FALLBACK


def test_the_users_country_picks_the_belgian_answer(engine):
    nl = ask(engine, "minimum wage", lang="en", country="NL")
    be = ask(engine, "minimum wage", lang="en", country="BE")
    assert nl["entry"] == be["entry"] == "contracts.minimum-wage"
    assert nl["reply"] != be["reply"]


def test_an_answer_missing_in_the_users_language_comes_in_english_with_a_note(engine, shipped_kb):
    entry = next(
        e
        for e in shipped_kb.entries.values()
        if "hu" in e.translations and not e.translations["hu"].answer
    )
    question = entry.translations["hu"].question
    result = ask(engine, question, lang="hu", country=entry.countries[0])
    assert result["entry"] == entry.id
    assert entry.translations["en"].answer.splitlines()[0][:40] in result["reply"]
    assert "English" in result["reply"] or "angol" in result["reply"].lower()


def test_keyword_only_messages_keep_the_users_language(engine):
    d = engine.decide("kinderbijslag", lang_hint="pl", country="NL")
    assert d.lang == "pl"
    assert d.entry == "benefits.child-benefit"
