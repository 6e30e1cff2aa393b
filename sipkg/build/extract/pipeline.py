"""Documents + registry -> facts, observations and entities, each fact with its evidence."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from sipkg.build.documents import Document
from sipkg.build.extract import countries, english
from sipkg.build.extract.dates import DateMention, find_dates
from sipkg.build.extract.english import EnglishGazetteer
from sipkg.build.extract.events import find_events
from sipkg.build.extract.infobox import infobox_facts
from sipkg.build.extract.model import EntityInfo, Event, Fact, Observation, Ref, Value
from sipkg.build.extract.quantities import find_quantities
from sipkg.build.extract.recognise import (
    HEADS,
    HEADS_BY_LENGTH,
    Candidate,
    Recogniser,
    designations,
    equivalents,
    non_overlapping,
)
from sipkg.build.extract.registry import Gazetteer, Mention, Registry, mint_key, pinyin_label
from sipkg.build.extract.rules import (
    Context,
    binary_facts,
    designation_facts,
    event_facts,
    founding_facts,
    function_facts,
    hosting_facts,
    location_facts,
    named_after_facts,
    period_facts,
    plan_facts,
    practice_facts,
    topic_of,
)
from sipkg.build.extract.script import simplified
from sipkg.build.extract.sentence import SentenceView
from sipkg.build.extract.statistics import observations


@dataclass
class Extraction:
    facts: list[Fact] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    mentions: list[tuple[str, int, Ref]] = field(
        default_factory=list
    )  # (doc key, sentence index, entity)
    dates: list[tuple[str, int, DateMention]] = field(
        default_factory=list
    )  # (doc key, sentence index, date)
    minted: dict[str, Ref] = field(
        default_factory=dict
    )  # names found by the recogniser -> their keys
    indicators: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # minted indicator code -> (zh, en)


class Extractor:
    """Reads documents with one registry; entities found on the way join the registry."""

    def __init__(self, registry: Registry, minted: dict[str, Ref] | None = None):
        self.registry = registry
        self.minted = dict(minted or {})
        for name, ref in self.minted.items():
            self._register(name, ref, _class_for(name, ref))
        names = registry.names()
        self.gazetteer = Gazetteer(names, registry.ignore)
        specific = {n for n, r in names.items() if not registry.entities[r].collective}
        self.recogniser = Recogniser(list(names), specific)
        self.named_by_head: dict[str, Ref] = {}  # head word -> what the document last so named

    def _register(self, name: str, ref: Ref, cls: str, english_name: str | None = None) -> None:
        """A found name joins the registry: as a new entity, or as one more name of the entity
        its other form (湖西社工委 / 湖西社区工作委员会) already names."""
        info = self.registry.entities.get(ref)
        chinese = _chinese(name)
        if info is None:
            en = english_name or (pinyin_label(name) if chinese else name)
            self.registry.add(EntityInfo(ref, cls, name, en, minted=True))
        elif chinese and not _chinese(info.zh):  # Germany, then 德国: the Chinese name leads
            self.registry.entities[ref] = replace(info, zh=name, aliases=(*info.aliases, info.zh))
        elif name != info.zh and name not in info.aliases:
            self.registry.entities[ref] = replace(info, aliases=(*info.aliases, name))

    def mentions(self, text: str) -> list[Mention]:
        """Registry names, then names the recogniser finds (minting keys for new ones)."""
        known = self.gazetteer.find(text)
        found = []
        candidates = (
            designations(text, known)
            + self.recogniser.coordinated(text, known)
            + self.recogniser.listed(text, known)
            + self.recogniser.find(text, known)
        )
        for c in non_overlapping(candidates):
            found.append(Mention(c.start, c.end, c.name, self._mint(c)))
        kept = [m for m in known if not any(f.start <= m.start and m.end <= f.end for f in found)]
        out = sorted(kept + found, key=lambda m: m.start)
        out = self._bare_heads(text, out)
        for m in out:
            head = next((h for h in HEADS_BY_LENGTH if m.text.endswith(h)), None)
            if head and len(head) > 1 and m.text != head:
                self.named_by_head[head] = m.ref
        return out

    def _bare_heads(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """景区 after 金鸡湖景区, 该街道 after 金鸡湖街道: a head word standing alone names the entity
        the document last named with it (a registry name there, 街道 for all subdistricts, stays)."""
        out = list(mentions)
        for head, ref in self.named_by_head.items():
            for m in re.finditer(re.escape(head), text):
                a, b = m.span()
                if a > 0 and "\u4e00" <= text[a - 1] <= "\u9fff" and text[a - 1] not in BEFORE_BARE:
                    continue  # the end of a longer word: 全国景区
                if text.startswith(ACTIVITY, b):
                    continue
                if not any(x.start < b and a < x.end for x in out):
                    out.append(Mention(a, b, head, ref))
        return sorted(out, key=lambda m: m.start)

    def _mint(self, c: Candidate) -> Ref:
        """The entity of a recognised name: the one minted for it before, the one its other form
        names, or a new one with a key minted from the name (then frozen)."""
        ref = self.minted.get(c.name)
        if ref is None:
            english_name = countries.CHINESE.get(c.name) if c.cls == "Country" else None
            names = [*equivalents(c.name), *([english_name] if english_name else [])]
            ref = next((self.minted[n] for n in names if n in self.minted), None) or next(
                (self.gazetteer.names[n] for n in names if n in self.gazetteer.names), None
            )
            if ref is None:  # 德国 and Germany: one country, keyed by its English name
                taken = {r.key for r in self.registry.entities if r.type == c.type}
                ref = Ref(c.type, mint_key(english_name or c.name, taken))
            self.minted[c.name] = ref
            self._register(c.name, ref, c.cls, english_name)
            self.gazetteer.names[c.name] = ref
        return ref

    def _event(self, e: Event, out: Extraction) -> None:
        """A dated act becomes an event entity with its class, date and participants in their roles.

        A founding is named after what it founded (`{key}-founding`, as the founding rule names it),
        so both readings of one clause describe one event; other acts after their kind, date and
        object (or their sentence, when no object is named)."""
        entities = self.registry.entities
        obj = next((r for role, r in e.roles if role in ("object", "result")), None)
        kind = re.sub(r"(?<!^)(?=[A-Z])", "-", e.cls).lower()
        when = e.date.lexical.lstrip("-") + ("-bce" if e.date.lexical.startswith("-") else "")
        if e.cls == "Founding" and obj is not None:
            key = f"{obj.key}-founding"
        elif obj is not None:
            key = f"{kind}-{when}-{obj.key}"
        else:
            key = f"{kind}-{when}-{e.evidence.doc[:8]}-{e.evidence.start}"
        ref = Ref("event", key)
        if ref not in entities:
            what = entities.get(obj, None)
            zh = f"{what.zh}{e.act}" if what else f"{e.date.lexical} {e.act}"
            en = f"{e.cls} of {what.en}" if what else f"{e.cls}, {e.date.lexical}"
            self.registry.add(EntityInfo(ref, e.cls, zh, en, minted=True))
        out.facts.append(Fact(ref, "rdf:type", Value(e.cls, "class"), e.evidence))
        out.facts.append(Fact(ref, "dct:date", e.date, e.evidence))
        if e.end is not None:
            out.facts.append(Fact(ref, "endDate", e.end, e.evidence))
        for role, who in e.roles:
            predicate = ROLE_PREDICATES[role]
            if role == "object" and e.cls == "Founding":
                predicate = "establishes"
            out.facts.append(Fact(ref, predicate, who, e.evidence))
            if predicate == "establishes" and who.type == "org":
                out.facts.append(Fact(ref, "org:resultingOrganization", who, e.evidence))

    def run(self, documents: list[Document], as_of: dict[str, Value] | None = None) -> Extraction:
        """Facts of the documents; `as_of` gives, per document key, the date its 目前 (now) means
        when that is not its publication date."""
        out = Extraction()
        for doc in documents:
            self._document(doc, out, (as_of or {}).get(doc.key))
        out.minted = dict(self.minted)
        return out

    def _document(self, doc: Document, out: Extraction, as_of: Value | None) -> None:
        entities = self.registry.entities
        self.named_by_head = {}
        if doc.language == "en":
            recogniser = english.EnglishRecogniser(
                EnglishGazetteer(entities)
            )  # learns the document's abbreviations

            def find(text: str) -> list[Mention]:
                return recogniser.mentions(text, self._mint)
        else:
            find = self.mentions
        title_refs = [m.ref for m in find(simplified(doc.title))]
        ctx = Context(functions=self.registry.functions)
        ctx.topic_org = next((r for r in title_refs if r.type == "org"), None)
        topic = (
            title_refs[0] if title_refs else None
        )  # what a clause without a named subject speaks of
        reading = [
            replace(s, text=simplified(s.text)) for s in doc.content_sentences()
        ]  # offsets unchanged
        views = [SentenceView(doc, s, find(s.text), entities) for s in reading]
        places = Counter(m.ref for v in views for m in v.mentions if m.ref.type == "place")
        ctx.topic_place = next((r for r in title_refs if r.type == "place"), None) or (
            places.most_common(1)[0][0] if places else None
        )
        # relative dates resolve at the precision of the publication date: with only its year known,
        # 去年 resolves and 昨天 does not
        reference = doc.published if doc.published_precision == "date" else None
        now = as_of or (Value(str(doc.published.year), "gYear") if doc.published else None)
        written = (
            int(as_of.lexical[:4])
            if as_of
            else (doc.published.year if doc.published and reference is None else None)
        )
        typed: set[Ref] = set()
        context_year: int | None = None
        paragraph = 0
        for v in views:
            if v.sentence.paragraph != paragraph:
                paragraph, ctx.topic_programme = v.sentence.paragraph, None
            ctx.topic_programme = topic_of(v) or ctx.topic_programme
            for m in v.mentions:
                out.mentions.append((doc.key, v.sentence.index, m.ref))
                if m.ref not in typed:
                    typed.add(m.ref)
                    info = entities[m.ref]
                    method = "recogniser" if info.minted else "registry"
                    ev = v.mention_evidence(m, method, 0.7 if info.minted else 1.0)
                    out.facts.append(Fact(m.ref, "rdf:type", Value(info.cls, "class"), ev))
            if doc.language == "en":  # names, figures, dated acts; the relation rules read Chinese
                dates = english.find_dates(
                    v.text, reference, year=doc.published.year if doc.published else None
                )
                out.dates.extend((doc.key, v.sentence.index, d) for d in dates)
                self._observations(
                    out,
                    english.observations(
                        v,
                        english.find_quantities(v.text),
                        dates,
                        ctx.topic_place,
                        now,
                        subject_default=topic,
                    ),
                )
                out.facts.extend(english.relation_facts(v, topic))
                for e in english.find_events(v, dates, topic):
                    self._event(e, out)
                continue
            dates = find_dates(
                v.text, reference=reference, context_year=context_year, written=written
            )
            out.dates.extend((doc.key, v.sentence.index, d) for d in dates)
            absolute = [d for d in dates if not d.relative]
            if absolute:
                context_year = int(absolute[-1].value[:4])
            quantities = find_quantities(v.text)
            structure = list(binary_facts(v))
            out.facts.extend(structure)
            out.facts.extend(location_facts(v, structure))
            out.facts.extend(designation_facts(v, dates))
            out.facts.extend(plan_facts(v, ctx))
            out.facts.extend(named_after_facts(v))
            out.facts.extend(period_facts(v, dates))
            out.facts.extend(practice_facts(v, self.registry.practices, ctx))
            out.facts.extend(hosting_facts(v))
            out.facts.extend(function_facts(v, self.registry.functions))
            out.facts.extend(event_facts(v, dates))
            out.facts.extend(infobox_facts(v, topic))
            for e in find_events(v, dates, topic):
                self._event(e, out)
            for item in founding_facts(v, dates, ctx):
                if isinstance(item, EntityInfo):
                    if item.ref not in entities:
                        self.registry.add(item)
                else:
                    out.facts.append(item)
            self._observations(
                out,
                observations(v, quantities, dates, self.registry.indicators, ctx.topic_place, now),
            )

    @staticmethod
    def _observations(out: Extraction, items) -> None:
        """Observations into the extraction; indicators minted on the way, (code, zh, en), for review."""
        for item in items:
            if isinstance(item, Observation):
                out.observations.append(item)
            else:
                code, zh, en = item
                out.indicators.setdefault(code, (zh, en))


BEFORE_BARE = set("该本此其在于和与及、")  # what may stand before a head word standing alone
# what after a head word makes it a field of work, not a body or place: 社区建设, 街道工作
ACTIVITY = ("建设", "治理", "工作", "管理", "服务", "发展", "规划", "营造", "改革")

# how an event's roles are written as properties (an object founded is `establishes`, see _event)
ROLE_PREDICATES = {
    "agent": "agent",
    "object": "concerns",
    "place": "heldIn",
    "participant": "participant",
    "original": "org:originalOrganization",
    "result": "org:resultingOrganization",
}


DEFAULT_CLASS = {
    "person": "Person",
    "place": "Place",
    "site": "Facility",
    "publication": "Publication",
    "programme": "Programme",
    "plan": "Plan",
    "designation": "Designation",
    "event": "Event",
}


def _class_for(name: str, ref: Ref) -> str:
    """The class a frozen name's head word gives it (Chinese or English), else its type's."""
    if ref.type == "person":
        return "Person"
    head = next((h for h in HEADS_BY_LENGTH if name.endswith(h)), None)
    if head and HEADS[head][0] == ref.type:
        return HEADS[head][1]
    english_head = english.head_class(name)
    return english_head or DEFAULT_CLASS.get(ref.type, "Organisation")


def _chinese(name: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in name)
