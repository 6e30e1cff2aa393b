"""Figures as people read them: a value in base units put in the unit a reader uses.

Pure. The graph keeps values in base units (yuan, square metres, people); pages show them as
Chinese and English readers write them (1910亿元 / RMB 191.0 bn, 288平方公里 / 288 km²,
28.8万人 / 288,000 people), next to the figure as the source wrote it. Never e-notation.
"""

from __future__ import annotations

import math

# unit code -> Chinese steps (divisor, suffix) and English steps, largest first; the last applies to the rest.
ZH: dict[str, list[tuple[float, str]]] = {
    "cny": [(1e8, "亿元"), (1e4, "万元"), (1, "元")],
    "usd": [(1e8, "亿美元"), (1e4, "万美元"), (1, "美元")],
    "sgd": [(1e8, "亿新加坡元"), (1e4, "万新加坡元"), (1, "新加坡元")],
    "person": [(1e8, "亿人"), (1e4, "万人"), (1, "人")],
    "household": [(1e4, "万户"), (1, "户")],
    "item": [(1e4, "万个"), (1, "个")],
    "square-metre": [(1e6, "平方公里"), (1e4, "万平方米"), (1, "平方米")],
    "metre": [(1e3, "公里"), (1, "米")],
    "percent": [(1, "%")],
    "year": [(1, "年")],
    "session": [(1, "场次")],
}
MONEY = {"cny", "usd", "sgd"}
EN: dict[str, list[tuple[float, str]]] = {
    "cny": [(1e9, "RMB {} bn"), (1e6, "RMB {} m"), (1, "RMB {}")],
    "usd": [(1e9, "US$ {} bn"), (1e6, "US$ {} m"), (1, "US$ {}")],
    "sgd": [(1e9, "S$ {} bn"), (1e6, "S$ {} m"), (1, "S$ {}")],
    "person": [(1e6, "{} million people"), (1, "{} people")],
    "household": [(1e6, "{} million households"), (1, "{} households")],
    "item": [(1e6, "{} million"), (1, "{}")],
    "square-metre": [(1e6, "{} km²"), (1, "{} m²")],
    "metre": [(1e3, "{} km"), (1, "{} m")],
    "percent": [(1, "{}%")],
    "year": [(1, "{} years")],
    "session": [(1, "{} sessions")],
}


def plain(value: float) -> str:
    """A number in full, grouped by thousands, without e-notation: 191,000,000,000; 0.35."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def _trim(x: float, places: int, grouped: bool) -> str:
    text = f"{round(x, places):,.{places}f}" if grouped else f"{round(x, places):.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _digits(x: float, money: bool, scaled: bool, zh: bool) -> str:
    """A figure in its step: as few decimals as it needs (1910亿, 288 km², 28.8万), money in English
    scaled with one decimal at least (RMB 191.0 bn), two below ten (US$ 1.96 bn)."""
    places = 1 if abs(x) >= 10 else 2
    if zh:
        return _trim(x, 2, grouped=False)
    if money and scaled:
        text = f"{x:,.{places}f}"
        return text[:-1] if places == 2 and text.endswith("0") else text
    return _trim(x, places if scaled else 2, grouped=True)


def readable(value: float, unit: str, lang: str) -> str:
    """`value` (in the base unit `unit`, a code such as "cny" or an IRI ending in one) as a reader writes it."""
    code = unit.rstrip("/").rpartition("/")[2]
    zh = not lang.startswith("en")
    steps = (ZH if zh else EN).get(code)
    if steps is None or not math.isfinite(value):
        return plain(value)
    for divisor, form in steps:
        if abs(value) >= divisor or divisor == steps[-1][0]:
            text = _digits(value / divisor, code in MONEY, divisor > 1, zh)
            return text + form if zh else form.format(text)
    return plain(value)
