from bot.normalize import fold, is_meaningful, skeleton, words


def test_cyrillic_and_latin_bulgarian_meet_in_the_skeleton():
    assert skeleton("kak da si izvadya BSN nomer") == skeleton("как да си извадя BSN номер")


def test_bulgarian_chat_digits_become_letters():
    assert skeleton("ne iskam ve4e") == skeleton("не искам вече")
    assert "nishto" in fold("ni6to")


def test_diacritics_are_folded():
    assert words("Gdzie się zameldować? Agenția îmi ia") == [
        "gdzie",
        "sie",
        "zameldowac",
        "agentia",
        "imi",
        "ia",
    ]
    assert fold("Łódź") == "lodz"


def test_a_digit_alone_stays_a_digit():
    assert words("mam 4 dni i 6 godzin") == ["mam", "4", "dni", "i", "6", "godzin"]


def test_emoji_and_punctuation_carry_no_meaning():
    assert not is_meaningful("🙂🙂 ?!")
    assert is_meaningful("ok 🙂")
