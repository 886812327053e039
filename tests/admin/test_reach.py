"""/admin/reach: links, QR codes and posters per municipality and organisation, with arrivals."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import segno
from PIL import Image
from pypdf import PdfReader

from bot.reach import prefill
from bot.storage.models import ArrivalStat
from tests.admin.conftest import add_personas, login_as
from tests.channels.conftest import Harness, build_harness, run
from tests.channels.test_journeys import Channel

BOT = "brug_bot"
NUMBER = "3197010000000"  # the harness's TWILIO_WHATSAPP_FROM, digits only
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
A4 = (595.28, 841.89)  # points


@pytest.fixture
def reach(tmp_path: Path, engine: Any, request: pytest.FixtureRequest) -> Iterator[Harness]:
    """The real app with the bot's Telegram username set, and the personas (the municipalities
    come from the shipped knowledge base's overlays). SQLite, or PostgreSQL when asked."""
    extra = {"TELEGRAM_BOT_USERNAME": f"@{BOT}"}
    if getattr(request, "param", "sqlite") == "postgres":
        extra["DATABASE_URL"] = request.getfixturevalue("postgres_url")
    with build_harness(tmp_path, engine, **extra) as h:
        add_personas(h)
        yield h
        h.app.state.service.sessions.kw["bind"].dispose()


def get(h: Harness, path: str, user: str | None = "eddie"):
    return get_all(h, [path], user)[0]


def get_all(h: Harness, paths: list[str], user: str | None = "eddie") -> list[Any]:
    async def scenario():
        async with h.client() as c:
            if user:
                await login_as(c, user)
            return [await c.get(path) for path in paths]

    return run(scenario(), h)


def test_the_page_has_both_links_a_qr_code_and_posters_per_municipality(reach):
    page = get(reach, "/admin/reach")
    assert page.status_code == 200
    for key in ("den-haag", "ninove"):
        assert f"https://t.me/{BOT}?start={key}" in page.text
        assert f"https://wa.me/{NUMBER}?text={quote(prefill(key, 'en'), safe='')}" in page.text
        for lang in ("en", "nl", "pl", "ro", "bg", "uk"):
            assert f"/admin/reach/poster/{key}-{lang}.pdf" in page.text
        assert f"/admin/reach/qr/{key}.png?channel=telegram" in page.text
        assert f"/admin/reach/qr/{key}.svg?channel=whatsapp" in page.text
    assert page.text.count("<svg") == 4  # an inline QR code per link
    assert "Den Haag" in page.text and "Ninove" in page.text


def test_the_form_makes_an_organisation_link(reach):
    page = get(reach, "/admin/reach?municipality=den-haag&org=fnv")
    assert page.status_code == 200
    assert f"https://t.me/{BOT}?start=den-haag--fnv" in page.text
    assert 'class="new" id="code-den-haag--fnv"' in page.text
    assert "/admin/reach/poster/den-haag--fnv-pl.pdf" in page.text


def test_a_bad_organisation_link_is_refused_with_a_reason(reach):
    queries = ["municipality=den-haag&org=FNV%21", "municipality=atlantis&org=fnv", "org=fnv"]
    for page in get_all(reach, [f"/admin/reach?{q}" for q in queries]):
        assert page.status_code == 400
        assert 'role="alert"' in page.text
        assert 'class="new"' not in page.text  # no link was made


def test_the_png_is_the_qr_code_of_the_telegram_link(reach):
    res = get(reach, "/admin/reach/qr/den-haag--fnv.png?channel=telegram")
    assert res.status_code == 200 and res.headers["content-type"] == "image/png"
    assert res.content.startswith(PNG_SIGNATURE)
    expected = segno.make(f"https://t.me/{BOT}?start=den-haag--fnv", error="m", micro=False)
    image = Image.open(io.BytesIO(res.content))
    image.load()
    assert image.size == expected.symbol_size(scale=10, border=4)
    # module by module: the picture is the symbol (quiet zone of 4 modules, 10 px each)
    gray = image.convert("L")
    for r, row in enumerate(expected.matrix):
        for c, dark in enumerate(row):
            assert (gray.getpixel((40 + 10 * c + 5, 40 + 10 * r + 5)) < 128) == bool(dark)
    assert "attachment" in res.headers["content-disposition"]


