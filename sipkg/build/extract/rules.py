"""Rules for relations between entities, written as patterns of Chinese sentence structure.

Each rule has an id (the fact's method) and reads one sentence at a time; none names a
particular institution — they read the constructions Chinese government texts use:
甲是乙的派出机构, 甲在乙领导下, 借鉴新加坡…经验, 甲被评为“乙”, 出台《甲》…
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import pairwise

from sipkg.build.extract.dates import DateMention
from sipkg.build.extract.model import Concept, EntityInfo, Evidence, Fact, Ref, Value
from sipkg.build.extract.recognise import DESIGNATION_VERBS
from sipkg.build.extract.sentence import SentenceView, expand

ORG, SITE, PLACE, PROG, PLAN, PUB, DESIG, EVENT = (
    "org",
    "site",
    "place",
    "programme",
    "plan",
    "publication",
    "designation",
    "event",
)
AGENTS = (ORG, SITE, PROG, PUB, PLACE)


@dataclass(frozen=True)
class Binary:
    """甲 … 乙 patterns: group `a` relates to every entity of group `b`."""

    id: str
    pattern: str
    predicate: str
    a_types: tuple[str, ...]
    b_types: tuple[str, ...]
    confidence: float = 0.9


# The structure of places and bodies and its changes: 甲下辖乙、丙, 甲隶属于乙, 甲划归乙管理,
# 甲是乙下辖的一个街道, 撤甲设乙, 乙由甲更名而来. A place is partOf a place, a body
# subOrganisationOf a body; a new unit replaces the one it was made from.
_GAP = r"[^。;,\uff0c不未{EC}]"  # characters of one clause, with no negation among them
_UNIT = (
    r"(?:街道办事处|街道|镇|乡|社区|村|县级市|市辖区|区|县|市|省|片区|功能区|板块|组成部分|一部分)"
)
_BODY = r"(?:下属|直属|所属|内设)的?(?:机构|单位|部门|事业单位|企业)"
_HOLDS = _GAP + r"{0,8}?(?:下辖|管辖|辖有|共辖)(?:着|了)?" + _GAP + r"{0,12}?"
_BELONGS = _GAP + r"{0,4}?(?:隶属|归属|从属|属于)于?"
_TRANSFERRED = _GAP + r"{0,4}?(?:划归|划入)"
_IS_OF = r"[,\uff0c]?(?:是|为)(?P<b>{E})"
# 甲是乙的一个街道; 甲是乙下辖的一个街道办事处 (the unit may itself be a name: 街道办事处)
_DEPENDENT = (
    r"(?:(?:下辖|管辖|所辖|下属)的(?:一个|一座|一所)?" + _GAP + r"{0,8}?(?:" + _UNIT + r"|{E})"
    r"|的(?:一个|一座|一所)?" + _GAP + r"{0,8}?" + _UNIT + r")(?=[。;,\uff0c]|$)"
)
_ABOLISHED = r"撤(?:销|并)?了?(?P<b>{ES})[,\uff0c、]?(?:并|同时)?(?:设立?|建立?|组建|成立|新设|建)(?P<a>{ES})"
_MADE_FROM = (
    r"(?P<a>{E})[^。;{EC}]{0,6}?由(?P<b>{ES})"
    + _GAP
    + r"{0,4}?(?:改设|更名|改名|改制|改建|撤并|合并)"
)
_RENAMED = r"(?P<b>{E})" + _GAP + r"{0,8}?(?:更名|改名|改设|改称)为(?P<a>{E})"
STRUCTURE = [
    Binary(
        "holds-places", r"(?P<b>{E})" + _HOLDS + r"(?P<a>{ES})", "partOf", (PLACE,), (PLACE,), 0.85
    ),
    Binary(
        "holds-bodies",
        r"(?P<b>{E})" + _HOLDS + r"(?P<a>{ES})",
        "subOrganisationOf",
        (ORG,),
        (ORG,),
        0.8,
    ),
    Binary(
        "belongs-place",
        r"(?P<a>{ES})" + _BELONGS + r"(?P<b>{E})",
        "partOf",
        (PLACE, SITE),
        (PLACE,),
        0.85,
    ),
    Binary(
        "belongs-body",
        r"(?P<a>{ES})" + _BELONGS + r"(?P<b>{E})",
        "subOrganisationOf",
        (ORG,),
        (ORG,),
        0.85,
    ),
    Binary(
        "transferred-place",
        r"(?P<a>{ES})" + _TRANSFERRED + r"(?P<b>{E})",
        "partOf",
        (PLACE, SITE),
        (PLACE,),
        0.8,
    ),
    Binary(
        "transferred-body",
        r"(?P<a>{ES})" + _TRANSFERRED + r"(?P<b>{E})",
        "subOrganisationOf",
        (ORG,),
        (ORG,),
        0.8,
    ),
    Binary(
        "dependent-place",
        r"(?P<a>{E})" + _IS_OF + _DEPENDENT,
        "partOf",
        (PLACE, SITE),
        (PLACE,),
        0.9,
    ),
    Binary(
        "dependent-body", r"(?P<a>{E})" + _IS_OF + _BODY, "subOrganisationOf", (ORG,), (ORG,), 0.85
    ),
    Binary("abolished-for", _ABOLISHED, "replaces", (PLACE, ORG), (PLACE, ORG), 0.85),
    Binary("made-from", _MADE_FROM, "replaces", (PLACE, ORG), (PLACE, ORG), 0.85),
    Binary("renamed-to", _RENAMED, "replaces", (PLACE, ORG), (PLACE, ORG), 0.8),
]

BINARY = [
    Binary(
        "dispatched-agency",
        r"(?P<a>{E})是(?P<b>{E})的派出机构",
        "dispatchedAgencyOf",
        (ORG,),
        (ORG,),
    ),
    Binary(
        "service-window",
        r"(?P<a>{QE})作为(?P<b>{QE})的服务窗口",
        "serviceWindowOf",
        (ORG, SITE),
        (ORG,),
    ),
    Binary(
        "under-leadership",
        r"(?P<a>{QE})[^。;{EC}]*?在(?P<b>{ES})的?领导下",
        "underLeadershipOf",
        (ORG,),
        (ORG,),
    ),
    Binary("replaces", r"(?P<a>{QE})作为代替(?P<b>{QE})的", "replaces", (ORG,), (ORG, PLACE)),
    Binary(
        "funded-by",
        r"^[^{EC}]*?(?P<a>{QE})[^。]*?经费由(?P<b>{E})(?:全额)?(?:拨款|拨付|承担|保障)",
        "fundedBy",
        (ORG, SITE),
        (ORG,),
    ),
    Binary(
        "jurisdiction",
        r"(?P<a>{E})[^。]*?行使(?P<b>{E})(?:辖区|区域|范围)?内?的[^。]*?职能",
        "jurisdiction",
        (ORG,),
        (PLACE,),
    ),
    Binary("serves", r"(?P<a>{QE})[^。,]*?(?:为|向)(?P<b>{ES})提供", "serves", (ORG, SITE), AGENTS),
    Binary("held-in", r"(?P<a>{QE})在(?P<b>{E})(?:举行|召开|举办)", "heldIn", (EVENT,), (PLACE,)),
    Binary(
        "organised-by",
        r"(?P<b>{E})(?:举办|主办|召开)了?(?P<a>{QE})",
        "organisedBy",
        (EVENT,),
        (ORG,),
    ),
    Binary(
        "subdivision", r"(?P<b>{E})[^。]*?下辖[^。,]*?(?P<a>{E})", "locatedIn", (PLACE,), (PLACE,)
    ),
    # 景区内拥有甲、乙…, 甲境内还有乙、丙等景点: what an area holds within it
    Binary(
        "contains",
        r"(?P<b>{E})(?:境内|区内|之内|内|中)[^。;,\uff0c{EC}]{0,3}?(?:拥有|还有|有|坐落着|分布着|建有)"
        r"(?P<a>(?:{QE}(?:、|和|及|与)?)+)",
        "locatedIn",
        (PLACE, SITE, ORG),
        (PLACE, SITE),
        0.8,
    ),
    # 甲…引来了乙、丙等高校: the bodies an area drew in are based there (to the end of the clause)
    Binary(
        "drew-in",
        r"(?P<b>{E})[^。;{EC}]{0,16}?(?:引来|引进|吸引|集聚|聚集|落户)了?(?P<a>[^。;,\uff0c]*)",
        "basedIn",
        (ORG,),
        (PLACE,),
        0.75,
    ),
    *STRUCTURE,
    Binary(
        "listed-as-part",
        r"将(?P<a>{QE})列为[^。]*?(?P<b>{E})之一",
        "partOf",
        (PLAN, PROG),
        (PLAN, PROG),
    ),
    Binary(
        "first-volume",
        r"(?P<a>{QE})作为(?P<b>{E})?[^。]*?(?:首部|第一本|第一部)",
        "partOf",
        (PUB,),
        (PUB,),
        0.85,
    ),
    Binary("edited-by", r"(?P<b>{E})主编了?(?P<a>{QE})", "issuedBy", (PUB,), (ORG,)),
    Binary(
        "created-by", r"(?P<b>{E})(?:创设|创办|推出|开设)了?(?P<a>{ES})", "ledBy", (PROG,), (ORG,)
    ),
    Binary(
        "cooperated-with",
        r"(?P<a>{E})[^。]*?会同(?P<b>{ES})[,,]?合作",
        "cooperatesWith",
        (ORG, PLACE),
        (ORG,),
        0.8,
    ),
]
BINARY_COMPILED = [(rule, expand(rule.pattern)) for rule in BINARY]

DESIGNATION_VERB = expand(
    r"(?:" + DESIGNATION_VERBS + r")[^,,。;{EC}]{0,4}?(?P<by>{E})?"
    r"[^,,。;{EC}]{0,6}?[“\"]?(?P<d>{E})"
)
PASSIVE_BY = expand(r"被(?P<by>{E})$")
CONFER = expand(
    r"(?P<by>{E})[^。]*?(?:授予|命名|认定)(?P<to>{E})?[^。]*?[“\"]?(?P<d>{E})[”\"]?(?:称号|荣誉|为)?"
)
MAKE_INTO = expand(r"将(?P<to>{E})确定为")
ISSUE = expand(r"(?:出台|印发|发布|制定|颁布|编制)了?《?(?P<p>{E})》?")
DEFINES = expand(r"《?(?P<p>{E})》?[^。]*?提出了?[^。]*?(?:建设|实施|推进|开展)[“\"]?(?P<x>{E})")
ENUMERATION = expand(r"(?P<x>{QE})[((](?P<parts>{E}(?:[、,]{E})+)[))]")
BORROW = expand(r"借鉴(?P<c>{E})(?P<p>[^,,。;]*?)(?:的)?(?:做法|经验|理念|模式)")
CREATION_VERB = re.compile(r"创设|创办|建立|成立|打造|引入|设立|实行|构建|定为|推行|组建|开设")
# Verbs whose object a 将 phrase puts before them (将甲引入); after the others (将…用于设立乙) it follows.
DISPOSAL_VERB = re.compile(r"引入|实行|定为|推行")
# 成立了X, 建立了由劳、资、政三方组成的X: a founding verb, optionally "composed of …", then the body
FOUNDING = expand(
    r"(?:成立|组建|设立|建立|挂牌成立|建成启用|创建)了?(?:由[^,,。;]{1,20}?组成的)?[“\"]?(?P<b>{E})"
)
APPROVED = expand(r"^[^{EC}]*?(?P<b>{E})[^。]*?经(?P<by>{E})批准(?:设立|成立|建立)")
RESTRUCTURE = re.compile(r"职能[^。]*?(?:整合|归并|合并)")
HOST_VERB = re.compile(r"(?<!不)(?<!不下)(?:设立|配备|设有|入驻|内设|配置)")
FUNCTIONS = re.compile(
    r"(?<!不)负责(?P<f>[^。;]*)"
)  # the remit runs to the end of the clause group
IMPLEMENT = expand(r"实施(?P<q>{QE})")
PLAN_ACTION = re.compile(r"出台|印发|发布|制定|颁布|主编|列为|编制|通过")
TOPIC = expand(r"推进(?P<x>{E})|(?P<y>{E})建设")
INTERNAL_BODIES = expand(r"(?P<p>{E})内设机构")


@dataclass
class Context:
    """What the rules remember across sentences of one paragraph or document."""

    topic_org: Ref | None = None  # the document's principal organisation (from its title)
    topic_place: Ref | None = None
    topic_programme: Ref | None = None  # 推进X建设 sets it for the rest of the paragraph
    functions: dict[str, list[str]] = field(default_factory=dict)  # function code -> names


def binary_facts(v: SentenceView) -> Iterator[Fact]:
    for rule, pattern in BINARY_COMPILED:
        for m in pattern.finditer(v.masked):
            subjects = [a for a in v.refs_in(m.group("a") or "") if a.type in rule.a_types]
            objects = [b for b in v.refs_in(m.group("b") or "") if b.type in rule.b_types]
            ev = v.evidence(m.start(), m.end(), f"rule:{rule.id}", rule.confidence)
            for a in subjects:
                for b in objects:
                    if b != a:
                        yield Fact(a, rule.predicate, b, ev)


def designation_facts(v: SentenceView, dates: list[DateMention]) -> Iterator[Fact]:
    """甲被评为“乙”, 丙授予甲“乙”称号, 甲跻身丙“乙”行列: recipient, conferrer and date."""
    found: list[tuple[int, int, Ref, list[Ref], Ref | None]] = []
    for m in DESIGNATION_VERB.finditer(v.masked):
        d = v.mention(m.group("d")).ref
        if d.type != DESIG:
            continue
        clause_start = v.clause_bounds(m.start())[0]
        before = v.masked[clause_start : m.start()]
        passive = PASSIVE_BY.search(before)  # 甲被国家旅游局评为…: the agent of 被 confers
        if passive:
            before = before[: passive.start()]
        recipients = [r for r in v.refs_in(before) if r.type in AGENTS]
        to = MAKE_INTO.search(v.masked, clause_start, m.end())  # 将甲确定为…: 甲 is the recipient
        if to:
            recipients = [v.mention(to.group("to")).ref]
        if not recipients:
            first = v.first_of(ORG, PLACE, PROG, before=m.start())
            recipients = [first] if first else []
        by = v.mention(m.group("by")).ref if m.group("by") else None
        if passive and by is None:
            by = v.mention(passive.group("by")).ref
        found.append((min(clause_start, m.start()), m.end(), d, recipients, by))
    for m in CONFER.finditer(v.masked):
        d = v.mention(m.group("d")).ref
        by = v.mention(m.group("by")).ref
        if d.type != DESIG or by.type != ORG:
            continue
        to = [v.mention(m.group("to")).ref] if m.group("to") else []
        found.append((m.start(), m.end(), d, [r for r in to if r.type in AGENTS], by))
    for start, end, d, recipients, by in found:
        ev = v.evidence(start, end, "rule:designation", 0.9)
        for r in recipients:
            yield Fact(d, "recipient", r, ev)
        if by is not None and by.type == ORG:
            yield Fact(d, "conferredBy", by, ev)
        date = leading_date(dates, v, start)
        if date is not None and "since" not in (
            date.qualifier or ""
        ):  # 自…以来: a span, not the date
            yield Fact(
                d, "dct:date", date_value(date), v.evidence(0, end, "rule:designation-date", 0.85)
            )


def leading_date(
    dates: list[DateMention], v: SentenceView, before_masked: int
) -> DateMention | None:
    """The date that governs a clause: the last date stated before it in the sentence."""
    limit = (
        v.span(before_masked, before_masked + 1)[0]
        if before_masked < len(v.masked)
        else len(v.text)
    )
    earlier = [d for d in dates if d.start <= limit]
    return earlier[-1] if earlier else None


def date_value(d: DateMention) -> Value:
    return Value(d.value, d.datatype)


def plan_facts(v: SentenceView, ctx: Context) -> Iterator[Fact]:
    """出台《甲》 (issued by), 《甲》提出…建设乙 (defines), 乙(丙、丁…) (has parts)."""
    for m in ISSUE.finditer(v.masked):
        p = v.mention(m.group("p")).ref
        if p.type not in (PLAN, PUB):
            continue
        issuer = v.last_of(ORG, before=m.start()) or ctx.topic_org
        if issuer is not None:
            confidence = 0.85 if v.last_of(ORG, before=m.start()) else 0.6
            yield Fact(
                p, "issuedBy", issuer, v.evidence(m.start(), m.end(), "rule:issued", confidence)
            )
    for m in DEFINES.finditer(v.masked):
        p, x = v.mention(m.group("p")).ref, v.mention(m.group("x")).ref
        if p.type == PLAN and x.type == PROG:
            yield Fact(
                p, "definesProgramme", x, v.evidence(m.start(), m.end(), "rule:defines", 0.85)
            )
    for m in ENUMERATION.finditer(v.masked):
        whole = v.refs_in(m.group("x"))[0]
        for part in v.refs_in(m.group("parts")):
            if part.type == whole.type and part != whole:
                yield Fact(
                    whole, "hasPart", part, v.evidence(m.start(), m.end(), "rule:enumeration", 0.9)
                )
    for m in IMPLEMENT.finditer(v.masked):
        q = v.refs_in(m.group("q"))[0]
        if q.type == PLAN and ctx.topic_programme is not None:
            yield Fact(
                ctx.topic_programme,
                "implementsPlan",
                q,
                v.evidence(m.start(), m.end(), "rule:implements", 0.7),
            )


def period_facts(v: SentenceView, dates: list[DateMention]) -> Iterator[Fact]:
    """Periods and dates of plans and programmes.

    A date range beside a programme or plan is its period (用3年时间(2013-2015年)建设“六个园区”);
    自2011年起…定为/设立 X gives X's start; a plan acted on in a sentence that opens with a date
    (2012年,将《甲》列为…) is dated so.
    """
    dated = [
        m
        for m in v.mentions
        if m.ref.type in (PLAN, PUB, PROG) and not v.entities[m.ref].collective
    ]
    for d in dates:
        if d.end_value is not None:
            after = [m for m in dated if m.start >= d.end and m.start - d.end <= 12]
            before = [m for m in dated if m.end <= d.start and m.ref.type == PLAN]
            target = after[0] if after else (before[-1] if before else None)
            if target is not None:
                a, b = sorted((d.start, d.end, target.start, target.end))[::3]
                ev = Evidence(
                    v.doc.key, v.sentence.start + a, v.sentence.start + b, "rule:period", 0.8
                )
                yield Fact(target.ref, "startDate", Value(d.value, d.datatype), ev)
                yield Fact(target.ref, "endDate", Value(d.end_value, d.datatype), ev)
        elif "since" in (d.qualifier or ""):
            at = v.masked_index(d.end)
            verb = CREATION_VERB.search(v.masked, at)
            if verb is None:
                continue
            clause_end = v.clause_bounds(verb.end())[1]
            for c in v.masked[verb.end() : clause_end]:
                refs = [r for r in v.refs_in(c) if r.type in (PROG, SITE, ORG)]
                if refs:
                    ev = v.evidence(v.masked_index(d.start), clause_end, "rule:since", 0.8)
                    yield Fact(refs[0], "startDate", Value(d.value, d.datatype), ev)
    opening = dates[0] if dates and dates[0].start <= 3 and dates[0].end_value is None else None
    if opening is not None and PLAN_ACTION.search(v.masked):
        for plan in (m for m in dated if m.ref.type in (PLAN, PUB)):
            a, b = v.sentence.start, v.sentence.start + plan.end
            yield Fact(
                plan.ref,
                "dct:date",
                date_value(opening),
                Evidence(v.doc.key, a, b, "rule:plan-date", 0.8),
            )


def named_after_facts(v: SentenceView) -> Iterator[Fact]:
    """A plan whose name contains a programme's name is that programme's plan (…试点实施方案)."""
    for plan in (m for m in v.mentions if m.ref.type == PLAN):
        info = v.entities[plan.ref]
        for prog in (e for e in v.entities.values() if e.ref.type == PROG and not e.collective):
            if any(
                name in info.zh and name != info.zh
                for name in (prog.zh, *prog.aliases)
                if len(name) >= 4
            ):
                ev = v.mention_evidence(plan, "rule:plan-named-after", 0.8)
                yield Fact(prog.ref, "implementsPlan", plan.ref, ev)
                break


def practice_facts(
    v: SentenceView, practices: dict[str, list[str]], ctx: Context
) -> Iterator[Fact]:
    """借鉴新加坡…做法/经验: what the sentence then creates is modelled on that practice."""
    for m in BORROW.finditer(v.masked):
        if v.mention(m.group("c")).ref.type != PLACE:
            continue
        phrase = v.original(m.start(), m.end())
        codes = [code for code, names in practices.items() if any(n in phrase for n in names)]
        if not codes:
            continue
        practice = Concept("singapore-practice", codes[0])
        rest = v.masked[m.end() :]
        verb = CREATION_VERB.search(rest)
        subjects: list[tuple[Ref, float]] = []
        if verb:
            at = m.end() + verb.start()
            clause_start, clause_end = v.clause_bounds(at)
            disposal = (
                v.masked.rfind("将", clause_start, at)
                if DISPOSAL_VERB.match(rest, verb.start())
                else -1
            )
            span = v.masked[disposal if disposal >= 0 else at : clause_end]
            subjects = [(r, 0.8) for r in v.refs_in(span) if r.type in (ORG, SITE, PROG)]
            end = clause_end
        else:
            end = m.end()
        if not subjects:  # 甲学习借鉴新加坡…经验 / the programme the paragraph is about
            before = v.first_of(ORG, PLACE, PROG, before=m.start())
            fallback = before or ctx.topic_programme
            if fallback is not None:
                subjects.append((fallback, 0.7 if before else 0.6))
        evidence = v.evidence(
            min(m.start(), _first_index(v, subjects)), end, "rule:modelled-on", 0.8
        )
        named = dict(_practice_named(v, practices))
        for ref, confidence in dict.fromkeys(subjects):
            yield Fact(ref, "modelledOn", practice, replace(evidence, confidence=confidence))
            if ref in named and named[ref] != practice.code:
                yield Fact(
                    ref,
                    "modelledOn",
                    Concept("singapore-practice", named[ref]),
                    replace(evidence, method="rule:modelled-on-name", confidence=0.75),
                )


def _first_index(v: SentenceView, subjects: list[tuple[Ref, float]]) -> int:
    """Where the first subject stands in the masked text, if before the borrowing phrase."""
    refs = {r for r, _ in subjects}
    return next(
        (i for i, c in enumerate(v.masked) if v.refs_in(c) and v.refs_in(c)[0] in refs),
        len(v.masked),
    )


def _practice_named(v: SentenceView, practices: dict[str, list[str]]) -> Iterator[tuple[Ref, str]]:
    """Entities whose own name is a Singapore institution's (邻里中心, 民众联络所)."""
    for m in v.mentions:
        for code, names in practices.items():
            if m.text in names:
                yield m.ref, code


