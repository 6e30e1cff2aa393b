"""Quantities in a sentence -> statistical observations (area, period, indicator, value).

The indicator is the phrase that names what is measured (地区生产总值1910亿元), or, for a
count, the thing counted: an institution next to the number (建成邻里中心12个) or the noun
before or after it (社区110个, 1300名社区工作者). Growth rates belong to the indicator
of the clause before them (…1910亿元,比上年增长10%). The area is the place the clause
or the sentence is about; the period, the date of the clause or the one that opens the
sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sipkg.build.extract.dates import DateMention
from sipkg.build.extract.model import Concept, Evidence, Observation, Ref, Value
from sipkg.build.extract.quantities import Quantity
from sipkg.build.extract.registry import mint_key, pinyin_label
from sipkg.build.extract.sentence import CLAUSE_STOPS, SentenceView

COUNT_UNITS = {"item", "person", "household", "session"}
NEEDS_INDICATOR = {"year", "month", "day", "minute", "times", "percent", ""}
COUNT_INDICATOR = {"org": "organisation-count", "site": "facility-count", "programme": "programme-count",
                   "place": "place-count"}
LEAD_WORDS = re.compile(r"^(?:目前|全区|区内|已|共有|共|建成|累计|成立|各类|达到|达|约|近|超过?|有|其中|平均|每个|投用|的|了)+")
NOUN_BEFORE = re.compile(r"([\u4e00-\u9fff]{2,12})$")
NOUN_AFTER = re.compile(r"^(?:各类|的)?([\u4e00-\u9fff]{2,8}?)(?=[的,,、。;;]|$|等|和|与)")
ARABIC = re.compile(r"[0-9０-９]")
TRAILING = re.compile(r"(?:达到|达|为|有|共|约|近|超过|超|的)+$")
PREPOSITIONS = ("按照", "根据", "依照", "依据", "对于", "为了", "通过", "围绕", "结合", "借鉴")
CONJUNCTIONS = "和与、及的"
STATE_AS_OF = {"end-of", "until"}  # 2010年底 / 截至2013年底: the state at that date
PER_UNIT = re.compile(r"每(?![年月天日周])")  # a ratio per institution; 每年 (yearly) is not
AREA_INDICATORS = {"area", "floor-area"}
AVERAGE = re.compile(r"^(?:平均|人均|每个)")  # a clause about the institution the sentence just named
NOW = re.compile(r"目前|当前|现在|现有|截至目前|如今")  # the state when the document was published


def clause_start(text: str, index: int) -> int:
    return max(text.rfind(c, 0, index) for c in CLAUSE_STOPS) + 1


def clause_end(text: str, index: int) -> int:
    ends = [e for e in (text.find(c, index) for c in CLAUSE_STOPS) if e >= 0]
    return min(ends, default=len(text))


def indicator_near(v: SentenceView, indicators: dict[str, list[str]], q: Quantity) -> str | None:
    """The indicator named right after the number (7000万元专项资金, 3.4%的土地), else the one
    named last before it in its clause (地区生产总值1910亿元)."""
    after = v.text[q.end :].removeprefix("的")
    following = [(len(n), code) for code, names in indicators.items() for n in names if after.startswith(n)]
    if following:
        return max(following)[1]
    start = clause_start(v.text, q.start)
    best: tuple[int, int, str] | None = None
    for code, names in indicators.items():
        for name in names:
            pos = v.text.rfind(name, start, q.start)
            if pos >= 0 and (best is None or (pos + len(name), len(name)) > best[:2]):
                best = (pos + len(name), len(name), code)
    return best[2] if best else None


def counted(v: SentenceView, q: Quantity) -> Ref | str | None:
    """What a count counts: an adjacent entity, else the noun after (N个X) or before (X N个) it."""
    for m in v.mentions:
        before_number = 0 <= q.start - m.end <= 2 and m.ref.type != "place"  # 全区1300名: a place, not the thing
        if m.ref.type in COUNT_INDICATOR and (before_number or 0 <= m.start - q.end <= 2):
            return m.ref
    after = NOUN_AFTER.match(v.text[q.end : clause_end(v.text, q.end)])
    if after:
        return after.group(1)
    start = max([clause_start(v.text, q.start)] + [m.end for m in v.mentions if m.end <= q.start])
    before = TRAILING.sub("", LEAD_WORDS.sub("", v.text[start : q.start]))
    m = NOUN_BEFORE.search(before.rsplit("的", 1)[-1])
    return (LEAD_WORDS.sub("", m.group(1)) or None) if m else None


def count_indicator(thing: str, indicators: dict[str, list[str]]) -> str | None:
    """The registry indicator whose name is the counted noun (社区工作者 -> social-worker-count)."""
    matches = [(len(n), code) for code, names in indicators.items() for n in names if thing.endswith(n)]
    return max(matches)[1] if matches else None


def observations(v: SentenceView, quantities: list[Quantity], dates: list[DateMention],
                 indicators: dict[str, list[str]], area_default: Ref | None,
                 period_default: Value | None) -> Iterator[Observation | tuple[str, str, str]]:
    """Observations of the sentence; also yields (code, zh, en) for indicators it had to mint."""
    last: tuple[str, str] | None = None  # (indicator, unit) of the previous quantity
    for q in quantities:
        code, subject, confidence = None, None, 0.85
        per_unit = PER_UNIT.search(v.text[clause_start(v.text, q.start) : q.start])  # 每个工作站辐射4~6个社区
        if q.unit in COUNT_UNITS and q.kind == "amount" and not per_unit:
            thing = counted(v, q)
            if q.unit == "session":
                code = "event-count"
            elif isinstance(thing, Ref):
                code, subject = COUNT_INDICATOR[thing.type], thing
            elif thing and ARABIC.search(q.text):  # 五个方面, 两种类型: enumerations, not statistics
                code = count_indicator(thing, indicators)
                if code is None:
                    code = f"{mint_key(thing, set())}-count"
                    yield code, f"{thing}数量", f"number of {pinyin_label(thing)}"
            confidence = 0.75
        elif q.unit not in COUNT_UNITS:
            code = indicator_near(v, indicators, q)
            if q.unit == "percent" and code in AREA_INDICATORS:  # 每个邻里中心45%的面积: a share of its area
                code, subject = "share-of-area", _last_institution(v, q.start)
            if code is None and q.kind in ("growth", "decline") and last:
                code = last[0]
            elif code is None and last and last[1] == q.unit:
                code, confidence = last[0], 0.75  # 面积288平方公里,其中,中新合作区80平方公里
        if code is None or (q.unit in NEEDS_INDICATOR and code.endswith("-count")):
            continue
        if q.kind in ("growth", "decline"):
            code = code if code.endswith("growth") else f"{code}-growth"
        else:
            last = (code, q.unit)
        if subject is None and AVERAGE.match(v.text[clause_start(v.text, q.start) :]):
            subject = _last_institution(v, clause_start(v.text, q.start))  # 邻里中心12个,平均建筑面积约2.5万平方米
        area = _area(v, q) or area_default
        period = _period(v, q, dates) or period_default
        if area is None or period is None:
            continue
        if period is period_default:
            confidence = 0.6
        lead = v.sentence.start + clause_start(v.text, q.start)
        evidence = Evidence(v.doc.key, lead, v.sentence.start + q.end, "rule:statistic", confidence)
        yield Observation(
            area=area, period=period, indicator=Concept("indicator", code),
            value=-q.value if q.kind == "decline" else q.value,
            unit=q.unit or ("person" if "人口" in v.text[lead - v.sentence.start : q.start] else "item"),
            stated=q.text, evidence=evidence, approximation=q.approximation, subject=subject, upper=q.upper,
        )


def _last_institution(v: SentenceView, before: int) -> Ref | None:
    named = [m.ref for m in v.mentions if m.end <= before and m.ref.type in ("org", "site")]
    return named[-1] if named else None


def _topic_place(v: SentenceView, start: int, end: int) -> Ref | None:
    """The place a clause is about: its first entity, if a place standing as the subject."""
    clause = v.text[start:end]
    if clause.lstrip("“\"").startswith(PREPOSITIONS):
        return None
    first = next((m for m in v.mentions if start <= m.start < end), None)
    if first is None or first.ref.type != "place" or v.text[first.end : first.end + 1] in CONJUNCTIONS:
        return None
    return first.ref


def _area(v: SentenceView, q: Quantity) -> Ref | None:
    """The place the number's clause is about, else the one the sentence's first clause is about."""
    start = clause_start(v.text, q.start)
    return _topic_place(v, start, q.start) or _topic_place(v, 0, clause_end(v.text, 0))


def _period(v: SentenceView, q: Quantity, dates: list[DateMention]) -> Value | None:
    """The date in the number's clause, else one that opens the sentence or states an as-of date.

    A clause that says 目前 (now) is about the publication date: None lets the caller use it.
    """
    start = clause_start(v.text, q.start)
    if NOW.search(v.text[clause_start(v.text, max(start - 1, 0)) : q.start]):  # 目前,全区共有…
        return None
    usable = [d for d in dates if d.end_value is None and d.end <= q.start
              and v.text[d.start - 1 : d.start] not in ("比", "较")  # 比上年增长: the base, not the period
              and "since" not in (d.qualifier or "")]  # 自1994年以来年均增长: a span up to the document's date
    governing = [d for d in usable if start <= d.start or d.start <= 3
                 or STATE_AS_OF & set((d.qualifier or "").split())]
    chosen = governing[-1] if governing else None
    return Value(chosen.value, chosen.datatype) if chosen else None
