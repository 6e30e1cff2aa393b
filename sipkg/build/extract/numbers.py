"""Numerals in Chinese text: their values (Arabic, full-width and Chinese numerals with
万/亿), and where a numeral is part of a name (“三集中”, 《…三年计划》) or of a code
(津B2-20080229-1) rather than a number. Shared by quantities and dates."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
LARGE_MULTIPLIERS = {"万": 10**4, "亿": 10**8}
CHINESE_NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_MULTIPLIERS) + "".join(LARGE_MULTIPLIERS)

_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)")
_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_CHINESE_DECIMAL = re.compile(rf"([{CHINESE_NUMERAL_CHARS}]+)点([{''.join(DIGITS)}]+)")
_TOKEN = re.compile(rf"(?P<arabic>\d+(?:\.\d+)?)|(?P<char>[{CHINESE_NUMERAL_CHARS}])")
_NO_SMALL_MULTIPLIER = 10**4  # above 千: a new section accepts any of 十/百/千

# separators of a range of numbers: 5~8年, 4-6个, 2013—2015年, 三至五年
RANGE_SEPARATOR = r"\s?(?:~|～|〜|-|－|—{1,2}|–|至|到)\s?"
_CODE_CHARS = "-+./_#－"

_OPAQUE_QUOTES = {"“": "”", "「": "」", "『": "』", '"': '"'}
_NAME_MAX = 25
_CLAUSE_PUNCTUATION = re.compile(r"[,，。;；!！?？]")


def parse_number(text: str) -> Decimal | None:
    """The value of a numeral: 1,106 / 2.5 / １２ / 二十一 / 三千五 / 76.2万 / 1910亿 / 二〇一三.

    Returns None for anything that is not one well-formed numeral.
    """
    s = unicodedata.normalize("NFKC", text).strip()
    s = _THOUSANDS.sub(lambda m: m.group().replace(",", ""), s)
    if not s:
        return None
    if _ARABIC.fullmatch(s):
        return plain(Decimal(s))
    if all(c in DIGITS for c in s) and len(s) > 1:
        # digit by digit (二〇一三, 一九九四); two bare digits (三五个) mean "three or five"
        if len(s) == 2 and not ({"〇", "零"} & set(s)):
            return None
        return Decimal("".join(str(DIGITS[c]) for c in s))
    s = _CHINESE_DECIMAL.sub(_decimal_to_arabic, s)
    return _parse_mixed(s)


def plain(value: Decimal) -> Decimal:
    """The value without trailing zeros and without an exponent (Decimal('762000'), not 7.62E+5)."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


def _decimal_to_arabic(m: re.Match[str]) -> str:
    whole = _parse_mixed(m.group(1))
    fraction = "".join(str(DIGITS[c]) for c in m.group(2))
    return f"{whole}.{fraction}" if whole is not None else m.group()


def _parse_mixed(s: str) -> Decimal | None:
    """Place-value reading: digits, then 十/百/千 within a section, 万/亿 closing sections."""
    tokens = list(_TOKEN.finditer(s))
    if not tokens or "".join(t.group() for t in tokens) != s:
        return None
    total = Decimal(0)
    section = Decimal(0)
    digit: Decimal | None = None
    last_small = _NO_SMALL_MULTIPLIER
    after_zero = False
    previous_multiplier = 0  # for the shorthand 三千五 = 3500, 两万五 = 25000
    for t in tokens:
        char = t.group("char")
        if t.group("arabic") or (DIGITS.get(char)):
            if digit is not None:
                return None
            digit = Decimal(t.group("arabic") or DIGITS[char])
            continue
        if char in DIGITS:
            after_zero = True
            continue
        if char in SMALL_MULTIPLIERS:
            m = SMALL_MULTIPLIERS[char]
            if m >= last_small or (digit is None and section != 0):
                return None
            section += (digit if digit is not None else 1) * m
            last_small, digit, after_zero, previous_multiplier = m, None, False, m
            continue
        m = LARGE_MULTIPLIERS[char]
        section += digit if digit is not None else 0
        if section == 0 and total == 0:
            section = Decimal(1)
        if m == LARGE_MULTIPLIERS["亿"]:
            total = (total + section) * m
        else:
            total += section * m
        section, digit, after_zero = Decimal(0), None, False
        last_small, previous_multiplier = _NO_SMALL_MULTIPLIER, m
    if digit is not None:
        if previous_multiplier >= 100 and not after_zero:
            digit *= Decimal(previous_multiplier) / 10
        section += digit
    return plain(total + section)


def continues_code(sentence: str, index: int) -> bool:
    """Whether the numeral at index continues a code or a longer number (津B2-2008…,
    +86-22-6621…, No.5, PM2.5), so that it is neither a quantity nor a date."""
    if index == 0:
        return False
    before = sentence[index - 1]
    return before in _CODE_CHARS or before.isdigit() or (before.isascii() and before.isalpha())


def opaque_spans(sentence: str) -> list[tuple[int, int]]:
    """Spans whose numerals belong to a name: 《titles》 always, and short quoted names
    (“三集中”, “15分钟便民服务圈”); a long quotation with clause punctuation is reported
    speech, whose numbers count."""
    spans = []
    i = 0
    while i < len(sentence):
        opening = sentence[i]
        closing = "》" if opening == "《" else _OPAQUE_QUOTES.get(opening)
        end = sentence.find(closing, i + 1) if closing else -1
        if end < 0:
            i += 1
            continue
        inner = sentence[i + 1 : end]
        if opening == "《" or (len(inner) <= _NAME_MAX and not _CLAUSE_PUNCTUATION.search(inner)):
            spans.append((i, end + 1))
        i = end + 1
    return spans


def inside(spans: list[tuple[int, int]], index: int) -> bool:
    return any(a <= index < b for a, b in spans)
