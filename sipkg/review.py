"""The review report of one ingested document, as data: what it brought into the graph.

- entities it mentions, the new ones first (found by the recogniser, or named by no other
  document);
- its facts, each with method, confidence, quote and sentence, and the curation entry
  that would reject it (a reviewer accepts a fact by leaving it, rejects or corrects it
  with an entry in data/curation/);
- its statistics, and the conflicts: another document's observation of the same
  indicator, area (and subject) and year with a different value. Both stay in the graph
  as separate observations, each with its own source; nothing is overwritten.

Everything is read with SELECT queries through a `select(query) -> rows of strings`
function, so the web page, its JSON twin and `sipkg review` show the same report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sipkg.namespaces import BASE, PREFIXES, RDF_TYPE, sparql_prologue

Select = Callable[[str], list[dict[str, str]]]
KEY = re.compile(r"[0-9a-z][0-9a-z-]{0,63}")
NEW_METHODS = {"recogniser"}

DOCUMENTS = """
SELECT ?doc ?title ?issued ?language (COUNT(DISTINCT ?st) AS ?facts) WHERE {
  GRAPH ?g { ?doc a sip:SourceDocument ; dct:title ?title .
             OPTIONAL { ?doc dct:issued ?issued } OPTIONAL { ?doc dct:language ?language }
             OPTIONAL { ?st a sip:FactStatement } }
  FILTER(langMatches(lang(?title), "zh-Hans"))
} GROUP BY ?doc ?title ?issued ?language ORDER BY DESC(?issued) ?doc"""

ENTITIES = """
SELECT ?e ?zh ?en ?class ?method (COUNT(DISTINCT ?og) AS ?elsewhere) WHERE {
  GRAPH <%(g)s> { ?s sip:mentions ?e }
  OPTIONAL { GRAPH <%(g)s> { ?st rdf:subject ?e ; rdf:predicate rdf:type ; rdf:object ?class ; sip:method ?m }
             ?m skos:notation ?method }
  OPTIONAL { ?e skos:prefLabel ?zh FILTER(langMatches(lang(?zh), "zh-Hans")) }
  OPTIONAL { ?e skos:prefLabel ?en FILTER(langMatches(lang(?en), "en")) }
  OPTIONAL { GRAPH ?og { ?s2 sip:mentions ?e } FILTER(?og != <%(g)s>) }
} GROUP BY ?e ?zh ?en ?class ?method ORDER BY ?e"""

FACTS = """
SELECT ?st ?s ?p ?o ?method ?confidence ?exact ?start ?end ?sentence ?sl ?ol WHERE {
  GRAPH <%(g)s> {
    ?st a sip:FactStatement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; sip:method ?m ;
        sip:confidence ?confidence ; prov:wasDerivedFrom/oa:hasTarget ?t .
    ?t oa:hasSelector ?q, ?pos . ?q oa:exact ?exact . ?pos oa:start ?start ; oa:end ?end .
    OPTIONAL { ?t oa:hasScope ?sentence }
    FILTER(?p != sip:value)
  }
  ?m skos:notation ?method .
  OPTIONAL { ?s skos:prefLabel ?sl FILTER(langMatches(lang(?sl), "zh-Hans")) }
  OPTIONAL { ?o skos:prefLabel ?ol FILTER(langMatches(lang(?ol), "zh-Hans")) }
} ORDER BY ?start ?st"""

OBSERVATIONS = """
SELECT ?obs ?area ?al ?indicator ?il ?period ?value ?unit ?stated ?subject ?confidence ?exact WHERE {
  GRAPH <%(g)s> {
    ?obs a qb:Observation ; sip:refArea ?area ; sip:indicator ?indicator ; sip:refPeriod ?period ;
         sip:value ?value ; sdmx-attribute:unitMeasure ?unit ; sip:statedValue ?stated .
    OPTIONAL { ?obs sip:subject ?subject }
    ?st rdf:subject ?obs ; sip:confidence ?confidence ; prov:wasDerivedFrom/oa:hasTarget/oa:hasSelector/oa:exact ?exact .
  }
  OPTIONAL { ?area skos:prefLabel ?al FILTER(langMatches(lang(?al), "zh-Hans")) }
  OPTIONAL { ?indicator skos:prefLabel ?il FILTER(langMatches(lang(?il), "zh-Hans")) }
} ORDER BY ?indicator ?period"""

CONFLICTS = """
SELECT ?obs ?other ?odoc ?ovalue ?ostated ?operiod WHERE {
  GRAPH <%(g)s> { ?obs a qb:Observation ; sip:refArea ?area ; sip:indicator ?indicator ; sip:refPeriod ?period ;
                        sip:value ?value ; sdmx-attribute:unitMeasure ?unit . OPTIONAL { ?obs sip:subject ?subject } }
  GRAPH ?og { ?other a qb:Observation ; sip:refArea ?area ; sip:indicator ?indicator ; sip:refPeriod ?operiod ;
                     sip:value ?ovalue ; sdmx-attribute:unitMeasure ?unit ; sip:statedValue ?ostated .
              OPTIONAL { ?other sip:subject ?osubject } ?odoc a sip:SourceDocument }
  FILTER(?og != <%(g)s> && ?ovalue != ?value && SUBSTR(STR(?period), 1, 4) = SUBSTR(STR(?operiod), 1, 4))
  FILTER(COALESCE(STR(?subject), "") = COALESCE(STR(?osubject), ""))
} ORDER BY ?obs ?odoc"""


ONLY_HERE = """
SELECT DISTINCT ?st WHERE {
  GRAPH <%(g)s> { ?st a sip:FactStatement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }
  FILTER NOT EXISTS { GRAPH ?og { ?s ?p ?o } FILTER(?og != <%(g)s> && STRSTARTS(STR(?og), "%(sources)s")) }
}"""


class UnknownDocument(LookupError):
    """No document with that key is in the graph."""


@dataclass
class Evidence:
    quote: str
    start: int
    end: int
    sentence: str | None


@dataclass
class Entity:
    iri: str
    zh: str | None
    en: str | None
    cls: str | None
    method: str | None
    new: bool  # found by the recogniser, or named by no other document


@dataclass
class ReviewFact:
    statement: str
    subject: str
    subject_label: str | None
    predicate: str
    object: str
    object_label: str | None
    method: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    accept: str = ""  # the curation entry (YAML) that confirms the fact
    reject: str = ""  # the curation entry (YAML) that would take the fact out


@dataclass
class Conflict:
    other: str  # the other observation
    document: str
    value: str
    stated: str
    period: str


@dataclass
class ReviewObservation:
    iri: str
    area: str
    area_label: str | None
    indicator: str
    indicator_label: str | None
    period: str
    value: str
    unit: str
    stated: str
    subject: str | None
    confidence: float
    quote: str
    conflicts: list[Conflict] = field(default_factory=list)


@dataclass
class Review:
    key: str
    iri: str
    title: str
    issued: str | None
    language: str | None
    entities: list[Entity]
    facts: list[ReviewFact]
    observations: list[ReviewObservation]

    @property
    def new_entities(self) -> list[Entity]:
        return [e for e in self.entities if e.new]

    @property
    def conflicts(self) -> list[tuple[ReviewObservation, Conflict]]:
        return [(o, c) for o in self.observations for c in o.conflicts]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["new_entities"] = [e.iri for e in self.new_entities]
        d["conflict_count"] = len(self.conflicts)
        return d

    def to_text(self) -> str:
        lines = [
            f"review of {self.key}: {self.title} ({self.issued or 'undated'}, {self.language or '?'})",
            f"  entities {len(self.entities)}, new {len(self.new_entities)}:",
        ]
        lines += [
            f"    + {e.zh or e.en} <{e.iri}> {e.cls or ''} ({e.method or 'mentioned'})"
            for e in self.new_entities
        ]
        lines.append(f"  facts {len(self.facts)}:")
        for f in self.facts:
            quote = f.evidence[0].quote if f.evidence else ""
            lines.append(
                f"    {f.subject_label or _short(f.subject)} {_short(f.predicate)} "
                f"{f.object_label or _short(f.object)}  [{f.method} {f.confidence:.2f}] “{quote}”"
            )
        lines.append(f"  statistics {len(self.observations)}, conflicts {len(self.conflicts)}:")
        for o in self.observations:
            lines.append(
                f"    {o.area_label or _short(o.area)} {o.indicator_label or _short(o.indicator)} {o.period}: "
                f"{o.value} {_short(o.unit)} (stated {o.stated}, confidence {o.confidence:.2f})"
            )
            lines += [
                f"      ! conflicts with {c.value} (stated {c.stated}, {c.period}) in {_short(c.document)}"
                for c in o.conflicts
            ]
        return "\n".join(lines)


def documents(select: Select) -> list[dict[str, str]]:
    """Every source document in the graph: key, title, date, language, number of facts."""
    out = []
    for r in select(DOCUMENTS):
        out.append(
            {
                "key": r["doc"].rsplit("/", 1)[-1],
                "iri": r["doc"],
                "title": r["title"],
                "issued": r.get("issued"),
                "language": r.get("language"),
                "facts": int(r.get("facts", 0)),
            }
        )
    return out


def review(select: Select, key: str) -> Review:
    """The review report of the document with this key; UnknownDocument if the graph lacks it."""
    if not KEY.fullmatch(key):
        raise UnknownDocument(key)
    doc = next((d for d in documents(select) if d["key"] == key), None)
    if doc is None:
        raise UnknownDocument(key)
    names = {"g": f"{BASE}/graph/source/{key}"}
    entities = [_entity(r) for r in select(ENTITIES % names)]
    entities.sort(key=lambda e: (not e.new, e.iri))
    facts: dict[str, ReviewFact] = {}
    for r in select(FACTS % names):
        f = facts.get(r["st"])
        if f is None:
            f = facts[r["st"]] = ReviewFact(
                r["st"],
                r["s"],
                r.get("sl"),
                r["p"],
                r["o"],
                r.get("ol"),
                r["method"],
                float(r["confidence"]),
            )
        ev = Evidence(r["exact"], int(r["start"]), int(r["end"]), r.get("sentence"))
        if ev not in f.evidence:
            f.evidence.append(ev)
    for f in facts.values():
        f.accept = curation_entry(f, key, "accept")
        f.reject = curation_entry(f, key, "reject")
    observations: dict[str, ReviewObservation] = {}
    for r in select(OBSERVATIONS % names):
        observations.setdefault(
            r["obs"],
            ReviewObservation(
                r["obs"],
                r["area"],
                r.get("al"),
                r["indicator"],
                r.get("il"),
                r["period"],
                r["value"],
                r["unit"],
                r["stated"],
                r.get("subject"),
                float(r["confidence"]),
                r["exact"],
            ),
        )
    for r in select(CONFLICTS % names):
        o = observations.get(r["obs"])
        if o is not None:
            o.conflicts.append(
                Conflict(r["other"], r["odoc"], r["ovalue"], r["ostated"], r["operiod"])
            )
    return Review(
        key,
        doc["iri"],
        doc["title"],
        doc["issued"],
        doc["language"],
        entities,
        list(facts.values()),
        list(observations.values()),
    )


def _entity(r: dict[str, str]) -> Entity:
    method = r.get("method")
    new = method in NEW_METHODS or int(r.get("elsewhere", 0)) == 0
    cls = r["class"].rsplit("#", 1)[-1] if r.get("class") else None
    return Entity(r["e"], r.get("zh"), r.get("en"), cls, method, new)


def curation_entry(f: ReviewFact, doc: str, action: str) -> str:
    """The YAML of a curation entry that accepts or rejects this fact (data/curation/README.md)."""
    quote = f.evidence[0].quote if f.evidence else ""
    predicate = _curie(f.predicate)
    if f.predicate == RDF_TYPE:
        obj = f"{{class: {f.object.rsplit('#', 1)[-1]}}}"
    else:
        obj = _term(f.object)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{action}-{_term(f.subject)}-{predicate}".lower()).strip("-")
    return (
        f"- id: {slug}\n  action: {action}\n  doc: {doc}\n  quote: {json.dumps(quote, ensure_ascii=False)}\n  subject: {_term(f.subject)}\n"
        f"  predicate: {predicate}\n  object: {obj}\n  reason: \n"
    )


def _term(iri: str) -> str:
    if iri.startswith(f"{BASE}/id/"):
        return iri.removeprefix(f"{BASE}/id/")
    if iri.startswith(f"{BASE}/def/") and "#" not in iri:
        return f"{{concept: {iri.removeprefix(f'{BASE}/def/')}}}"
    return f"{{value: {iri}}}"


def _curie(iri: str) -> str:
    if iri.startswith(PREFIXES["sip"]):
        return iri.removeprefix(PREFIXES["sip"])
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri.removeprefix(ns)}"
    return iri


def _short(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


def what_goes(store_root: Path, key: str) -> str | None:
    """What removing a document takes out of the graph in service (at the next build): the
    facts no other document states, its statistics and the entities only it names; None
    when there is no store or the document is not in it."""
    from sipkg.store.query import StoreError

    try:
        select = local_select(store_root)
        report = review(select, key)
    except (StoreError, UnknownDocument):
        return None
    names = {"g": f"{BASE}/graph/source/{key}", "sources": f"{BASE}/graph/source/"}
    only = {r["st"] for r in select(ONLY_HERE % names)}
    facts = [f for f in report.facts if f.statement in only]
    entities = [e for e in report.entities if e.new]
    lines = [
        (
            f"  with the next build these leave the graph: {len(facts)} facts stated by no other document,"
            f" {len(report.observations)} statistics, {len(entities)} entities named only here"
        )
    ]
    lines += [
        f"    - {f.subject_label or _short(f.subject)} {_short(f.predicate)} {f.object_label or _short(f.object)}"
        for f in facts
    ]
    lines += [f"    - {e.zh or e.en} <{e.iri}> (its key stays frozen)" for e in entities]
    return "\n".join(lines)


def local_select(store_root: Path) -> Select:
    """A `select` over the store in service, for the command line."""
    from sipkg.store import builds
    from sipkg.store.query import run_query

    handle, _ = builds.open_read_only(store_root)

    def select(query: str) -> list[dict[str, str]]:
        return run_query(handle, sparql_prologue() + query).records()

    return select
