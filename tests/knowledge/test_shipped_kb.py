"""The shipped knowledge base meets the content contract."""

from datetime import date

from bot.kbcheck import check
from bot.knowledge import REQUIRED_IDS, TIER2_ANSWER_IDS
from bot.languages import ALL_CODES, CORE_LANGUAGES


def test_it_has_no_errors(shipped_kb):
    errors = [str(f) for f in check(shipped_kb, today=date.today()) if f.level == "error"]
    assert errors == []


def test_every_required_entry_is_curated_in_the_core_languages(shipped_kb):
    for rid in REQUIRED_IDS:
        entry = shipped_kb.entries[rid]
        assert entry.sources and entry.reviewed
        for lang in CORE_LANGUAGES:
            tr = entry.translations[lang]
            assert tr.answer and tr.question and len(tr.alternates) >= 6, (rid, lang)


def test_the_most_asked_entries_are_answered_in_every_language(shipped_kb):
    for rid in TIER2_ANSWER_IDS:
        for lang in ALL_CODES:
            assert shipped_kb.entries[rid].translations[lang].answer, (rid, lang)


def test_both_starting_municipalities_have_overlays(shipped_kb):
    assert {"den-haag", "ninove"} <= set(shipped_kb.overlays)
    assert shipped_kb.overlays["den-haag"].country == "NL"
    assert shipped_kb.overlays["ninove"].country == "BE"


def test_no_machine_status_without_a_machine(shipped_kb):
    assert not [
        e.id
        for e in shipped_kb.entries.values()
        for t in e.translations.values()
        if t.status == "machine"
    ]
