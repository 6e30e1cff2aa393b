"""Figures as people read them: base-unit values in the unit a reader uses, never e-notation."""

from __future__ import annotations

import re

import pytest

from sipkg.figures import plain, readable

UNIT = "https://data.sipac.gov.cn/def/unit/"


@pytest.mark.parametrize(
    "value, unit, zh, en",
    [
        (191e9, "cny", "1910亿元", "RMB 191.0 bn"),
        (20.69e9, "cny", "206.9亿元", "RMB 20.7 bn"),
        (288e6, UNIT + "square-metre", "288平方公里", "288 km²"),
        (288_000, "person", "28.8万人", "288,000 people"),
        (16_196_900, "person", "1619.69万人", "16.2 million people"),
        (1.96e9, "usd", "19.6亿美元", "US$ 1.96 bn"),
        (2e9, "usd", "20亿美元", "US$ 2.0 bn"),
        (85, "percent", "85%", "85%"),
        (5270, "household", "5270户", "5,270 households"),
        (14_000, "metre", "14公里", "14 km"),
        (0.5, "no-such-unit", "0.5", "0.5"),
    ],
)
def test_readable(value, unit, zh, en):
    assert readable(value, unit, "zh") == zh and readable(value, unit, "en") == en


@pytest.mark.parametrize(
    "value, expected", [(1.91e11, "191,000,000,000"), (2.069e10, "20,690,000,000"), (0.35, "0.35")]
)
def test_plain_numbers_are_never_in_e_notation(value, expected):
    assert plain(value) == expected


def test_the_statistics_table_shows_readable_values_and_no_e_notation(client):
    for lang, shown in (("zh", "1910亿元"), ("en", "RMB 191.0 bn")):
        html = client.get("/statistics", query_string={"lang": lang}).get_data(as_text=True)
        assert shown in html and "191,000,000,000" in html
        assert not re.search(r"\d\.?\d*e[+-]\d", html)
    html = client.get("/statistics", query_string={"lang": "en"}).get_data(as_text=True)
    assert "288 km²" in html and "288,000,000 平方米 / Square metre" not in html


def test_chart_bars_carry_readable_values(client):
    data = client.get("/statistics.json", query_string={"lang": "en"}).get_json()
    bars = [b for c in data["charts"] for b in c["bars"]]
    assert all(b["readable"] and not re.search(r"e[+-]\d", b["readable"]) for b in bars)
    assert any(b["readable"] == "RMB 191.0 bn" for b in bars)


def test_headline_figures_name_what_they_are_about(client):
    html = client.get("/", query_string={"lang": "en"}).get_data(as_text=True)
    headline = html[html.index('class="facts headline"') :]
    assert "Suzhou Industrial Park" in headline[:2000] and "288 km²" in headline
    data = client.get("/index.json").get_json()
    assert all(o["about"] and o["readable"] for o in data["headline_statistics"])
