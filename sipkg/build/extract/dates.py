"""Dates in a sentence at the precision they are stated: 1994年 (gYear), 1994年2月
(gYearMonth), 2014年7月25日 (date), with ranges (2013-2015年), qualifiers (2013年底,
2011年起, 截至…) and relative expressions (同年5月, 去年, 昨天) resolved against the
publication date or the year last mentioned."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sipkg.build.extract.numbers import (
    CHINESE_NUMERAL_CHARS,
    RANGE_SEPARATOR,
    continues_code,
    inside,
    opaque_spans,
    parse_number,
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    value: str  # ISO lexical form: "1994", "1994-02", "2014-07-25"
    datatype: str  # gYear, gYearMonth or date
    end_value: str | None  # the end of a range (2013-2015年)
    # a relation (since, until, before, after, approximate) and/or a part of the period
    # (end-of, start-of, early, middle, late, first-half, second-half), space-separated
    # when both are stated: 截至2013年底 -> "until end-of"
    qualifier: str | None
    relative: bool  # resolved against the reference date or the context year


DATATYPES = {1: "gYear", 2: "gYearMonth", 3: "date"}

_D = "[0-9０-９]"
_CN_MONTH = "十[一二]?|[一二三四五六七八九]"
_CN_DAY = "三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]"
_ISO = re.compile(rf"({_D}{{4}})([-/.])({_D}{{1,2}})\2({_D}{{1,2}})(?![0-9０-９])")
_BCE_YEAR = re.compile(rf"公元前({_D}{{1,4}})年")  # 公元前514年: ISO year -0513 (1 BC is 0000)
# 27/5/2018: day, month, year, read only where the day cannot be a month (above 12)
_DMY = re.compile(rf"(?<![0-9０-９/])({_D}{{1,2}})/({_D}{{1,2}})/({_D}{{4}})(?![0-9０-９/])")
_YEAR = re.compile(rf"({_D}{{4}}|[一二][〇零一二三四五六七八九]{{3}})年(?!代)")
_YEAR_RANGE = re.compile(rf"({_D}{{4}}){RANGE_SEPARATOR}({_D}{{4}})年(?!代)")
_MONTH_NUMBER = rf"{_D}{{1,2}}|{_CN_MONTH}"
_MONTH = re.compile(rf"({_MONTH_NUMBER})月份?")
_MONTH_RANGE = re.compile(rf"({_MONTH_NUMBER}){RANGE_SEPARATOR}({_MONTH_NUMBER})月份?")
_DAY = re.compile(rf"({_D}{{1,2}}|{_CN_DAY})[日号]")
_DAY_RANGE = re.compile(rf"({_D}{{1,2}}){RANGE_SEPARATOR}({_D}{{1,2}})[日号]")
_BARE_DAY = re.compile(rf"({_D}{{1,2}})日(?!内|以内|之内|游)")
_RANGE = re.compile(RANGE_SEPARATOR)
# a year in brackets after a label, the year a figure is for: 建成区(2019)477.63平方公里, HDI(2016)
_BRACKETED_YEAR = re.compile(r"(?<=[\u4e00-\u9fffA-Za-z])[(\uff08]((?:1[5-9]|20)[0-9]{2})[)\uff09]")

YEAR_PARTS = {
    "年底": "end-of",
    "年末": "end-of",
    "底": "end-of",
    "末": "end-of",
    "年初": "start-of",
    "初": "start-of",
    "上半年": "first-half",
    "下半年": "second-half",
}
MONTH_PARTS = {
    "上旬": "early",
    "中旬": "middle",
    "下旬": "late",
    "初": "start-of",
    "底": "end-of",
    "末": "end-of",
}
# relative years: offset from the reference year (deictic) or from the year last mentioned
DEICTIC_YEARS = {"今年": 0, "本年": 0, "去年": -1, "前年": -2, "明年": 1}
CONTEXT_YEARS = {"同年": 0, "当时": 0, "当年": 0, "次年": 1, "翌年": 1, "上年": -1}
RELATIVE_MONTHS = {"上月": -1, "上个月": -1, "本月": 0, "下月": 1, "下个月": 1}
RELATIVE_DAYS = {"昨天": -1, "昨日": -1, "今天": 0, "今日": 0, "明天": 1, "前天": -2}
PREFIXES = {
    "截止到": "until",
    "截止至": "until",
    "截至": "until",
    "截止": "until",
    "到": "until",
    "至": "until",
    "自从": "since",
    "自": "since",
    "从": "since",
}
SUFFIXES = {
    "以来": "since",
    "至今": "since",
    "起": "since",
    "开始": "since",
    "以后": "after",
    "之后": "after",
    "以前": "before",
    "之前": "before",
    "前后": "approximate",
    "左右": "approximate",
    "为止": "until",
    "止": "until",
}


def _alternation(words, lookahead: str = "") -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")" + lookahead)


_YEAR_PART = _alternation(YEAR_PARTS)
_BARE_YEAR_PART = _alternation(w for w in YEAR_PARTS if len(w) > 1)
_MONTH_PART = _alternation(MONTH_PARTS)
_REL_YEAR = _alternation([*DEICTIC_YEARS, *CONTEXT_YEARS], "(?![龄级纪])")
_REL_MONTH = _alternation(RELATIVE_MONTHS)
_REL_DAY = _alternation(RELATIVE_DAYS)
_PREFIX = _alternation(PREFIXES)
# the keys of SUFFIXES; 起草, 起诉, 止步 … are other words
_SUFFIX = re.compile(
    r"以来|至今|开始|以后|之后|以前|之前|前后|左右|为止|起(?![草诉步源点飞义])|止(?!步)"
)
# 1994年开发建设以来: "since" closing a short clause that a year opens
_LATER_SINCE = re.compile(r"[^,，。;；、:：0-9０-９]{1,8}?以来")
# 到/至 mean "until" where a clause opens (,到2014年底将…; 即日起至2020年5月8日)
_CLAUSE_OPENING = re.compile(r"(?:^|[\s,，。;；:：(（]|起)$")
_EVERY_MONTH = re.compile(r"(?:每个?月的?|月)$")  # 每月15日 recurs; 13月5日 is no date


_Parts = tuple[int | None, int | None, int | None]  # year, month, day
_LEAP_YEAR = 2000  # checks a day of a month whose year is not known yet (29 February)


@dataclass
class _Point:
    """Components of one date as read, before they are turned into ISO text."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    end: _Parts | None = None  # the end of a range: 2013-2015年, 1-3月, 25-27日
    part: str | None = None
    relative: bool = False
    resolvable: bool = True