def founding_facts(
    v: SentenceView, dates: list[DateMention], ctx: Context
) -> Iterator[Fact | EntityInfo]:
    """成立/设立/建成启用 X: a founding event, with its date and who approved it."""
    restructure = RESTRUCTURE.search(v.masked)
    restructured: Ref | None = (
        None  # the body a restructuring created: the first founded after 职能…整合
    )
    for m in APPROVED.finditer(v.masked):
        b, by = v.mention(m.group("b")).ref, v.mention(m.group("by")).ref
        if by.type == ORG:
            yield from _event(v, b, "Founding", m.start(), m.end(), dates, [("approvedBy", by)])
    for m in FOUNDING.finditer(v.masked):
        b = v.mention(m.group("b")).ref
        info = v.entities[b]
        if info.collective or b.type not in (ORG, SITE, PROG):
            continue
        extra: list[tuple[str, Ref | Concept]] = []
        cls = "Founding"
        start = m.start()
        if restructure and restructured is None and m.start() > restructure.start():
            restructured, cls, start = b, "Restructuring", 0
            extra += [
                ("mergedFunction", Concept("function", c))
                for c in functions_named(v.text, ctx.functions)
            ]
            inner = INTERNAL_BODIES.search(v.masked)
            if inner:
                parent = v.mention(inner.group("p")).ref
                yield Fact(
                    b,
                    "subOrganisationOf",
                    parent,
                    v.evidence(inner.start(), m.end(), "rule:restructuring", 0.85),
                )
                extra.append(("org:originalOrganization", parent))
        yield from _event(v, b, cls, start, m.end(), dates, extra)


