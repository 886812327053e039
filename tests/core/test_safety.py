import pytest

from bot.safety import detect


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("szef zabral mi paszport i mowi ze nie oddam dopoki nie splace dlugu", "passport"),
        ("шефът ми взе паспорта и не ми го връща", "passport"),
        ("my husband hit me again last night", "violence"),
        ("I don't want to live anymore", "self-harm"),
        ("ne iskam ve4e da jiveq", "self-harm"),
        ("nu am unde sa dorm in seara asta, e frig", "homeless"),
        ("the boss says he will call the police and deport us if we complain", "forced-labour"),
        ("chce rozmawiac z czlowiekiem, nie z botem", "explicit"),
        ("I want to talk to a real person", "explicit"),
    ],
)
def test_it_recognises_danger_in_many_languages(text, category):
    danger = detect(text)
    assert danger is not None
    assert danger.category == category


@pytest.mark.parametrize(
    "text",
    [
        "is it legal that my employer keeps a copy of my passport?",
        "gdzie jest noclegownia w hadze?",
        "how much rent may the agency deduct from my wage",
        "czy jest ktos kto mowi po polsku? nie pilne",
        "Как да чета фиша за заплата и защо ми удържат пари?",
        "",
    ],
)
def test_informational_questions_are_not_danger(text):
    assert detect(text) is None


def test_physical_danger_is_urgent_but_a_request_for_a_person_is_not():
    assert detect("my boss beat me")
    assert detect("my boss beat me").urgent
    assert not detect("I want to talk to a person").urgent
