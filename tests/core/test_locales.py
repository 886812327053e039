"""Every language has every interface string, with the same placeholders as English."""

import re
import string

import pytest

from bot.i18n import catalogue
from bot.languages import ALL_CODES


def fields(text: object) -> set[str]:
    if not isinstance(text, str):
        return set()
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", ALL_CODES)
def test_every_key_exists_in_every_language_with_the_same_placeholders(lang):
    english, other = catalogue("en"), catalogue(lang)
    assert set(english) == set(other)
    for key, text in english.items():
        assert fields(other[key]) == fields(text), key


def test_the_quick_reply_prompt_is_short_enough_to_be_a_template_variable():
    for lang in ALL_CODES:
        prompt = catalogue(lang)["tap_or_type"]
        assert 0 < len(prompt) <= 255 and not re.search(r"\d", prompt)