def functions_named(text: str, functions: dict[str, list[str]]) -> list[str]:
    """The government functions a text names (社区管理、司法行政、信访…)."""
    return [code for code, names in functions.items() if any(n in text for n in names)]


def _event(
    v: SentenceView,
    thing: Ref,
    cls: str,
    start: int,
    end: int,
    dates: list[DateMention],
    extra: list[tuple[str, Ref | Concept]],
) -> Iterator[Fact | EntityInfo]:
    info = v.entities[thing]
    event = Ref(EVENT, f"{thing.key}-founding")
    yield EntityInfo(event, cls, f"{info.zh}成立", f"founding of {info.en}", minted=True)
    rule = "rule:restructuring" if cls == "Restructuring" else "rule:founding"
    ev = v.evidence(start, end, rule, 0.85)
    yield Fact(event, "rdf:type", Value(cls, "class"), ev)
    yield Fact(event, "establishes", thing, ev)
    if thing.type == ORG:
        yield Fact(event, "org:resultingOrganization", thing, ev)
    for predicate, obj in extra:
        yield Fact(event, predicate, obj, ev)
    date = leading_date(dates, v, end - 1)
    if date is not None:
        yield Fact(event, "dct:date", date_value(date), v.evidence(0, end, f"{rule}-date", 0.85))