@dataclass
class _Scan:
    sentence: str
    reference: date | None  # the day relative words count from (None: unknown)
    context_year: int | None
    year: int | None  # the year the text speaks from (去年, 今年)


def find_dates(
    sentence: str,
    reference: date | None = None,
    context_year: int | None = None,
    written: int | None = None,
) -> list[DateMention]:
    """Every date in the sentence, sorted by start and non-overlapping.

    `reference` is the publication date (for 去年, 昨天, 上月); `context_year` the year of
    the last absolute date before this sentence (for 同年5月, 5月, 年底); `written` the year
    the text was written when that is known to differ from its page date: year words
    (去年, 今年) then count from it, and day or month words (昨天, 上月), which would need
    the day it was written, are left unresolved. A relative expression that cannot be
    resolved is skipped.
    """
    year = written if written is not None else (reference.year if reference else None)
    if written is not None and reference is not None and reference.year != written:
        reference = None
    scan = _Scan(sentence, reference, context_year, year)
    names = opaque_spans(sentence)
    found: list[DateMention] = []
    i = 0
    while i < len(sentence):
        mention, end = _mention_at(scan, i) if not inside(names, i) else (None, i)
        if end > i:
            if mention is not None:
                found.append(mention)
            i = end
        else:
            i += 1
    for m in _BRACKETED_YEAR.finditer(sentence):  # 建成区(2019), 人口(2023): an infobox's year
        if not inside(names, m.start()) and not any(
            d.start < m.end() and m.start() < d.end for d in found
        ):
            found.append(
                DateMention(
                    m.start(1), m.end(1), m.group(1), m.group(1), "gYear", None, None, False
                )
            )
    return sorted(found, key=lambda d: d.start)


