"""Facts about the page's own subject: infobox lines (上级行政区 X, 政府驻地 X) and clauses that
leave their subject unsaid because the page is about it (…,管理甲、乙、丙3个社区居委会).

An encyclopedia page is about one entity (its title names it); its infobox gives that entity's
attributes as short `label value` lines. A lexicon maps each label to a property; the value must
be entities only. Neither names an institution.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sipkg.build.extract.model import Fact, Ref
from sipkg.build.extract.sentence import SentenceView, expand

# infobox label -> property from the page's subject to the value
LABELS: dict[str, str] = {
    "上级行政区": "partOf",
    "上级行政区划": "partOf",
    "所属行政区": "partOf",
    "隶属": "partOf",
    "所属": "partOf",
    "国家": "locatedIn",
    "所在国家": "locatedIn",
    "所在地": "locatedIn",
    "所在地区": "locatedIn",
    "所属地区": "locatedIn",
    "所在省份": "locatedIn",
    "省份": "locatedIn",
    "位置": "locatedIn",
    "地理位置": "locatedIn",
    "所在城市": "locatedIn",
    "政府驻地": "basedIn",
    "驻地": "basedIn",
    "机关驻地": "basedIn",
    "总部": "basedIn",
    "总部地点": "basedIn",
    "地址": "basedIn",
    "办公地址": "basedIn",
}
_LABEL = "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True))
INFOBOX_LINE = expand(
    rf"^[•·\s]*(?P<label>{_LABEL})\s*[:：|]?\s*(?P<value>(?:{{QE}}[、,\s]*)+)[|\s]*$"
)
# a clause that opens with what it governs, its subject left to the page: 管理甲、乙…N个社区居委会
GOVERNS = expand(r"(?:^|[,,;;])(?:[^,,;;。{EC}]{0,12}?)(?:管理|下辖|辖|管辖)(?P<parts>{ES})")
GOVERNED_TYPES = ("place", "org", "site")


def infobox_facts(v: SentenceView, topic: Ref | None) -> Iterator[Fact]:
    """`label value` lines of the page's infobox, and clauses about the page's subject."""
    if topic is None:
        return
    m = INFOBOX_LINE.match(v.masked)
    if m:
        predicate = LABELS[m.group("label")]
        for ref in v.refs_in(m.group("value")):
            if ref != topic:
                yield Fact(
                    topic, predicate, ref, v.evidence(m.start(), m.end(), "rule:infobox", 0.8)
                )
    for m in GOVERNS.finditer(v.masked):
        clause = v.masked[v.clause_bounds(m.start("parts"))[0] : m.start("parts")]
        if v.refs_in(clause):
            continue  # the clause names its own subject: the structure rules read it
        for ref in v.refs_in(m.group("parts")):
            if ref != topic and ref.type in GOVERNED_TYPES and topic.type == "place":
                yield Fact(
                    ref, "partOf", topic, v.evidence(m.start("parts"), m.end(), "rule:governs", 0.7)
                )
