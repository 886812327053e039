import pytest


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("gdzie mam sie zameldowac", "pl"),
        ("cum imi fac asigurare medicala", "ro"),
        ("kak da si izvadya bsn nomer", "bg"),
        ("как да си извадя БСН номер", "bg"),
        ("де можна безкоштовно вчити нідерландську?", "uk"),
        ("hoe vraag ik zorgtoeslag aan", "nl"),
        ("how do i get a bsn", "en"),
        ("hogyan igenyelhetek lakbertamogatast", "hu"),
    ],
)
def test_it_identifies_the_language(engine, text, lang):
    assert engine.langid.identify(text).lang == lang


def test_the_known_language_decides_when_the_text_has_no_evidence(engine):
    assert engine.langid.identify("BSN", prior="ro").lang == "ro"
    assert engine.langid.identify("zorgtoeslag?", prior="bg").lang == "bg"


def test_clear_text_beats_the_prior(engine):
    assert engine.langid.identify("where can I register my address please", prior="pl").lang == "en"
