"""English documents: registry entities by their English names, quantities with English units,
years and dates, and the statistics they state (area, population, GDP …).

The Chinese rules read constructions English does not have; for English the pipeline
finds who and what is named, and the figures, each with its evidence like the rest.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from sipkg.build.extract.dates import DateMention
from sipkg.build.extract.model import Concept, EntityInfo, Evidence, Observation, Ref, Value
from sipkg.build.extract.quantities import Quantity
from sipkg.build.extract.registry import Mention
from sipkg.build.extract.sentence import SentenceView

# stated unit (lower case) -> (base unit, factor)
UNITS: dict[str, tuple[str, Fraction]] = {
    "km²": ("square-metre", Fraction(10**6)), "km2": ("square-metre", Fraction(10**6)),
    "sq km": ("square-metre", Fraction(10**6)), "square kilometres": ("square-metre", Fraction(10**6)),
    "square kilometers": ("square-metre", Fraction(10**6)), "hectares": ("square-metre", Fraction(10**4)),
    "m²": ("square-metre", Fraction(1)), "square metres": ("square-metre", Fraction(1)),
    "square meters": ("square-metre", Fraction(1)), "sq m": ("square-metre", Fraction(1)),
    "km": ("metre", Fraction(1000)), "kilometres": ("metre", Fraction(1000)), "kilometers": ("metre", Fraction(1000)),
    "%": ("percent", Fraction(1)), "per cent": ("percent", Fraction(1)), "percent": ("percent", Fraction(1)),
    "percentage points": ("percentage-point", Fraction(1)),
    "yuan": ("cny", Fraction(1)), "rmb": ("cny", Fraction(1)), "cny": ("cny", Fraction(1)),
    "us dollars": ("usd", Fraction(1)), "dollars": ("usd", Fraction(1)), "usd": ("usd", Fraction(1)),
    "people": ("person", Fraction(1)), "persons": ("person", Fraction(1)), "residents": ("person", Fraction(1)),
    "volunteers": ("person", Fraction(1)), "social workers": ("person", Fraction(1)),
    "households": ("household", Fraction(1)), "years": ("year", Fraction(1)),
}
CURRENCY_BEFORE = {"rmb": "cny", "cny": "cny", "¥": "cny", "us$": "usd", "$": "usd", "usd": "usd", "s$": "sgd"}
MULTIPLIERS = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12, "bn": 10**9}
HEDGES = {"about": "about", "around": "about", "approximately": "about", "roughly": "about", "some": "about",
          "nearly": "nearly", "almost": "nearly", "over": "more-than", "more than": "more-than",
          "at least": "at-least", "up to": "at-most", "less than": "less-than", "under": "less-than"}
# indicator code -> English phrases naming it (codes as in the registry's indicators)
INDICATORS: dict[str, list[str]] = {
    "area": ["administrative area", "area", "covers", "covering"],
    "floor-area": ["floor area", "floor space"],
    "resident-population": ["resident population", "population"],
    "gdp": ["gross domestic product", "gdp"],
    "public-budget-revenue": ["public budget revenue", "budget revenue"],
    "retail-sales": ["retail sales"],
    "foreign-investment-utilised": ["foreign investment", "fdi"],
    "import-export-total": ["imports and exports", "foreign trade", "total trade"],
    "fixed-asset-investment": ["fixed-asset investment", "fixed asset investment"],
    "disposable-income": ["disposable income"],
    "volunteer-count": ["volunteers"],
    "social-worker-count": ["social workers"],
    "household-count": ["households"],
    "funding": ["funding", "funds"],
}
MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"], start=1)}
COUNT_INDICATOR = {"org": "organisation-count", "site": "facility-count", "place": "place-count"}


def _alternation(words) -> str:
    """A regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
QUANTITY = re.compile(
    rf"(?:(?P<hedge>{_alternation(HEDGES)})\s+)?(?P<currency>{_alternation(CURRENCY_BEFORE)})?\s?"
    rf"(?P<number>{_NUMBER})"
    rf"(?:\s?(?P<mult>{_alternation(MULTIPLIERS)})\b)?(?:\s?(?P<unit>{_alternation(UNITS)})(?![A-Za-z]))?",
    re.IGNORECASE)
GROWTH = re.compile(r"\b(?:up|rose|grew|increased?|growth|growing)\b(?:\s+(?:of|by))?\s*$", re.IGNORECASE)
DECLINE = re.compile(r"\b(?:down|fell|dropped|decreased?|declined?)\b(?:\s+(?:of|by))?\s*$", re.IGNORECASE)
DATE = re.compile(rf"\b(?:(?P<month>{_alternation(MONTHS)})\s+(?:(?P<day>\d{{1,2}}),?\s+)?)?(?P<year>(?:19|20)\d{{2}})\b"
                  r"|\b(?P<relative>yesterday|today|this year|last year)\b", re.IGNORECASE)
RELATIVE_DAYS = {"yesterday": -1, "today": 0}
RELATIVE_YEARS = {"this year": 0, "last year": -1}
CLAUSE = re.compile(r"[,;:.]\s|[()]")


class EnglishGazetteer:
    """Registry entities by English label and alias: whole words, longest first; lower-case
    labels match in any case, abbreviations (SIP) only as written."""

    def __init__(self, entities: dict[Ref, EntityInfo]):
        exact, folded = {}, {}
        for info in entities.values():
            for name in (info.en, *info.aliases_en):
                if name.isupper() and len(name) <= 6:
                    exact.setdefault(name, info.ref)
                else:
                    folded.setdefault(name.lower(), info.ref)
        self.exact, self.folded = exact, folded
        words = [*exact, *folded]
        self.pattern = re.compile(rf"(?<![\w-])(?:{_alternation(words)})(?![\w-])", re.IGNORECASE) if words else None

    def find(self, text: str) -> list[Mention]:
        if self.pattern is None:
            return []
        out = []
        for m in self.pattern.finditer(text):
            ref = self.exact.get(m.group()) or self.folded.get(m.group().lower())
            if ref is not None:
                out.append(Mention(m.start(), m.end(), m.group(), ref))
        return out


