"""Dated events read from any clause that states an act: 甲于1994年成立, 2019年5月甲与乙签署丙,
撤甲镇设乙街道, 甲被丙评为丁 …

An act word of the lexicon (`ACTS`) in a clause that a date governs is an event of the word's
class. The date is the one stated in the clause, or else the last one stated before it in the
sentence, at the precision written (a range gives the event an end). Roles come from the
clause's structure: the subject before the act, what follows it, and the entities the
prepositions introduce (在/于 a place, 与/同 a further party, 被/由 the agent, 将/把 the object,
为/成 the result). Negated acts (未成立, 不予批准) and acts with no date are not events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sipkg.build.extract.dates import DateMention
from sipkg.build.extract.model import Event, Ref, Value
from sipkg.build.extract.rules import leading_date
from sipkg.build.extract.sentence import CLAUSE_STOPS, FIRST, SentenceView, expand


def _words(cls: str, *words: str) -> dict[str, str]:
    return dict.fromkeys(words, cls)


# act word -> event class (sip: class local name)
ACTS: dict[str, str] = {
    **_words("Founding", "成立", "设立", "组建", "建立", "挂牌成立", "创建"),
    **_words("Abolition", "撤销", "撤并"),
    **_words(
        "Restructuring",
        "改为",
        "改设",
        "撤乡建镇",
        "撤镇设街道",
        "撤镇建街道",
        "撤县设区",
        "撤县设市",
        "撤村建居",
    ),
    **_words("Merger", "合并", "并入"),
    **_words("Transfer", "划归", "划入", "划出"),
    **_words("Renaming", "更名", "改名"),
    **_words("Approval", "批准", "获批"),
    **_words("Signing", "签署", "签订"),
    **_words("Launch", "启动", "启用", "开业", "开放", "投入使用"),
    **_words("ConstructionStart", "开工", "奠基", "开发"),
    **_words("Completion", "建成", "竣工", "落成", "完工"),
    **_words("Inauguration", "揭牌"),
    **_words("Meeting", "召开", "举行", "举办", "主办"),
    **_words("Expansion", "扩大", "扩容"),
    **_words("Listing", "上市"),
    **_words(
        "Award", "获得", "荣获", "获评", "被评为", "蝉联", "评为", "入选", "跻身", "登上", "入围"
    ),
}

# what may follow (or precede) an act word when it is part of another word: 开发区 is no
# development, 上市公司 no listing, 建立健全 sets nothing up, 获得感 wins nothing
NOT_AFTER = {
    "开发": "区|商|者|利用",
    "开放": "式|型|性|日|包容|共享|合作",
    "上市": "公司|企业",
    "主办": "方|单位",
    "举办": "方|单位|地",
    "建成": "区",
    "建立": "健全",
    "奠基": "人|石",
    "获得": "感",
    "扩大": "会议|内需",
}
NOT_BEFORE = {"开放": "改革"}
# 获得/荣获 win a title or a prize only when one follows
AWARD_OBJECT = re.compile(r"奖|称号|荣誉|殊荣|表彰|冠军|金牌|第一")
WEAK_AWARD = {"获得", "荣获"}
# 入选/跻身/登上 rank only when a list or a ranking follows: 登上…金榜, 跻身全国百强
RANKING = re.compile(r"榜|名单|名录|行列|百强|十强|排行|前[一二三四五六七八九十百0-9]+")
RANKED = {"入选", "跻身", "登上", "入围"}
# classes whose act may stand with no named party (the sentence before named it: 于1994年成立)
BARE = {
    "Founding",
    "Abolition",
    "Launch",
    "ConstructionStart",
    "Completion",
    "Inauguration",
    "Listing",
    "Renaming",
}
AGENT_TYPES = ("org", "place", "person")
PLACE_TYPES = ("place", "site")
# dates that do not date the act: 截至2019年底建成 (a state by then), 2010年以前, 2010年以后
UNDATING = {"until", "before", "after"}

# acts whose subject is what they are on whatever follows: 甲获批国家级开发区
SUBJECT_UNDERGOES = {"获批", "被评为", "获评"}
# a trend or a running total, not an act: 不断扩大, 逐步建立, 进一步扩大, 累计建成
CONTINUOUS = re.compile(
    r"(?:不断|逐步|逐渐|日益|日渐|持续|稳步|进一步|正在|累计|共计|总共|合计)[^\ue000-\uf8ff]?$"
)
# a negator just before the act, or before a phrase that a preposition opens (未在甲举行)
NEGATION = re.compile(
    r"(?:不(?![断仅久少同但光论管])|未(?!来)|没有?|无法|难以|尚未)"
    r"(?:[^\ue000-\uf8ff]{0,2}|(?:在|于|与|同|和|向|对|被|由|经)[^\ue000-\uf8ff]{0,3}"
    r"[\ue000-\uf8ff][^\ue000-\uf8ff]{0,2})$"
)

# the markers that give the entity after them a role (the text before it ends with one):
# before the act word, and after it
BEFORE_MARKERS: list[tuple[str, str]] = [
    ("位于", "place"),
    ("在", "place"),
    ("于", "place"),
    ("被", "passive"),
    ("由", "by"),
    ("经", "approver"),
    ("获", "approver"),
    ("将", "disposal"),
    ("把", "disposal"),
    ("与", "partner"),
    ("同", "partner"),
    ("跟", "partner"),
    ("从", "source"),
    ("自", "source"),
]
AFTER_MARKERS: list[tuple[str, str]] = [
    ("位于", "place"),
    ("在", "place"),
    ("于", "place"),
    ("由", "component"),  # 成立了由甲、乙组成的丙: 甲 and 乙 make it up
    ("与", "partner"),
    ("同", "partner"),
    ("跟", "partner"),
    ("从", "source"),
    ("成为", "to"),
    ("为", "to"),
    ("成", "to"),
    ("入", "to"),
    ("到", "to"),
    ("至", "to"),
]
# what may stand between an act word and the end of its clause (or the next act) when the act
# has no object: 于1994年成立, 正式开业了, 开工建设, 建成并投入使用
INTRANSITIVE_TAIL = re.compile(
    r"(?:了|啦|的|以来|至今|之后|后|时|并|而|且|和|及|仪式|典礼|大会|活动|建设|运行|运营|使用|工作"
    r"|于|公元前?|[0-9０-９〇零一二三四五六七八九十年月日号初底末])*"
)  # 成立于2001年, 建立2022年
QUOTES = '“"《「”》」'
LIST_JOINS = {"", "、", "和", "及", "以及", ",", "\uff0c"}
STOPS = CLAUSE_STOPS + "\uff0c\uff1b\uff1a\uff01\uff1f"  # also in full-width forms

# 撤甲设乙, 撤销甲,设立乙, 撤乡建镇: what existed before and what replaced it
UNIT = "乡|镇|县|村|区|市|街道|社区|居"
PAIR = expand(
    rf"撤(?:销|并)?了?(?P<o>{{ES}}|{UNIT})[,\uff0c、]?(?:并|同时)?(?:设立?|建立?|组建|成立|新设|建)"
    rf"(?P<r>{{ES}}|{UNIT})"
)
# the act words, longest first, so that 挂牌成立 is not read as 成立
ACT = re.compile("|".join(sorted(ACTS, key=len, reverse=True)))


@dataclass
class Parties:
    """The entities of a clause by the place they stand in: before the act, with their markers."""

    subject: list[Ref] = field(default_factory=list)
    tagged: dict[str, list[Ref]] = field(default_factory=dict)
    after: list[Ref] = field(default_factory=list)  # the first run of entities after the act

    def get(self, tag: str) -> list[Ref]:
        return self.tagged.get(tag, [])


def find_events(v: SentenceView, dates: list[DateMention], topic: Ref | None = None) -> list[Event]:
    """The dated acts the sentence states, one event per act word (see the module docstring).

    `dates` are the sentence's dates (sentence offsets). `topic`, if given, is the entity a
    clause speaks of when neither it nor the clauses before it in the sentence name one.
    """
    dates = [d for d in dates if not _inside_mention(v, d)]
    clauses = _clauses(v.masked)
    events: list[Event] = []
    taken: list[tuple[int, int]] = []
    subjects: list[tuple[int, list[Ref]]] = []  # clause start -> its subject, for later clauses
    for m in PAIR.finditer(v.masked):
        event = _pair_event(v, m, dates, clauses)
        if event is not None:
            events.append(event)
            taken.append((m.start(), m.end()))
    for a, b in clauses:
        acts = _acts(v.masked, a, b)
        for n, act in enumerate(acts):
            s, e = act.span()
            if any(x <= s < y for x, y in taken):
                continue
            cls = ACTS[act.group()]
            parties = _parties(v, a, s, e, b)
            inherited = False
            if not parties.subject and not parties.get("disposal"):
                earlier = next((refs for start, refs in reversed(subjects) if start < a), None)
                if earlier is None and topic is not None:
                    earlier = [topic]
                if earlier:
                    parties.subject, inherited = list(earlier), True
            tail_end = acts[n + 1].start() if n + 1 < len(acts) else b
            final = INTRANSITIVE_TAIL.fullmatch(v.masked, e, tail_end) is not None
            roles = _roles(cls, act.group(), parties, final)
            if roles is None or (not roles and (cls not in BARE or not final)):
                continue
            date, near = _governing(v, dates, a, b, s)
            if date is None or _undating(date):
                continue
            confidence = 0.8 if near and not inherited else 0.7
            ev = v.evidence(a, b, f"rule:event-{cls.lower()}", confidence)
            events.append(
                Event(
                    cls,
                    Value(date.value, date.datatype),
                    v.original(s, e),
                    tuple(roles),
                    ev,
                    _end(date),
                )
            )
        subject = _parties(v, a, b, b, b).subject
        if subject:
            subjects.append((a, subject))
    return sorted(events, key=lambda e: e.evidence.start)  # in the order the sentence states them


def _end(d: DateMention) -> Value | None:
    return Value(d.end_value, d.datatype) if d.end_value else None


def _undating(d: DateMention) -> bool:
    return any(q in UNDATING for q in (d.qualifier or "").split())


def _inside_mention(v: SentenceView, d: DateMention) -> bool:
    return any(m.start <= d.start and d.end <= m.end for m in v.mentions)


def _clauses(masked: str) -> list[tuple[int, int]]:
    out, a = [], 0
    for i, c in enumerate(masked):
        if c in STOPS:
            if i > a:
                out.append((a, i))
            a = i + 1
    if a < len(masked):
        out.append((a, len(masked)))
    return out


def _acts(masked: str, a: int, b: int) -> list[re.Match[str]]:
    """The act words of masked[a:b]; a negation reaches the acts chained to it (不予批准设立)."""
    out: list[re.Match[str]] = []
    negated_end = -1
    for m in ACT.finditer(masked, a, b):
        if m.start() == negated_end or NEGATION.search(masked[a : m.start()]):
            negated_end = m.end()
        elif _is_act(masked, m, a, b):
            out.append(m)
    return out


def _is_act(masked: str, act: re.Match[str], a: int, b: int) -> bool:
    """The word is an act here: not part of a longer word, not a trend or a running total."""
    word, s, e = act.group(), act.start(), act.end()
    after, before = NOT_AFTER.get(word), NOT_BEFORE.get(word)
    if after and re.match(after, masked[e:b]):
        return False
    if before and re.search(f"(?:{before})$", masked[a:s]):
        return False
    if word in WEAK_AWARD and not AWARD_OBJECT.search(masked[e:b]) and not _names(masked[e:b]):
        return False
    if word in RANKED and not RANKING.search(masked[e:b]):
        return False
    return not CONTINUOUS.search(masked[a:s])


def _names(fragment: str) -> bool:
    return any(FIRST <= ord(c) <= 0xF8FF for c in fragment)


def _governing(
    v: SentenceView, dates: list[DateMention], a: int, b: int, s: int
) -> tuple[DateMention | None, bool]:
    """The clause's own date (the last before the act, else the first after it), or the last
    date stated before the clause in the sentence; and whether it is the clause's own."""
    lo, hi = v.span(a, b)
    act_at = v.span(s, s + 1)[0]
    inside = [d for d in dates if lo <= d.start and d.end <= hi]
    if inside:
        before = [d for d in inside if d.start < act_at]
        return (before[-1] if before else inside[0]), True
    return leading_date(dates, v, a), False


