"""Link codes, links and the strings printed on posters."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import catalogue, t
from bot.languages import ALL_CODES
from bot.posters import find_fonts
from bot.reach import (
    CodeError,
    LinkCode,
    find_marked,
    make_code,
    parse_code,
    prefill,
    prefill_language,
    strip_marked,
    telegram_link,
    whatsapp_link,
    whatsapp_number,
)

PLACES = {"den-haag", "ninove"}
TELEGRAM_START = re.compile(r"[A-Za-z0-9_-]{1,64}")  # Telegram's rule for start parameters
POSTER_KEYS = (
    "whatsapp_prefill",
    "poster_title",
    "poster_body",
    "poster_scan",
    "poster_telegram",
    "poster_whatsapp",
)


def test_an_organisation_code_joins_municipality_and_slug():
    link = make_code("den-haag", "fnv", PLACES)
    assert link == LinkCode("den-haag", "fnv") and link.code == "den-haag--fnv"
    assert parse_code("den-haag--fnv", PLACES) == link
    assert parse_code("den-haag", PLACES) == LinkCode("den-haag")
    assert make_code("ninove", "  Info-Bus ", PLACES).code == "ninove--info-bus"
    assert make_code("ninove", "", PLACES) == LinkCode("ninove")


@pytest.mark.parametrize(
    "org", ["fnv!", "f n v", "info--bus", "-fnv", "fnv-", "x" * 31, "ü", "fnv_2", "a/b"]
)
def test_an_organisation_slug_that_is_no_slug_is_refused(org):
    with pytest.raises(CodeError):
        make_code("den-haag", org, PLACES)


def test_an_unknown_municipality_is_refused():
    with pytest.raises(CodeError, match="unknown municipality"):
        make_code("atlantis", "fnv", PLACES)


@pytest.mark.parametrize(
    "code", ["", "atlantis", "atlantis--fnv", "den-haag--", "den-haag--a--b", "den-haag-fnv"]
)
def test_codes_that_name_no_known_municipality_are_not_links(code):
    assert parse_code(code, PLACES) is None


@given(st.text(max_size=40))
def test_every_code_made_fits_telegrams_start_parameter_and_reads_back(org):
    try:
        link = make_code("den-haag", org, PLACES)
    except CodeError:
        return
    assert TELEGRAM_START.fullmatch(link.code)
    assert parse_code(link.code, PLACES) == link


def test_the_telegram_link_starts_the_bot_with_the_code():
    assert telegram_link("brug_bot", "den-haag--fnv") == "https://t.me/brug_bot?start=den-haag--fnv"


def test_the_whatsapp_link_prefills_a_greeting_with_the_code():
    number = whatsapp_number("whatsapp:+3197010000000")
    assert number == "3197010000000"
    url = urlsplit(whatsapp_link(number, "den-haag--fnv", "bg"))
    assert (url.scheme, url.netloc, url.path) == ("https", "wa.me", "/3197010000000")
    text = parse_qs(url.query)["text"][0]
    assert text == "Здравей, Brug! #den-haag--fnv"
    assert find_marked(text, PLACES) == LinkCode("den-haag", "fnv")
    assert prefill_language(strip_marked(text, LinkCode("den-haag", "fnv")), ALL_CODES) == "bg"


@pytest.mark.parametrize("sender", ["", "whatsapp:", "whatsapp:+31 97", "+abc", "whatsapp:+12"])
def test_a_sender_that_is_no_number_gives_no_whatsapp_link(sender):
    assert whatsapp_number(sender) is None


def test_every_language_has_its_own_poster_strings_and_greeting():
    for lang in ALL_CODES:
        missing = [k for k in POSTER_KEYS if not isinstance(catalogue(lang).get(k), str)]
        assert not missing, (lang, missing)
    greetings = {t(lang, "whatsapp_prefill").casefold() for lang in ALL_CODES}
    assert len(greetings) == len(ALL_CODES)  # the greeting tells which poster it came from
    for lang in ALL_CODES:
        assert prefill_language(t(lang, "whatsapp_prefill"), ALL_CODES) == lang
        assert prefill(f"{lang}-x", lang).endswith(f" #{lang}-x")


def test_the_poster_font_has_every_letter_of_every_poster():
    regular, _ = find_fonts()
    cmap = TTFont(str(regular))["cmap"].getBestCmap()
    for lang in ALL_CODES:
        keys = (*POSTER_KEYS, "emergency_numbers_nl", "emergency_numbers_be")
        text = "".join(t(lang, k) for k in keys)
        missing = sorted({ch for ch in text if ord(ch) not in cmap and not ch.isspace()})
        assert not missing, (lang, missing)