def find_quantities(sentence: str) -> list[Quantity]:
    """Numbers with a unit or a multiplier (278 km², RMB 1.2 billion, 12%, 3,000 volunteers)."""
    found = []
    for m in QUANTITY.finditer(sentence):
        unit_word, currency, mult = m.group("unit"), m.group("currency"), m.group("mult")
        if not (unit_word or currency or mult or "," in m.group("number")):  # a bare count needs 762,000
            continue
        number = Decimal(m.group("number").replace(",", ""))
        if mult:
            number *= MULTIPLIERS[mult.lower()]
        if unit_word:
            base, factor = UNITS[unit_word.lower()]
        elif currency:
            base, factor = CURRENCY_BEFORE[currency.lower()], Fraction(1)
        else:
            base, factor = "", Fraction(1)
        value = number * Decimal(factor.numerator) / Decimal(factor.denominator)
        before = sentence[max(0, m.start() - 30): m.start()]
        kind = "growth" if GROWTH.search(before) else "decline" if DECLINE.search(before) else (
            "percent" if base == "percent" else "amount")
        hedge = m.group("hedge")
        start = m.start() + len(m.group()) - len(m.group().lstrip())
        found.append(Quantity(start, m.end(), sentence[start:m.end()], Decimal(int(value)) if value == int(value) else value,
                              None, base, " ".join(w for w in (currency, mult, unit_word) if w),
                              HEDGES[hedge.lower()] if hedge else None, kind))
    return found


def find_dates(sentence: str, reference: date | None = None) -> list[DateMention]:
    """Years, months and days written out (July 11, 2024; June 2024; 2013), and yesterday,
    this year, last year resolved against the publication date."""
    out = []
    for m in DATE.finditer(sentence):
        if m.group("relative"):
            word = m.group("relative").lower()
            if reference is None:
                continue
            if word in RELATIVE_DAYS:
                d = reference + timedelta(days=RELATIVE_DAYS[word])
                value, datatype = d.isoformat(), "date"
            else:
                value, datatype = str(reference.year + RELATIVE_YEARS[word]), "gYear"
            out.append(DateMention(m.start(), m.end(), m.group(), value, datatype, None, None, True))
            continue
        year, month, day = int(m.group("year")), m.group("month"), m.group("day")
        if month and day:
            try:
                value, datatype = date(year, MONTHS[month.lower()], int(day)).isoformat(), "date"
            except ValueError:
                continue
        elif month:
            value, datatype = f"{year:04d}-{MONTHS[month.lower()]:02d}", "gYearMonth"
        else:
            value, datatype = f"{year:04d}", "gYear"
        out.append(DateMention(m.start(), m.end(), m.group(), value, datatype, None, None, False))
    return out


def observations(v: SentenceView, quantities: list[Quantity], dates: list[DateMention], area_default: Ref | None,
                 period_default: Value | None) -> list[Observation]:
    """The statistics a sentence states: the indicator named last before the number in its
    clause (or the thing counted right after it), the sentence's place and year."""
    out = []
    text = v.text
    last: str | None = None  # the indicator of the previous figure: "GDP … RMB 191 billion, up 10%"
    for q in quantities:
        clause_start = max([0, *(m.end() for m in CLAUSE.finditer(text, 0, q.start))])
        subject, confidence = None, 0.8
        # 3,000 volunteers: the unit names what is counted; else the phrase before the number
        code = _indicator_before(q.stated_unit) or _indicator_before(text[clause_start: q.start])
        after = next((m for m in v.mentions if 0 <= m.start - q.end <= 1 and m.ref.type in COUNT_INDICATOR), None)
        if q.unit == "" and after is not None:  # 12 neighbourhood centres
            code, subject = COUNT_INDICATOR[after.ref.type], after.ref
        if code is None and q.kind in ("growth", "decline"):
            code = last
        if code is None:
            continue
        if q.kind in ("growth", "decline"):
            code = code if code.endswith("growth") else f"{code}-growth"
        else:
            last = code
        places = [m.ref for m in v.mentions if m.ref.type == "place"]
        in_clause = [m.ref for m in v.mentions if m.ref.type == "place" and clause_start <= m.start < q.start]
        place = (in_clause or places or [area_default])[-1 if in_clause else 0]
        year = next((d for d in dates if d.end <= q.start), None) or (dates[0] if dates else None)
        period = Value(year.value, year.datatype) if year else period_default
        if place is None or period is None:
            continue
        if year is None:
            confidence = 0.6
        evidence = Evidence(v.doc.key, v.sentence.start + clause_start, v.sentence.start + q.end, "rule:statistic-en",
                            confidence)
        value = -q.value if q.kind == "decline" else q.value
        unit = q.unit or ("person" if code == "resident-population" else "item")
        out.append(Observation(place, period, Concept("indicator", code), value, unit, q.text, evidence,
                               q.approximation, subject))
    return out


def _indicator_before(fragment: str) -> str | None:
    lowered = fragment.lower()
    best: tuple[int, int, str] | None = None
    for code, names in INDICATORS.items():
        for name in names:
            for m in re.finditer(rf"\b{re.escape(name)}\b", lowered):
                candidate = (m.end(), len(name), code)
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
    return best[2] if best else None
