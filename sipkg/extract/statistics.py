"""Quantities in a sentence -> statistical observations (area, period, indicator, value).

The indicator is the phrase that names what is measured (地区生产总值1910亿元), or, for a
count of institutions (建成邻里中心12个), the institution counted; growth rates belong to
the indicator of the clause before them (…1910亿元,比上年增长10%).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .dates import DateMention
from .model import Concept, Evidence, Observation, Ref, Value
from .quantities import Quantity
from .registry import pinyin_label, mint_key
from .sentence import SentenceView

COUNT_UNITS = {"item", "person", "household", "session"}
SKIP_UNITS = {"year", "month", "day", "minute", "times", ""}
LEAD_WORDS = re.compile(r"^(?:目前|全区|区内|已|共有|共|建成|累计|成立|各类|达到|达|约|近|超过?|有|其中|平均|每个|投用|的)+")
NOUN_BEFORE = re.compile(r"([\u4e00-\u9fff]{2,10})$")
COUNT_INDICATOR = {"org": "organisation-count", "site": "facility-count", "programme": "programme-count"}


def indicator_at(v: SentenceView, indicators: dict[str, list[str]], start: int, end: int) -> tuple[str, int] | None:
    """The indicator named last in text[start:end], with where its name ends."""
    best = None
    for code, names in indicators.items():
        for name in names:
            pos = v.text.rfind(name, start, end)
            if pos >= 0 and (best is None or pos + len(name) > best[1]):
                best = (code, pos + len(name))
    return best


def clause_start(text: str, index: int) -> int:
    return max(text.rfind(c, 0, index) for c in ",,;;::。") + 1


def counted_thing(v: SentenceView, q: Quantity) -> Ref | str | None:
    """What a count counts: an adjacent entity (邻里中心12个 / 民众联络所8个) or the noun before it."""
    for m in v.mentions:
        if 0 <= q.start - m.end <= 3 or (q.unit == "item" and 0 <= m.start - q.end <= 1):
            if m.ref.type in COUNT_INDICATOR:
                return m.ref
    before = v.text[clause_start(v.text, q.start) : q.start]
    before = LEAD_WORDS.sub("", before)
    m = NOUN_BEFORE.search(before)
    return LEAD_WORDS.sub("", m.group(1)) or None if m else None


def observations(v: SentenceView, quantities: list[Quantity], dates: list[DateMention],
                 indicators: dict[str, list[str]], area_default: Ref | None,
                 period_default: Value | None) -> Iterator[Observation | tuple[str, str, str]]:
    """Observations of the sentence; also yields (code, zh, en) for indicators it had to mint."""
    last_indicator: str | None = None
    for q in quantities:
        if q.unit in SKIP_UNITS:
            continue
        found = indicator_at(v, indicators, clause_start(v.text, q.start), q.start)
        subject = None
        confidence = 0.85
        if found:
            code = found[0]
        elif q.kind in ("growth", "decline") and last_indicator:
            code = last_indicator
        elif q.unit in COUNT_UNITS:
            thing = counted_thing(v, q)
            if thing is None:
                continue
            if isinstance(thing, Ref):
                code, subject = COUNT_INDICATOR[thing.type], thing
            else:
                code = f"{mint_key(thing, set())}-count"
                yield (code, f"{thing}数量", f"number of {pinyin_label(thing)}")
                subject = None
            confidence = 0.75
        else:
            continue
        if q.kind in ("growth", "decline"):
            base = code
            code = base if base.endswith("growth") else f"{base}-growth"
        else:
            last_indicator = code
        area = _area(v, q, area_default)
        period = _period(v, q, dates, period_default)
        if area is None or period is None:
            continue
        lead = clause_start(v.text, q.start) + v.sentence.start
        if period is period_default:
            confidence = 0.6
        evidence = Evidence(v.doc.key, lead, v.sentence.start + q.end, "rule:statistic", confidence)
        value = -q.value if q.kind == "decline" else q.value
        yield Observation(
            area=area, period=period, indicator=Concept("indicator", code), value=value, unit=q.unit,
            stated=v.text[q.start : q.end], evidence=evidence, approximation=q.approximation,
            subject=subject, upper=q.upper,
        )


def _area(v: SentenceView, q: Quantity, default: Ref | None) -> Ref | None:
    places = [m for m in v.mentions if m.ref.type == "place" and m.end <= q.start]
    return places[-1].ref if places else default


def _period(v: SentenceView, q: Quantity, dates: list[DateMention], default: Value | None) -> Value | None:
    earlier = [d for d in dates if d.end <= q.start and d.end_value is None]
    if earlier:
        d = earlier[-1]
        return Value(d.value, d.datatype)
    return default
