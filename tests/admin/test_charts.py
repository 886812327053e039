"""The SVG charts: well-formed, labelled for screen readers, escaped, proportional."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from bot.admin.charts import OTHER, PALETTE, Bar, hbars, nice_ceiling, stacked_days

NS = "{http://www.w3.org/2000/svg}"
DAYS = [date(2026, 3, 1) + timedelta(days=i) for i in range(3)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # fails on anything that is not well-formed XML


def test_a_stacked_day_chart_is_an_image_with_a_title_and_a_bar_per_value():
    svg = parse(stacked_days("Messages per day", DAYS, {"pl": [4, 0, 2], "ro": [1, 3, 0]}))
    assert svg.get("role") == "img" and svg.get("aria-label") == "Messages per day"
    assert svg.find(f"{NS}title").text == "Messages per day"
    assert (
        svg.find(f"{NS}desc").text == "10 in all, 2026-03-01 to 2026-03-03; most on 2026-03-01: 5"
    )
    bars = [r for r in svg.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert [b.find(f"{NS}title").text for b in bars] == [
        "2026-03-01 pl: 4",
        "2026-03-01 ro: 1",
        "2026-03-02 ro: 3",
        "2026-03-03 pl: 2",
    ]
    # heights on one scale: the tallest day (5) against a top of 5, in a 160 px plot
    assert [float(b.get("height")) for b in bars] == [128.0, 32.0, 96.0, 64.0]
    assert {b.get("fill") for b in bars} == {PALETTE[0], PALETTE[1]}
    assert [t.text for t in svg.iter(f"{NS}text")][:2] == ["pl", "ro"]  # the legend


def test_labels_are_escaped_and_long_ones_shortened():
    evil = '<script>alert("x")</script>&'
    svg_text = hbars(evil, [Bar(evil, 1, "1 & 2"), Bar("x" * 80, 2, "2")])
    assert "<script>" not in svg_text
    svg = parse(svg_text)
    assert svg.get("aria-label") == evil
    texts = [t.text for t in svg.iter(f"{NS}text")]
    assert texts[0] == evil and texts[1] == "1 & 2"
    assert texts[2] == "x" * 37 + "…"  # the whole label stays in the bar's title
    assert [g.find(f"{NS}title").text for g in svg.iter(f"{NS}g")][1] == "x" * 80 + ": 2"
    parse(stacked_days(evil, DAYS, {evil: [1, 2, 3]}))


def test_horizontal_bars_are_as_long_as_their_share_of_the_maximum():
    svg = parse(hbars("Rates", [Bar("answer", 62.5, "62.5 %"), Bar("none", 0, "0 %")], 100))
    fills = [r.get("width") for r in svg.iter(f"{NS}rect") if r.get("fill") != "#eef0f3"]
    assert fills == ["62.5%", "0%"]
    svg = parse(hbars("Top", [Bar("a", 4, "4"), Bar("b", 1, "1")]))
    fills = [r.get("width") for r in svg.iter(f"{NS}rect") if r.get("fill") != "#eef0f3"]
    assert fills == ["100%", "25%"]
    assert svg.get("height") == "68"


def test_more_languages_than_colours_share_one_other_colour():
    series = {f"l{i}": [12 - i] for i in range(12)}
    svg = parse(stacked_days("Many", DAYS[:1], series))
    legend = [t.text for t in svg.iter(f"{NS}text")][:9]
    assert legend == [f"l{i}" for i in range(8)] + ["other"]
    bars = [r for r in svg.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert bars[-1].find(f"{NS}title").text == "2026-03-01 other: 10"  # 4 + 3 + 2 + 1
    assert bars[-1].get("fill") == OTHER
    assert len({b.get("fill") for b in bars}) == 9


def test_the_scale_ends_on_a_round_number():
    assert [nice_ceiling(v) for v in (0, 1, 3, 10, 11, 48, 120, 501)] == [
        1,
        1,
        5,
        10,
        20,
        50,
        200,
        1000,
    ]