def hosting_facts(v: SentenceView) -> Iterator[Fact]:
    """A facility that opens a sentence hosts what the sentence says it sets up inside it."""
    host = v.first_of(SITE)
    if host is None or v.first_of(SITE, ORG, PROG) != host:
        return
    for verb in HOST_VERB.finditer(v.masked):
        clause_end = v.clause_bounds(verb.end())[1]
        for c in v.masked[verb.end() : clause_end]:
            refs = v.refs_in(c)
            if refs and refs[0] != host and refs[0].type in (SITE, ORG):
                yield Fact(host, "hosts", refs[0], v.evidence(0, clause_end, "rule:hosts", 0.8))


def function_facts(v: SentenceView, functions: dict[str, list[str]]) -> Iterator[Fact]:
    """甲…负责乙、丙等工作: the functions a body exercises (negated remits are skipped)."""
    subject = v.first_of(ORG)
    if subject is None:
        return
    for m in FUNCTIONS.finditer(v.masked):
        ev = v.evidence(m.start(), m.end(), "rule:functions", 0.8)
        for code in functions_named(
            v.original(m.start("f"), m.end("f")) if m.group("f") else "", functions
        ):
            yield Fact(subject, "exercisesFunction", Concept("function", code), ev)


def event_facts(v: SentenceView, dates: list[DateMention]) -> Iterator[Fact]:
    """Meetings and reforms named in a sentence that opens with a date happened then."""
    if not dates or dates[0].start > 3:
        return
    place = v.first_of(PLACE)
    for mention in v.mentions:
        if mention.ref.type != EVENT:
            continue
        masked_index = next(i for i, (a, _) in enumerate(v.positions) if a == mention.start)
        date = leading_date(dates, v, masked_index)
        if date is not None:
            yield Fact(
                mention.ref,
                "dct:date",
                date_value(date),
                v.evidence(0, masked_index + 1, "rule:event-date", 0.85),
            )
        if v.entities[mention.ref].cls == "Reform" and place is not None and "完成" in v.masked:
            yield Fact(
                mention.ref,
                "affected",
                place,
                v.evidence(0, masked_index + 1, "rule:reform-affected", 0.8),
            )


