"""Documents + registry -> facts, observations and entities, each fact with its evidence."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from sipkg.build.documents import Document
from sipkg.build.extract import english
from sipkg.build.extract.dates import DateMention, find_dates
from sipkg.build.extract.english import EnglishGazetteer
from sipkg.build.extract.model import EntityInfo, Fact, Observation, Ref, Value
from sipkg.build.extract.quantities import find_quantities
from sipkg.build.extract.recognise import HEADS, HEADS_BY_LENGTH, Recogniser, equivalents
from sipkg.build.extract.registry import Gazetteer, Mention, Registry, mint_key, pinyin_label
from sipkg.build.extract.rules import Context, binary_facts, designation_facts, event_facts, founding_facts, function_facts, hosting_facts, named_after_facts, period_facts, plan_facts, practice_facts, topic_of
from sipkg.build.extract.sentence import SentenceView
from sipkg.build.extract.statistics import observations


@dataclass
class Extraction:
    facts: list[Fact] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    mentions: list[tuple[str, int, Ref]] = field(default_factory=list)  # (doc key, sentence index, entity)
    dates: list[tuple[str, int, DateMention]] = field(default_factory=list)  # (doc key, sentence index, date)
    minted: dict[str, Ref] = field(default_factory=dict)  # names found by the recogniser -> their keys
    indicators: dict[str, tuple[str, str]] = field(default_factory=dict)  # minted indicator code -> (zh, en)


class Extractor:
    """Reads documents with one registry; entities found on the way join the registry."""

    def __init__(self, registry: Registry, minted: dict[str, Ref] | None = None):
        self.registry = registry
        self.minted = dict(minted or {})
        for name, ref in self.minted.items():
            self._register(name, ref, _class_for(name))
        names = registry.names()
        self.gazetteer = Gazetteer(names, registry.ignore)
        specific = {n for n, r in names.items() if not registry.entities[r].collective}
        self.recogniser = Recogniser(list(names), specific)

    def _register(self, name: str, ref: Ref, cls: str) -> None:
        """A found name joins the registry: as a new entity, or as one more name of the entity
        its other form (湖西社工委 / 湖西社区工作委员会) already names."""
        info = self.registry.entities.get(ref)
        if info is None:
            self.registry.add(EntityInfo(ref, cls, name, pinyin_label(name), minted=True))
        elif name != info.zh and name not in info.aliases:
            self.registry.entities[ref] = replace(info, aliases=(*info.aliases, name))

    def mentions(self, text: str) -> list[Mention]:
        """Registry names, then names the recogniser finds (minting keys for new ones)."""
        known = self.gazetteer.find(text)
        found = []
        for c in self.recogniser.find(text, known):
            ref = self.minted.get(c.name)
            if ref is None:
                ref = next((self.gazetteer.names[n] for n in equivalents(c.name) if n in self.gazetteer.names), None)
                if ref is None:
                    taken = {r.key for r in self.registry.entities if r.type == c.type}
                    ref = Ref(c.type, mint_key(c.name, taken))
                self.minted[c.name] = ref
                self._register(c.name, ref, c.cls)
                self.gazetteer.names[c.name] = ref
            found.append(Mention(c.start, c.end, c.name, ref))
        kept = [m for m in known if not any(f.start <= m.start and m.end <= f.end for f in found)]
        return sorted(kept + found, key=lambda m: m.start)

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
        find = EnglishGazetteer(entities).find if doc.language == "en" else self.mentions
        title_refs = [m.ref for m in find(doc.title)]
        ctx = Context(functions=self.registry.functions)
        ctx.topic_org = next((r for r in title_refs if r.type == "org"), None)
        views = [SentenceView(doc, s, find(s.text), entities) for s in doc.content_sentences()]
        places = Counter(m.ref for v in views for m in v.mentions if m.ref.type == "place")
        ctx.topic_place = next((r for r in title_refs if r.type == "place"), None) or (
            places.most_common(1)[0][0] if places else None)
        reference = doc.published
        now = as_of or (Value(str(reference.year), "gYear") if reference else None)
        written = int(as_of.lexical[:4]) if as_of else None  # a reviewed estimate of when the text was written
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
            if doc.language == "en":  # names and figures only: the relation rules read Chinese
                dates = english.find_dates(v.text, reference)
                out.observations.extend(
                    english.observations(v, english.find_quantities(v.text), dates, ctx.topic_place, now))
                continue
            dates = find_dates(v.text, reference=reference, context_year=context_year, written=written)
            out.dates.extend((doc.key, v.sentence.index, d) for d in dates)
            absolute = [d for d in dates if not d.relative]
            if absolute:
                context_year = int(absolute[-1].value[:4])
            quantities = find_quantities(v.text)
            out.facts.extend(binary_facts(v))
            out.facts.extend(designation_facts(v, dates))
            out.facts.extend(plan_facts(v, ctx))
            out.facts.extend(named_after_facts(v))
            out.facts.extend(period_facts(v, dates))
            out.facts.extend(practice_facts(v, self.registry.practices, ctx))
            out.facts.extend(hosting_facts(v))
            out.facts.extend(function_facts(v, self.registry.functions))
            out.facts.extend(event_facts(v, dates))
            for item in founding_facts(v, dates, ctx):
                if isinstance(item, EntityInfo):
                    if item.ref not in entities:
                        self.registry.add(item)
                else:
                    out.facts.append(item)
            for item in observations(v, quantities, dates, self.registry.indicators, ctx.topic_place, now):
                if isinstance(item, Observation):
                    out.observations.append(item)
                else:
                    code, zh, en = item
                    out.indicators.setdefault(code, (zh, en))


def _class_for(name: str) -> str:
    """The class a recognised name's head word gives it."""
    head = next((h for h in HEADS_BY_LENGTH if name.endswith(h)), None)
    return HEADS[head][1] if head else "Organisation"

