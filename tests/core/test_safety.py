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
        # hunger, threats, confinement, self-harm and robots, in more languages and spellings
        ("we have had nothing to eat since friday", "hunger"),
        ("od wczoraj nie jedlismy nic, dzieci sa glodne", "hunger"),
        ("copiii sunt flamanzi si nu am bani de mancare", "hunger"),
        ("nyamame hrana ot dva dni", "hunger"),
        ("he said he will kill us if we go to the police", "forced-labour"),
        ("brygadzista powiedzial ze zabije nas jak komus powiemy", "forced-labour"),
        ("szef pobil mojego kolege w hali", "violence"),
        ("zamykaji nas na noc v ubytovne, nemuzeme odejit", "forced-labour"),
        ("majitel nam zadrzal pasy a nechce ich vratit", "passport"),
        ("ik krijg mijn paspoort niet terug van het uitzendbureau", "passport"),
        ("chce ze soba skonczyc, nie daje rady", "self-harm"),
        ("vreau sa ma omor, nu mai pot", "self-harm"),
        ("iskam da govorq s 4ovek a ne s robot", "explicit"),
        ("hocu razgovarati s nekim, ne s botom", "explicit"),
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
        "czy musze zawsze nosic dowod przy sobie? wczoraj policja mnie zatrzymala na rowerze",
        "my boss keeps a copy of my passport in the office, is that allowed?",
        "I'm hungry for information about the 30% ruling",
        "this heat is killing me, how many hours may I work in summer?",
        "glad I found this bot, how do I get a BSN?",
        "",
    ],
)
def test_informational_questions_are_not_danger(text):
    assert detect(text) is None


def test_physical_danger_is_urgent_but_a_request_for_a_person_is_not():
    assert detect("my boss beat me")
    assert detect("my boss beat me").urgent
    assert not detect("I want to talk to a person").urgent