def _marker(gap: str, markers: list[tuple[str, str]]) -> str | None:
    stripped = gap.rstrip(QUOTES)
    return next((tag for word, tag in markers if stripped.endswith(word)), None)


def _parties(v: SentenceView, a: int, s: int, e: int, b: int) -> Parties:
    """Who stands where in masked[a:b] around the act masked[s:e]."""
    p = Parties()
    last_tag, last_end = None, a
    for i in (i for i in range(a, s) if _is_symbol(v, v.masked[i])):
        ref, gap = v.mention(v.masked[i]).ref, v.masked[last_end:i].strip(QUOTES)
        tag = _marker(gap, BEFORE_MARKERS)
        if tag is None and last_tag is not None and gap in LIST_JOINS | {"的"}:
            tag = last_tag
            group = p.subject if tag == "subject" else p.tagged[tag]
            if gap in ("", "的"):  # 甲区乙街道, 甲的乙: the head is the last
                group.pop()
            group.append(ref)
        else:
            if tag is None:
                tag = "subject" if not p.subject else "other"
            (p.subject if tag == "subject" else p.tagged.setdefault(tag, [])).append(ref)
        last_tag, last_end = tag, i + 1
    last_tag, last_end = None, e
    for i in (i for i in range(e, b) if _is_symbol(v, v.masked[i])):
        ref, gap = v.mention(v.masked[i]).ref, v.masked[last_end:i].strip(QUOTES)
        tag = _marker(gap, AFTER_MARKERS)
        if tag is None and last_tag is not None and gap in LIST_JOINS:
            tag = last_tag
        elif tag is None and last_tag == "after" and gap == "的":
            tag = last_tag
            p.after.pop()
        elif tag is None:
            tag = "after" if not p.after and last_tag in (None, "component", "place") else "other"
        if tag == "after":
            p.after.append(ref)
        else:
            p.tagged.setdefault(tag, []).append(ref)
        last_tag, last_end = tag, i + 1
    return p


