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
SEATS = {"政府驻地"}  # a label of the place's government, where the registry knows that body
_LABEL = "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True))
INFOBOX_LINE = expand(
    rf"^[•·\s]*(?P<label>{_LABEL})\s*[:：|]?\s*(?P<value>(?:{{QE}}[、,\s]*)+)[|\s]*$"
)
# a clause that opens with what it governs, its subject left to the page: 管理甲、乙…N个社区居委会
GOVERNS = expand(r"(?:^|[,,;;])(?:[^,,;;。{EC}]{0,12}?)(?:管理|下辖|辖|管辖)(?P<parts>{ES})")
GOVERNED_TYPES = ("place", "org", "site")
# an infobox line `office person` (市委书记 刘小涛, 市长 吴庆文): the office names a body of the page's
# place by how its short name is formed, the place's name + this ending (苏州市 + 委, 苏州市 + 政府)
OFFICES = {
    **dict.fromkeys(("省委书记", "市委书记", "区委书记", "县委书记"), "委"),
    "镇党委书记": "党委",
    **dict.fromkeys(("省长", "市长", "区长", "县长", "镇长"), "政府"),
}
OFFICE_LINE = expand(
    r"^[•·\s]*(?P<office>" + "|".join(OFFICES) + r")\s*[:：]?\s*(?P<person>{E})\s*$"
)


def infobox_facts(v: SentenceView, topic: Ref | None) -> Iterator[Fact]:
    """`label value` lines of the page's infobox, and clauses about the page's subject."""
    if topic is None:
        return
    m = INFOBOX_LINE.match(v.masked)
    if m:
        predicate = LABELS[m.group("label")]
        subject = topic
        if m.group("label") in SEATS and topic.type == "place":  # the seat of a place's government
            subject = _body_of(v, topic, "人民政府", "") or _body_of(v, topic, "政府", "") or topic
        for ref in v.refs_in(m.group("value")):
            if ref not in (topic, subject):
                yield Fact(
                    subject, predicate, ref, v.evidence(m.start(), m.end(), "rule:infobox", 0.8)
                )
    m = OFFICE_LINE.match(v.masked)
    person = v.mention(m.group("person")).ref if m else None
    if m and person.type == "person" and topic.type == "place":
        body = _body_of(v, topic, OFFICES[m.group("office")], m.group("office")[0])
        if body is not None:
            yield Fact(person, "leads", body, v.evidence(m.start(), m.end(), "rule:office", 0.75))
    for m in GOVERNS.finditer(v.masked):
        clause = v.masked[v.clause_bounds(m.start("parts"))[0] : m.start("parts")]
        if v.refs_in(clause):
            continue  # the clause names its own subject: the structure rules read it
        for ref in v.refs_in(m.group("parts")):
            if ref != topic and ref.type in GOVERNED_TYPES and topic.type == "place":
                yield Fact(
                    ref, "partOf", topic, v.evidence(m.start("parts"), m.end(), "rule:governs", 0.7)
                )


def _body_of(v: SentenceView, place: Ref, ending: str, level: str) -> Ref | None:
    """The body a place's name + `ending` names (苏州市委, 苏州市政府), among the registry's names;
    only names of the place at the office's level (市长: 苏州市, not 苏州) are composed."""
    info = v.entities[place]
    names = {n for n in (info.zh, *info.aliases) if n.endswith(level)}
    wanted = {n + ending for n in names}
    return next(
        (ref for ref, e in v.entities.items() if ref.type == "org" and wanted & {e.zh, *e.aliases}),
        None,
    )
