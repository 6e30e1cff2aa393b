"""Quantities with units in a sentence: 1910亿元, 约1106万平方米, 4~6个, 200余家, 增长10%.

Values are converted to a base unit (cny, square-metre, person, year …) with Decimal
arithmetic; what was written stays in `text` and `stated_unit`. Years (2013年), dates,
ordinals (第二位), names (十八大, “三集中”, 《…三年计划》) and codes (津B2-20080229-1,
phone numbers) are not quantities.

Also read: densities (1,472人/平方公里: a count per unit of area, `per` says which), shares
in words (近六成 60%, 超一半 50%), amounts after a currency sign (¥23,958.34亿), counts of
administrative divisions without a measure word (5市辖区), a citation marker between a number
and its unit (663.7[1]万人). A conversion in brackets right after a figure (45平方公里(17平方英里))
is the same figure, not another one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from sipkg.build.extract.numbers import (
    CHINESE_NUMERAL_CHARS,
    DIGITS,
    RANGE_SEPARATOR,
    continues_code,
    inside,
    opaque_spans,
    parse_number,
    plain,
)


@dataclass(frozen=True)
class Quantity:
    start: int  # code-point offsets of the whole expression, qualifier and unit included
    end: int
    text: str
    value: Decimal  # in the base unit; the low end of a range
    upper: Decimal | None  # the high end of a range, in the base unit
    unit: str  # base unit code, "" for a bare number (常住人口约76.2万)
    stated_unit: str  # as written, multiplier included: 亿元, 万平方米, 个, %
    approximation: str | None  # about, nearly, more-than, at-least, at-most, less-than, or None
    kind: str  # amount, percent, growth, decline
    per: str | None = None  # the denominator of a density as written (平方公里 in 1,472人/平方公里)


def _units(base: str, factor: Fraction | int, *names: str) -> dict[str, tuple[str, Fraction]]:
    return {name: (base, Fraction(factor)) for name in names}


# stated unit -> (base unit, factor to the base unit)
UNITS: dict[str, tuple[str, Fraction]] = {
    **_units("cny", 1, "元"),
    **_units("usd", 1, "美元"),
    **_units("eur", 1, "欧元"),
    **_units("hkd", 1, "港元", "港币"),
    **_units("jpy", 1, "日元"),
    **_units("sgd", 1, "新元", "新加坡元"),
    **_units("gbp", 1, "英镑"),
    **_units("square-metre", 10**6, "平方公里", "平方千米", "km²"),
    **_units("square-metre", 10**4, "公顷"),
    **_units("square-metre", 1, "平方米", "平米", "㎡", "m²"),
    **_units("square-metre", Fraction(2000, 3), "亩"),
    **_units("metre", 1000, "公里", "千米", "km"),
    **_units("metre", 1, "米"),
    **_units("kilogram", 1000, "吨"),
    **_units("kilogram", 1, "公斤", "千克"),
    **_units("percent", 1, "%", "％", "百分之"),
    **_units("cny", 1, "¥", "￥"),
    **_units("percentage-point", 1, "个百分点", "百分点"),
    **_units(
        "item",
        1,
        "个",
        "项",
        "家",
        "支",
        "所",
        "座",
        "处",
        "套",
        "批",
        "张",
        "条",
        "件",
        "种",
        "类",
        "台",
        "辆",
        "栋",
        "幢",
        "间",
        "对",
    ),
    # administrative divisions counted without a measure word (5市辖区、4县级市), Arabic digits only
    **_units("item", 1, "市辖区", "县级市", "地级市", "自治县", "县", "镇", "乡"),
    **_units("person", 1, "名", "人", "人次", "位"),
    **_units("household", 1, "户"),
    **_units("session", 1, "场次", "场"),
    **_units("occurrence", 1, "次"),
    **_units("year", 1, "年", "周年", "岁", "周岁"),
    **_units("month", 1, "个月"),
    **_units("week", 1, "周", "星期", "个星期"),
    **_units("day", 1, "天", "日", "工作日", "个工作日"),
    **_units("hour", 1, "小时", "个小时"),
    **_units("minute", 1, "分钟"),
    **_units("times", 1, "倍"),
}
TIME_UNITS = {"year", "month", "week", "day", "hour", "minute"}
# 一个社区 / 一批项目 / 一次拆迁: a lone 一 before a measure word is the indefinite article
COUNT_UNITS = {"item", "person", "household", "session", "occurrence"}
# 二元结构, 二次创业, 三次产业: a digit without place value before 元/次 is part of a word
WORD_FORMING_UNITS = {"元", "次"}
# hedges written before the number (约76.2万, 超800亿美元) and after it (200余家, 30%左右)
HEDGES_BEFORE = {
    "约": "about",
    "大约": "about",
    "约为": "about",
    "近": "nearly",
    "将近": "nearly",
    "接近": "nearly",
    "超": "more-than",
    "超过": "more-than",
    "逾": "more-than",
    "不少于": "at-least",
    "不低于": "at-least",
    "至少": "at-least",
    "不超过": "at-most",
    "最多": "at-most",
    "不足": "less-than",
    "不到": "less-than",
    "少于": "less-than",
}
HEDGES_AFTER = {
    "左右": "about",
    "上下": "about",
    "余": "more-than",
    "多": "more-than",
    "有余": "more-than",
    "以上": "more-than",
    "以下": "at-most",
    "以内": "at-most",
    "之内": "at-most",
    "内": "at-most",
}

PERCENT_PREFIX = "百分之"  # 百分之八十五: a unit written before its number
CURRENCY_SIGNS = ("¥", "￥")  # ¥23,958.34亿: so is a currency sign
PREFIX_UNITS = {PERCENT_PREFIX, *CURRENCY_SIGNS}
NOUN_UNITS = {
    "市辖区",
    "县级市",
    "地级市",
    "自治县",
    "县",
    "镇",
    "乡",
}  # the unit is what is counted
# 三年级, 90年代, 年龄, 年轻: 年 starting another word is not a unit; 对于, 对象, 1对1 are not pairs
_NOT_AFTER_UNIT = {
    "年": "级代龄纪轻",
    "对": "于象话接外口应比待照称策标0-9一二三四五六七八九十",
    "县": "城委级域",
    "镇": "区街政",
    "乡": "镇村土亲",
}
_UNIT = "|".join(
    re.escape(u) + (f"(?![{_NOT_AFTER_UNIT[u]}])" if u in _NOT_AFTER_UNIT else "")
    for u in sorted(UNITS, key=len, reverse=True)
    if u not in PREFIX_UNITS
)
# 1,472人/平方公里, 2,420人每平方公里: a density; its denominator is an area unit
_PER = re.compile(r"\s?(?:/|每)\s?(?P<per>平方公里|平方千米|km²|平方米|㎡|公顷)")
# 45平方公里(17平方英里): a conversion of the figure before, in brackets
_CONVERSION = re.compile(r"\s?[(（]\s?[约]?[0-9０-９][^()（）]{0,30}[)）]")
# 近六成, 超一半, 半数以上: shares in words
_SHARE = re.compile(
    r"(?P<tenths>[一二三四五六七八九])成(?![为立功员本果熟就长都交型效绩片套批群年人事语不份分])"
    r"|(?<![另多大小前后上下])(?P<half>一半|半数)"
)
_CN_DIGITS = "".join(DIGITS)
_CN_START = "".join(c for c, v in DIGITS.items() if v) + "十"  # not 〇/零: 零件, 零售
_NUMERAL = re.compile(
    r"(?P<arabic>(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9０-９]+)(?:[.．][0-9０-９]+)?)"
    rf"|(?P<chinese>[{_CN_START}][{CHINESE_NUMERAL_CHARS}]*(?:点[{_CN_DIGITS}]+[万亿]*)?"
    r"|(?<=百分之)百)"
)
# 10多项, 1000多万元, 8.1万余人, 1万多亿元: 余/多 before, inside or after the multiplier;
# 663.7[1]万人: a citation marker between the number and its unit
_TAIL = (
    r"(?:\[\d{1,3}\])?(?P<more>[余多])?(?P<mult>[十百千万亿]*)(?P<more2>[余多])?(?P<mult2>[万亿]*)"
)
_TAIL_WITH_UNIT = re.compile(rf"{_TAIL}\s?(?P<unit>{_UNIT})")
_TAIL_BARE = re.compile(_TAIL)
_RANGE = re.compile(RANGE_SEPARATOR)
_BEFORE = re.compile("(?:" + "|".join(sorted(HEDGES_BEFORE, key=len, reverse=True)) + ")$")
_AFTER = re.compile("|".join(sorted(HEDGES_AFTER, key=len, reverse=True)))
_LONGEST_HEDGE = max(map(len, HEDGES_BEFORE))
_NOT_ABOUT = "节制预签合条契邀相公履"  # 节约, 制约, 预约 … are words, not 约 "about"
_NOT_NEARLY = "最附靠邻就临亲贴"  # 最近, 附近 … are words, not 近 "nearly"
_VAGUE = "几数"  # 几十年, 数十家: tens of, not ten
# 比上年增长10%, 年均增长30%左右, 增幅为8%; but 增长到100亿元 is a level, not a change
_GROWTH = re.compile(
    r"(?:(?:增长|增加|提高|提升|上升|上涨|攀升|扩大|增)了?|(?:增幅|增速|涨幅|增长率)(?:为|达)?)$"
)
_DECLINE = re.compile(
    r"(?:(?:下降|减少|降低|下滑|回落|下跌|缩小|缩减|降|减)了?|(?:降幅|跌幅)(?:为|达)?)$"
)


class _Reading(NamedTuple):
    """One numeral with what follows it: multiplier, 余/多, unit."""

    numeral: str
    multiplier: str
    more: str
    unit: str | None
    end: int
    chinese: bool

    @property
    def value(self) -> Decimal | None:
        return parse_number(self.numeral + self.multiplier)


def find_quantities(sentence: str) -> list[Quantity]:
    """Every quantity in the sentence, sorted by start, non-overlapping (longest reading wins)."""
    names = opaque_spans(sentence)
    found: list[Quantity] = []
    skip = 0  # the end of the last figure, or of the conversion in brackets after it
    for m in _NUMERAL.finditer(sentence):
        if m.start() < skip:
            continue
        q = _quantity_at(sentence, m, names, found[-1].end if found else 0)
        if q is not None:
            found.append(q)
            conversion = _CONVERSION.match(sentence, q.end) if q.unit else None
            skip = conversion.end() if conversion else q.end
    shares = [
        s
        for s in _shares(sentence, names)
        if not any(q.start < s.end and s.start < q.end for q in found)
    ]
    return sorted(found + shares, key=lambda q: q.start)


def _shares(sentence: str, names: list[tuple[int, int]]) -> list[Quantity]:
    """近六成 (60 percent), 超一半 / 半数以上 (50 percent): shares written in words."""
    found = []
    for m in _SHARE.finditer(sentence):
        start, end = m.start(), m.end()
        if inside(names, start) or (start and sentence[start - 1] in CHINESE_NUMERAL_CHARS + "第"):
            continue
        value = Decimal(DIGITS[m["tenths"]] * 10) if m["tenths"] else Decimal(50)
        approximation = None
        after = _AFTER.match(sentence, end)
        if after and _after_applies(after.group(), "percent"):
            approximation, end = HEDGES_AFTER[after.group()], after.end()
        before = _BEFORE.search(sentence, max(0, start - _LONGEST_HEDGE), start)
        if before and _before_applies(sentence, before, "percent"):
            approximation, start = HEDGES_BEFORE[before.group()], before.start()
        found.append(
            Quantity(
                start,
                end,
                sentence[start:end],
                value,
                None,
                "percent",
                m.group(),
                approximation,
                _kind(sentence[max(0, start - 5) : start], "percent"),
            )
        )
    return found


def _read(sentence: str, m: re.Match[str]) -> _Reading:
    numeral, multiplier = m.group(), ""
    chinese = m.group("chinese") is not None
    if chinese and numeral.rstrip("万亿"):  # 五万人: 万 goes with the unit, as in 5万人
        numeral = numeral.rstrip("万亿")
        multiplier = m.group()[len(numeral) :]
    tail = _TAIL_WITH_UNIT.match(sentence, m.end()) or _TAIL_BARE.match(sentence, m.end())
    return _Reading(
        numeral=numeral,
        multiplier=multiplier + tail["mult"] + tail["mult2"],
        more=tail["more"] or tail["more2"] or "",
        unit=tail.groupdict().get("unit"),
        end=tail.end(),
        chinese=chinese,
    )


def _quantity_at(
    sentence: str, m: re.Match[str], names: list[tuple[int, int]], floor: int
) -> Quantity | None:
    start = m.start()
    if inside(names, start) or _part_of_code_or_ordinal(sentence, m):
        return None
    low = _read(sentence, m)
    high = _range_end(sentence, low)
    last = high or low
    unit = last.unit
    if unit is None and sentence.endswith(PERCENT_PREFIX, 0, start):
        unit, start = PERCENT_PREFIX, start - len(PERCENT_PREFIX)
    elif unit is None and start and sentence[start - 1] in CURRENCY_SIGNS:
        unit, start = sentence[start - 1], start - 1
    base, factor = UNITS[unit] if unit else ("", Fraction(1))
    if not _plausible(sentence, low, high, unit, base):
        return None

    end = last.end
    per = _PER.match(sentence, end) if base in COUNT_UNITS else None
    if per:
        end = per.end()
    approximation = HEDGES_AFTER[last.more] if last.more else None
    after = _AFTER.match(sentence, end)
    if after and _after_applies(after.group(), base):
        approximation = approximation or HEDGES_AFTER[after.group()]
        end = after.end()
    before = _BEFORE.search(sentence, max(floor, start - _LONGEST_HEDGE), start)
    if before and _before_applies(sentence, before, base):
        approximation = HEDGES_BEFORE[before.group()]
        start = before.start()

    if unit is None and not high:
        # a bare number counts only when it is large (约76.2万, 三万) or an Arabic number
        # that is multiplied or hedged (3千, 约300); 十八大 and 一是 are not quantities
        large = bool(set(low.multiplier) & set("万亿"))
        if not (large or (not low.chinese and (low.multiplier or approximation))):
            return None
    value, upper = low.value, high.value if high else None
    if high and not low.multiplier:
        value = parse_number(low.numeral + high.multiplier)
    if value is None or (high and (upper is None or upper < value)):
        return None
    return Quantity(
        start=start,
        end=end,
        text=sentence[start:end],
        value=_to_base(value, factor),
        upper=_to_base(upper, factor) if upper is not None else None,
        unit=base,
        stated_unit=unit + last.multiplier
        if unit in CURRENCY_SIGNS
        else last.multiplier + (unit or ""),
        approximation=approximation,
        kind=_kind(sentence[max(0, start - 5) : start], base),
        per=per["per"] if per else None,
    )


def _range_end(sentence: str, low: _Reading) -> _Reading | None:
    """The high end of 5~8年, 4-6个, 三至五年, 5万至8万人, 3年至5年, if the numeral starts one."""
    sep = _RANGE.match(sentence, low.end)
    if not sep:
        return None
    m = _NUMERAL.match(sentence, sep.end())
    if not m:
        return None
    high = _read(sentence, m)
    if not (high.unit or high.multiplier) or (low.unit is not None and low.unit != high.unit):
        return None
    return high


def _part_of_code_or_ordinal(sentence: str, m: re.Match[str]) -> bool:
    """津B2-…, 第二位, 万一, 几十年, 数十家: the numeral continues a code, an ordinal, a
    word or a vague count."""
    if m.start() == 0:
        return False
    before = sentence[m.start() - 1]
    return (
        continues_code(sentence, m.start())
        or before == "第"
        or before in CHINESE_NUMERAL_CHARS
        or (m.group("chinese") is not None and before in _VAGUE)
    )


def _plausible(
    sentence: str, low: _Reading, high: _Reading | None, unit: str | None, base: str
) -> bool:
    """Rejects readings that are years, days of a month, words or articles, not measurements."""
    readings = [low, high] if high else [low]
    if unit == "年" and any(_looks_like_year(r) for r in readings):
        return False
    if unit == "日" and not sentence.startswith(("内", "以内", "之内"), (high or low).end):
        return False  # 25日 is a day of the month; 15日内 is a duration
    if unit == "位" and sentence.startswith("数", (high or low).end):
        return False  # 两位数增长: digits, not persons
    if unit in NOUN_UNITS and any(r.chinese for r in readings):
        return False  # 三县, 一镇: words and names; 5市辖区 counts
    if unit in WORD_FORMING_UNITS and any(
        r.chinese and not set(r.numeral + r.multiplier) & set("十百千万亿") for r in readings
    ):
        return False
    return not (high is None and base in COUNT_UNITS and low.numeral == "一" and not low.multiplier)


def _looks_like_year(r: _Reading) -> bool:
    value = parse_number(r.numeral)
    return (
        not r.multiplier
        and len(r.numeral) == 4
        and value is not None
        and 1000 <= value <= 2999
        and value == int(value)
    )


def _after_applies(word: str, base: str) -> bool:
    if word in ("多", "余", "有余", "内"):
        return base in TIME_UNITS  # 3年多, 一年有余, 15日内 (but not 5个多元化)
    return True


def _before_applies(sentence: str, before: re.Match[str], base: str) -> bool:
    word = before.group()
    preceding = sentence[before.start() - 1] if before.start() else " "
    if word == "约" and preceding in _NOT_ABOUT:
        return False
    if word == "近":
        # 最近3年, 附近; and 近3年 / 近五年来 is "the last three years", not "nearly"
        return preceding not in _NOT_NEARLY and base not in TIME_UNITS
    return True


def _kind(preceding: str, base: str) -> str:
    """A change (增长10%, 下降3.2%, 增加3.2万人) or a level (85%, 1910亿元)."""
    if _GROWTH.search(preceding):
        return "growth"
    if _DECLINE.search(preceding):
        return "decline"
    return "percent" if base in ("percent", "percentage-point") else "amount"


def _to_base(value: Decimal, factor: Fraction) -> Decimal:
    return plain(value * factor.numerator / factor.denominator)