def test_the_svg_is_an_svg_document(reach):
    res = get(reach, "/admin/reach/qr/ninove.svg?channel=whatsapp&lang=pl")
    assert res.status_code == 200 and res.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(res.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    link = f"https://wa.me/{NUMBER}?text={quote(prefill('ninove', 'pl'), safe='')}"
    width, _ = segno.make(link, error="m", micro=False).symbol_size(scale=10, border=4)
    assert root.get("width", "").removesuffix("px") == str(width)
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == link


@pytest.mark.parametrize(
    ("name", "place", "phrases"),
    [
        ("den-haag-bg.pdf", "Den Haag", ["Brug ще ти помогне", "Пиши ни в WhatsApp", "112"]),
        ("ninove--info-bus-pl.pdf", "Ninove", ["Napisz na Telegramie", "@brug_bot", "101"]),
    ],
)
def test_the_poster_is_one_a4_page_with_the_place_and_the_text(reach, name, place, phrases):
    res = get(reach, f"/admin/reach/poster/{name}")
    assert res.status_code == 200 and res.headers["content-type"] == "application/pdf"
    assert res.content.startswith(b"%PDF-")
    pdf = PdfReader(io.BytesIO(res.content))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == A4
    text = " ".join(pdf.pages[0].extract_text().split())
    assert place in text
    for phrase in phrases:
        assert phrase in text


NOT_FOUND_OR_BAD = {
    "/admin/reach/qr/atlantis.png?channel=telegram": 404,
    "/admin/reach/qr/den-haag--FNV.png?channel=telegram": 404,
    "/admin/reach/qr/den-haag.gif?channel=telegram": 404,
    "/admin/reach/qr/den-haag.png": 400,
    "/admin/reach/qr/den-haag.png?channel=signal": 400,
    "/admin/reach/qr/den-haag.png?channel=whatsapp&lang=xx": 400,
    "/admin/reach/poster/den-haag-xx.pdf": 404,
    "/admin/reach/poster/den-haag.pdf": 404,
    "/admin/reach/poster/atlantis-en.pdf": 404,
    "/admin/reach/poster/den-haag-en.png": 404,
}


def test_unknown_codes_and_languages_are_not_found_and_bad_input_is_refused(reach):
    paths = list(NOT_FOUND_OR_BAD)
    got = {path: res.status_code for path, res in zip(paths, get_all(reach, paths), strict=True)}
    assert got == NOT_FOUND_OR_BAD


AREA_PATHS = [
    "/admin/reach",
    "/admin/reach/qr/den-haag.png?channel=telegram",
    "/admin/reach/poster/den-haag-en.pdf",
]


def test_a_worker_may_not_and_a_stranger_is_sent_to_log_in(reach):
    assert [r.status_code for r in get_all(reach, AREA_PATHS, user="wim")] == [403] * 3
    for res in get_all(reach, AREA_PATHS, user=None):
        assert res.status_code == 303
        assert res.headers["location"].startswith("/inbox/login?next=/admin/reach")
    assert [r.status_code for r in get_all(reach, AREA_PATHS, user="ada")] == [200] * 3


@pytest.mark.parametrize(
    "reach", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_arrivals_are_counted_per_link_for_30_days_and_all_time(reach):
    with reach.app.state.service.sessions() as s:
        old = reach.now.date() - timedelta(days=40)
        s.add(ArrivalStat(day=old, source="den-haag--fnv", channel="telegram"))
        s.add(ArrivalStat(day=old, source="gone--x", channel="whatsapp"))
        s.commit()

    async def scenario():
        async with reach.client() as c:
            await Channel("telegram", reach, c).say("/start den-haag--fnv")
            await Channel("telegram", reach, c).say("/start den-haag--fnv")  # twice: once
            await Channel("whatsapp", reach, c).say(prefill("den-haag--fnv", "ro"))
            await login_as(c, "eddie")
            return await c.get("/admin/reach")

    page = run(scenario(), reach)
    row = page.text.split('id="code-den-haag--fnv"', 1)[1].split("</tr>", 1)[0]
    counts = [cell.split("</td>")[0] for cell in row.split('<td class="num"')[1:]]
    assert [c.rsplit(">", 1)[1] for c in counts] == ["2", "3"]  # 30 days, all time
    assert "telegram: 2" in row and "whatsapp: 1" in row
    assert "gone--x" in page.text  # a code whose municipality is gone still shows its count


def test_without_a_bot_username_the_page_says_how_to_set_it(admin_harness):
    page = get(admin_harness, "/admin/reach")
    assert page.status_code == 200
    assert "TELEGRAM_BOT_USERNAME" in page.text and "https://t.me/" not in page.text
    assert get(admin_harness, "/admin/reach/qr/den-haag.png?channel=telegram").status_code == 409
    poster = get(admin_harness, "/admin/reach/poster/den-haag-nl.pdf")  # WhatsApp only
    assert poster.status_code == 200
    text = PdfReader(io.BytesIO(poster.content)).pages[0].extract_text()
    assert "Chat via WhatsApp" in text and "Telegram" not in text