def _mention_at(scan: _Scan, i: int) -> tuple[DateMention | None, int]:
    s = scan.sentence
    prefix = _PREFIX.match(s, i)
    if prefix and prefix.group() in ("到", "至") and not _CLAUSE_OPENING.search(s, i - 1, i):
        return None, i  # 增加到2020年的1900家: 到 belongs to the verb
    parsed = _point(scan, prefix.end() if prefix else i)
    if parsed is None:
        return None, i
    point, end = parsed
    relation = PREFIXES[prefix.group()] if prefix else None
    begin = i
    second = _range_second(scan, point, end)
    if second is not None:
        point.end, end = second
        relation = None if relation == "since" else relation  # 从2011年到2013年 is a range
    suffix = _SUFFIX.match(s, end)
    if suffix and (suffix.group() != "开始" or relation == "since"):
        relation = relation or SUFFIXES[suffix.group()]
        end = suffix.end()
    elif relation is None and point.end is None and _LATER_SINCE.match(s, end):
        relation = "since"
    if not point.resolvable:
        return None, end
    if point.year is not None:
        scan.context_year = point.end[0] if point.end and point.end[0] else point.year
    qualifier = " ".join(q for q in (relation, point.part) if q) or None
    value, datatype = _iso(point.year, point.month, point.day)
    end_value = _iso(*point.end)[0] if point.end else None
    return DateMention(
        begin, end, s[begin:end], value, datatype, end_value, qualifier, point.relative
    ), end


def _point(scan: _Scan, i: int) -> tuple[_Point, int] | None:
    """The date starting exactly at i, or None."""
    s = scan.sentence
    if i >= len(s) or _continues_code_or_word(s, i):
        return None
    if m := _ISO.match(s, i):
        y, mo, d = (int(parse_number(g)) for g in m.group(1, 3, 4))
        return (_Point(y, mo, d), m.end()) if _valid(y, mo, d) else None
    if m := _DMY.match(s, i):
        d, mo, y = (int(parse_number(g)) for g in m.groups())
        return (_Point(y, mo, d), m.end()) if d > 12 and _valid(y, mo, d) else None
    if m := _BCE_YEAR.match(s, i):
        return _Point(1 - int(parse_number(m.group(1)))), m.end()
    if m := _YEAR_RANGE.match(s, i):
        first, last = int(parse_number(m.group(1))), int(parse_number(m.group(2)))
        return (_Point(first, end=(last, None, None)), m.end()) if first < last else None
    if m := _YEAR.match(s, i):
        return _after_year(scan, _Point(int(parse_number(m.group(1)))), m.end())
    if m := _REL_YEAR.match(s, i):
        return _after_year(scan, _relative_year(scan, m.group()), m.end())
    if m := _REL_MONTH.match(s, i):
        point = _relative_month(scan, m.group())
        return _after_month(scan, point, m.end())
    if m := _REL_DAY.match(s, i):
        if scan.reference is None:
            return _Point(resolvable=False), m.end()
        d = scan.reference + timedelta(days=RELATIVE_DAYS[m.group()])
        return _Point(d.year, d.month, d.day, relative=True), m.end()
    if m := _BARE_YEAR_PART.match(s, i):
        year = _fallback_year(scan)
        point = _Point(year, part=YEAR_PARTS[m.group()], relative=True, resolvable=year is not None)
        return point, m.end()
    if _MONTH.match(s, i) or _MONTH_RANGE.match(s, i):
        year = _fallback_year(scan)
        point = _Point(year, relative=True, resolvable=year is not None)
        return _month(scan, point, i)
    m = _BARE_DAY.match(s, i)
    if m and scan.reference is not None and not _EVERY_MONTH.search(s, max(0, i - 4), i):
        day, ref = int(parse_number(m.group(1))), scan.reference
        month_start = ref.replace(day=1)
        if day > ref.day:  # a news report tells what has happened: 28日 read on the 3rd
            month_start = (month_start - timedelta(days=1)).replace(day=1)
        if _valid(month_start.year, month_start.month, day):
            return _Point(month_start.year, month_start.month, day, relative=True), m.end()
    return None


def _after_year(scan: _Scan, point: _Point, i: int) -> tuple[_Point, int]:
    """2013年 followed by 底/初/上半年, or by a month (and a day)."""
    if m := _YEAR_PART.match(scan.sentence, i):
        point.part = YEAR_PARTS[m.group()]
        return point, m.end()
    return _month(scan, point, i) or (point, i)


def _month(scan: _Scan, point: _Point, i: int) -> tuple[_Point, int] | None:
    s = scan.sentence
    if m := _MONTH_RANGE.match(s, i):
        first, last = _month_number(m.group(1)), _month_number(m.group(2))
        if first and last and first < last:
            point.month, point.end = first, (point.year, last, None)
            return point, m.end()
    m = _MONTH.match(s, i)
    if not m or not _month_number(m.group(1)):
        return None
    point.month = _month_number(m.group(1))
    return _after_month(scan, point, m.end())