# 中国江苏省苏州市工业园区: place names written one after another, each inside the one before (the
# Chinese address order, largest first); 甲位于乙丙丁: 甲 is in the last of them
ADDRESS = expand(r"{E}{E}+")
SITUATED = expand(
    r"(?P<a>{QE})[^。;,\uff0c{EC}]{0,4}?(?:位于|地处|坐落于|坐落在|座落于|地处于|处于)(?P<b>{E}+)"
)
SITUATED_TYPES = (PLACE, SITE, ORG)
# 独墅湖东南角,星湖街218号,坐落着甲: a sentence that opens with where, then what stands there
EXISTENTIAL = expand(
    r"^(?P<b>[^。;{EC}]{0,4}?{E}[^。;]{0,16}?)(?:坐落着|矗立着|屹立着|坐落有|分布着)"
    r"(?P<a>{QE}(?:[、和及与]{QE})*)"
)


def location_facts(v: SentenceView, stated: list[Fact]) -> Iterator[Fact]:
    """甲乙 (an address written largest first), 甲位于乙 and 乙…坐落着甲: where places and sites are (乙内有甲 and
    乙引来了甲 are binary rules). A pair a structure rule already relates (乙 partOf 甲) is not said
    again."""
    said = {(f.subject, f.object) for f in stated}
    found: list[Fact] = []
    for m in ADDRESS.finditer(v.masked):
        refs = v.refs_in(m.group())
        for outer, inner in pairwise(refs):
            if outer.type == PLACE and inner.type in (PLACE, SITE) and outer != inner:
                ev = v.evidence(m.start(), m.end(), "rule:address", 0.8)
                found.append(Fact(inner, "locatedIn", outer, ev))
    for m in SITUATED.finditer(v.masked):
        refs = v.refs_in(m.group("b"))
        a, b = v.refs_in(m.group("a"))[0], refs[-1]
        if a.type in SITUATED_TYPES and b.type in (PLACE, SITE) and a != b:
            ev = v.evidence(m.start(), m.end(), "rule:situated", 0.85)
            found.append(Fact(a, "locatedIn", b, ev))
    for m in EXISTENTIAL.finditer(v.masked):
        ev = v.evidence(m.start(), m.end(), "rule:existential", 0.8)
        for b in v.refs_in(m.group("b")):
            for a in v.refs_in(m.group("a")):
                if a.type in SITUATED_TYPES and b.type in (PLACE, SITE) and a != b:
                    found.append(Fact(a, "locatedIn", b, ev))
    for f in found:
        if (f.subject, f.object) not in said:
            said.add((f.subject, f.object))
            yield f


def topic_of(v: SentenceView) -> Ref | None:
    """推进X建设 / X建设 at the head of a sentence: the programme the paragraph is about."""
    m = TOPIC.search(v.masked[:12])
    if not m:
        return None
    ref = v.mention(m.group("x") or m.group("y")).ref
    return ref if ref.type == PROG else None