def _is_symbol(v: SentenceView, c: str) -> bool:
    return FIRST <= ord(c) < FIRST + len(v.mentions)


def _roles(cls: str, word: str, p: Parties, final: bool) -> list[tuple[str, Ref]] | None:
    """Roles of one act from the clause's parties; None when the clause does not state the act.

    `final`: nothing stands after the act word but particles (甲成立, 甲正式开业了), so its
    subject is what the act is on; otherwise (甲成立了工作组) the subject is the agent."""
    roles: list[tuple[str, Ref]] = []

    def add(role: str, refs: list[Ref], types: tuple[str, ...] | None = None) -> None:
        for r in refs:
            if (types is None or r.type in types) and (role, r) not in roles:
                roles.append((role, r))

    subject, after, to = p.subject, p.after, p.get("to")
    by, passive, disposal = p.get("by"), p.get("passive"), p.get("disposal")
    if cls in ("Renaming", "Restructuring"):
        add("agent", subject if disposal else [], AGENT_TYPES)
        add("original", by or disposal or subject)
        add("result", subject if by else to + after)
        if word in ("改为", "改设") and not any(r == "result" for r, _ in roles):
            return None  # 改为每月一次: no new body
    elif cls == "Merger":
        add("agent", subject if disposal else [], AGENT_TYPES)
        add("original", (disposal or subject) + p.get("partner") + by)
        add("result", (subject if by else []) + to + after)
    elif cls == "Award":
        if passive or disposal:
            add("agent", passive or subject, AGENT_TYPES)
        add("agent", by, AGENT_TYPES)
        add("object", disposal or subject)
    elif cls == "Transfer":
        add("agent", subject if disposal else [], AGENT_TYPES)
        add("object", disposal or subject)
        add("participant", after + to + p.get("source"))
    else:
        if passive:
            add("agent", passive, AGENT_TYPES)
            add("object", subject)
        elif disposal:
            add("agent", subject, AGENT_TYPES)
            add("object", disposal)
        elif after:
            add("agent", subject, AGENT_TYPES)
            add("object", after)
        elif (
            not final and not by and word not in SUBJECT_UNDERGOES
        ):  # 甲召开会议, 甲成立了工作组: 甲 acts on something unnamed
            add("agent", subject, AGENT_TYPES)
            add("object", [r for r in subject if r.type not in AGENT_TYPES])
        else:
            add("object", subject)
        add("agent", by, AGENT_TYPES)
        if cls == "Approval":
            add("agent", p.get("approver"), AGENT_TYPES)
    if cls != "Merger":
        add("participant", p.get("partner"))
    add("place", p.get("place"), PLACE_TYPES)
    return roles


def _pair_event(
    v: SentenceView, m: re.Match[str], dates: list[DateMention], clauses: list[tuple[int, int]]
) -> Event | None:
    """撤甲设乙 / 撤销甲,设立乙: a restructuring, 甲 the original, 乙 the result."""
    a = next(x for x, y in clauses if x <= m.start() < y or m.start() < x)
    b = next((y for x, y in clauses if x < m.end() <= y), len(v.masked))
    if NEGATION.search(v.masked[a : m.start()]):
        return None
    roles: list[tuple[str, Ref]] = [("original", r) for r in v.refs_in(m.group("o"))]
    roles += [("result", r) for r in v.refs_in(m.group("r"))]
    subject = _parties(v, a, m.start(), m.start(), m.start()).subject
    role = "agent" if roles else "object"
    roles = [(role, r) for r in subject if role == "object" or r.type in AGENT_TYPES] + roles
    date, near = _governing(v, dates, a, b, m.start())
    if date is None or _undating(date):
        return None
    ev = v.evidence(a, b, "rule:event-restructuring", 0.85 if near else 0.75)
    return Event(
        "Restructuring",
        Value(date.value, date.datatype),
        v.original(m.start(), m.end()),
        tuple(roles),
        ev,
        _end(date),
    )