def _after_month(scan: _Scan, point: _Point, i: int) -> tuple[_Point, int]:
    """7月 followed by 上旬/底/初, or by a day or a range of days."""
    s = scan.sentence
    if m := _DAY_RANGE.match(s, i):
        first, last = int(parse_number(m.group(1))), int(parse_number(m.group(2)))
        if first < last and _valid(point.year or _LEAP_YEAR, point.month, last):
            point.day, point.end = first, (point.year, point.month, last)
            return point, m.end()
    m = _DAY.match(s, i)
    if m and _valid(point.year or _LEAP_YEAR, point.month, int(parse_number(m.group(1)))):
        point.day = int(parse_number(m.group(1)))
        return point, m.end()
    if m := _MONTH_PART.match(s, i):
        point.part = MONTH_PARTS[m.group()]
        return point, m.end()
    return point, i


def _range_second(scan: _Scan, first: _Point, i: int) -> tuple[_Parts, int] | None:
    """The end of 2013年至2015年, 2013年7月至9月, 7月25日至27日: a date whose missing
    leading parts come from the first one."""
    s = scan.sentence
    sep = _RANGE.match(s, i)
    if not sep or first.year is None or first.end is not None or first.part is not None:
        return None
    j = sep.end()
    finest = 3 if first.day else 2 if first.month else 1
    if m := _YEAR.match(s, j):
        second = _after_year(scan, _Point(int(parse_number(m.group(1)))), m.end())
    elif finest >= 2 and (m := _MONTH.match(s, j)) and _month_number(m.group(1)):
        second = _after_month(scan, _Point(first.year, _month_number(m.group(1))), m.end())
    elif finest == 3 and (m := _DAY.match(s, j)):
        day = int(parse_number(m.group(1)))
        valid = _valid(first.year, first.month, day)
        second = (_Point(first.year, first.month, day), m.end()) if valid else None
    else:
        return None
    if second is None:
        return None
    point, end = second
    if (
        point.part
        or (point.day is not None) != (first.day is not None)
        or (point.month is not None) != (first.month is not None)
    ):
        return None
    if _key(point) <= _key(first):
        return None
    return (point.year, point.month, point.day), end


def _key(p: _Point) -> tuple[int, int, int]:
    return (p.year or 0, p.month or 0, p.day or 0)


def _relative_year(scan: _Scan, word: str) -> _Point:
    if word in DEICTIC_YEARS:
        if scan.year is None:
            return _Point(resolvable=False, relative=True)
        return _Point(scan.year + DEICTIC_YEARS[word], relative=True)
    base = scan.context_year
    if base is None and word == "上年":
        base = scan.year  # 比上年增长: the year before the one reported on
    if base is None:
        return _Point(resolvable=False, relative=True)
    return _Point(base + CONTEXT_YEARS[word], relative=True)


def _relative_month(scan: _Scan, word: str) -> _Point:
    if scan.reference is None:
        return _Point(resolvable=False, relative=True)
    index = scan.reference.year * 12 + scan.reference.month - 1 + RELATIVE_MONTHS[word]
    return _Point(index // 12, index % 12 + 1, relative=True)


def _fallback_year(scan: _Scan) -> int | None:
    """The year of a month or 年底 stated without one: last year mentioned, else the text's own."""
    if scan.context_year is not None:
        return scan.context_year
    return scan.year


def _continues_code_or_word(s: str, i: int) -> bool:
    """A date does not start inside a number, a code (津B2-2008…) or an ordinal (第二个)."""
    if s[i].isdigit():
        return continues_code(s, i)
    return i > 0 and s[i] in CHINESE_NUMERAL_CHARS and s[i - 1] in CHINESE_NUMERAL_CHARS + "第"


def _month_number(text: str) -> int | None:
    value = parse_number(text)
    return int(value) if value is not None and 1 <= value <= 12 and value == int(value) else None


def _valid(year: int, month: int | None, day: int | None) -> bool:
    try:
        date(year, month or 1, day or 1)
    except (TypeError, ValueError):
        return False
    return 1000 <= year <= 2999


def _iso(year: int, month: int | None, day: int | None) -> tuple[str, str]:
    first = f"{year:04d}" if year >= 0 else f"-{-year:04d}"  # ISO 8601: 514 BC is -0513
    parts = [first] + [f"{n:02d}" for n in (month, day) if n is not None]
    return "-".join(parts), DATATYPES[len(parts)]
