"""What the graph says about one thing, with the evidence for each fact: the data of an entity page.

Four queries: statements about it (outgoing), statements naming it (incoming), the statistics
about it, the sentences that mention it. Relations are grouped by predicate; a fact is marked
inferred when only the reasoner's graph holds it, curated when a curation entry made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from sipkg.namespaces import BASE, ID, INFERRED_GRAPH, ONTOLOGY_GRAPH, RDF_TYPE
from sipkg.web.catalogue import Catalogue, is_sip

CURATION = f"{BASE}/def/method/curation-"
KIND = f"{BASE}/def/sip#kind"  # the code-list concept beside the class: often the same word
NAME_PREDICATES = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2004/02/skos/core#note",
}
HIDDEN = {
    f"{BASE}/def/sip#mentionedIn",
    f"{BASE}/def/sip#mentions",  # shown as "mentioned in" instead
    "http://www.w3.org/ns/org#classification",  # the same concept as sip:kind
}

# The evidence of the statement ?st: its sentence, where the quote is, the quote, the method.
# Each OPTIONAL names a constant or a variable bound before it (the position selector by its type):
# Oxigraph plans an OPTIONAL's patterns on their own, and one it would start from a pattern with
# nothing bound (`?ps oa:start ?start`) reads every selector in the store: 200 ms a page at 10^6 quads.
EVIDENCE = """
    ?st prov:wasDerivedFrom ?ev . OPTIONAL { ?st sip:method ?method }
    ?ev oa:hasTarget ?target . ?target oa:hasScope ?sentence .
    OPTIONAL { ?target oa:hasSelector ?qs . ?qs oa:exact ?exact }
    OPTIONAL { ?target oa:hasSelector ?ps . ?ps a oa:TextPositionSelector ; oa:start ?start }"""

OUT = """
SELECT ?g ?p ?o ?sentence ?exact ?start ?method WHERE {
  GRAPH ?g { <%(e)s> ?p ?o }
  FILTER(?g != <%(ontology)s> || STRSTARTS(STR(<%(e)s>), "%(base)s/def/"))
  OPTIONAL { ?st rdf:subject <%(e)s> ; rdf:predicate ?p ; rdf:object ?o . %(evidence)s }
}"""

# Which subjects to show (things and terms, not documents' sentences) is decided in describe():
# as a FILTER on STR(?s) it cost Virtuoso 2.2 s a page (10^5 quads, with our named graphs), 4 ms without.
IN = """
SELECT ?g ?s ?p ?sentence ?exact ?start ?method WHERE {
  GRAPH ?g { ?s ?p <%(e)s> } FILTER(?p != sip:mentions)
  OPTIONAL { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object <%(e)s> . %(evidence)s }
}"""

# The observations about a thing, then (a second query, on their IRIs) the evidence for their values.
# One query with the evidence as an OPTIONAL is read by the engine as "every statement of a value in
# the store", and so is a UNION of the two ways of being about it: VALUES keeps both anchored.
OBSERVATIONS = """
SELECT ?obs ?indicator ?value ?unit ?stated ?period ?approx ?area ?subject WHERE {
  VALUES ?about { sip:refArea sip:subject sip:indicator } ?obs ?about <%(e)s> .
  ?obs a qb:Observation ; sip:indicator ?indicator ; sip:value ?value .
  OPTIONAL { ?obs sdmx-attribute:unitMeasure ?unit } OPTIONAL { ?obs sip:statedValue ?stated }
  OPTIONAL { ?obs sip:refPeriod ?period } OPTIONAL { ?obs sip:approximation ?approx }
  OPTIONAL { ?obs sip:refArea ?area } OPTIONAL { ?obs sip:subject ?subject }
} ORDER BY ?indicator ?period"""

OBSERVATION_EVIDENCE = """
SELECT ?obs ?sentence ?exact ?start ?method WHERE {
  VALUES ?obs { %(observations)s }
  ?st rdf:subject ?obs ; rdf:predicate sip:value . %(evidence)s
}"""

MENTIONS = "SELECT DISTINCT ?sentence WHERE { ?sentence sip:mentions <%(e)s> }"


@dataclass
class Evidence:
    """A sentence that states a fact, cut around the words that state it."""

    sentence: str
    doc: str
    index: int
    before: str
    quote: str
    after: str
    curated: bool

    def to_json(self) -> dict:
        return {
            "sentence": self.sentence,
            "document": self.doc,
            "index": self.index,
            "quote": self.quote,
            "text": self.before + self.quote + self.after,
            "curated": self.curated,
        }


@dataclass
class Fact:
    """One relation of the thing: the thing at its other end, and how we know it."""

    other: str  # an IRI, or a literal's text
    is_iri: bool
    datatype: str = ""
    graphs: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def inferred(self) -> bool:
        return self.graphs == {INFERRED_GRAPH}

    @property
    def curated(self) -> bool:
        return any(e.curated for e in self.evidence)


@dataclass
class Group:
    """The facts of one relation in one direction (outgoing, or incoming read through its inverse)."""

    id: str
    predicate: str
    direction: str  # "out" or "in"
    label_predicate: (
        str  # whose label names the group: the predicate, or its inverse for incoming facts
    )
    facts: list[Fact] = field(default_factory=list)


@dataclass
class Observation:
    iri: str
    indicator: str
    value: str
    unit: str
    stated: str
    period: str
    approximation: str
    area: str
    subject: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Description:
    iri: str
    groups: list[Group]
    observations: list[Observation]
    mentions: list[str]


def evidence_of(row: dict, cat: Catalogue) -> Evidence | None:
    """The evidence a result row carries, with the quote located in its sentence."""
    if "sentence" not in row or row["sentence"].value not in cat.sentences:
        return None
    s = cat.sentences[row["sentence"].value]
    exact = row["exact"].value if "exact" in row else ""
    at = int(row["start"].value) - s.start if "start" in row else -1
    if not exact or s.text[at : at + len(exact)] != exact:
        at = s.text.find(exact) if exact else -1
    curated = "method" in row and row["method"].value.startswith(CURATION)
    if at < 0:
        return Evidence(s.iri, s.doc, s.index, s.text, "", "", curated)
    return Evidence(s.iri, s.doc, s.index, s.text[:at], exact, s.text[at + len(exact) :], curated)


def _add(facts: dict, key: tuple, row: dict, other, cat: Catalogue) -> None:
    is_iri = not hasattr(other, "datatype")
    fact = facts.get(key)
    if fact is None:
        datatype = "" if is_iri else other.datatype.value
        fact = facts[key] = Fact(other.value, is_iri, datatype)
    fact.graphs.add(row["g"].value)
    ev = evidence_of(row, cat)
    if ev and ev not in fact.evidence:
        fact.evidence.append(ev)


def describe(svc, iri: str, cat: Catalogue) -> Description:
    """Everything an entity page shows about `iri`."""
    params = {"e": iri, "base": BASE, "id": ID, "ontology": ONTOLOGY_GRAPH, "evidence": EVIDENCE}
    out: dict[tuple, Fact] = {}
    for row in svc.select(OUT % params):
        p, o = row["p"].value, row["o"]
        if p in NAME_PREDICATES or p in HIDDEN or not _shown(row, p, o):
            continue
        _add(out, ("out", p, o.value), row, o, cat)
    inc: dict[tuple, Fact] = {}
    for row in svc.select(IN % params):
        p, s = row["p"].value, row["s"]
        if p in HIDDEN or not _shown(row, p, None) or not _named_thing(s):
            continue
        _add(inc, ("in", p, s.value), row, s, cat)
    facts = {**out, **inc}
    groups: dict[tuple, Group] = {}
    for (direction, p, other), fact in facts.items():
        if fact.inferred and (
            _asserted_inverse(direction, p, other, facts, cat)
            or _said_by_a_sub_property(direction, p, other, facts, cat)
        ):
            continue
        if (direction, p) == ("out", KIND) and _named_as_a_class(other, facts, cat):
            continue
        label_p = cat.inverse.get(p, p) if direction == "in" else p
        group = groups.setdefault(
            (direction, p), Group(f"{direction}-{_local(p)}", p, direction, label_p)
        )
        group.facts.append(fact)
    ordered = sorted(
        groups.values(), key=lambda g: (g.direction != "out", g.predicate != RDF_TYPE, g.id)
    )
    for g in ordered:
        g.facts.sort(key=lambda f: (f.inferred, not f.evidence, f.other))
    observations = _observations(svc, params, cat)
    mentions = sorted(
        (
            r["sentence"].value
            for r in svc.select(MENTIONS % params)
            if r["sentence"].value in cat.sentences
        ),
        key=lambda s: (cat.sentences[s].doc, cat.sentences[s].index),
    )
    return Description(iri, ordered, observations, mentions)


def _shown(row: dict, p: str, o) -> bool:
    """Whether a triple belongs on the page: asserted ones, and what the reasoner adds in our own vocabulary."""
    if row["g"].value != INFERRED_GRAPH:
        return True
    if p == RDF_TYPE:
        return o is not None and is_sip(o.value)
    return is_sip(p)


def _named_thing(term) -> bool:
    """A subject an entity page links to: a thing of ours (not a document's part) or a term of our vocabularies."""
    return (
        isinstance(term, ox.NamedNode)
        and term.value.startswith((ID, f"{BASE}/def/"))
        and not term.value.startswith(f"{ID}doc/")
    )


def _asserted_inverse(direction: str, p: str, other: str, facts: dict, cat: Catalogue) -> bool:
    """Whether an inferred fact only restates another read backwards (A p B gives B p⁻ A): one
    that is asserted, or, when both are inferred, the outgoing one."""
    inverse = cat.inverse.get(p)
    if inverse is None:
        return False
    flipped = facts.get(("in" if direction == "out" else "out", inverse, other))
    return flipped is not None and (not flipped.inferred or direction == "in")


def _said_by_a_sub_property(
    direction: str, p: str, other: str, facts: dict, cat: Catalogue
) -> bool:
    """Whether an inferred fact of a super-property (sip:partOfTransitive) only repeats one the page
    shows through a sub-property (sip:partOf): each fact once, the closure only for parts of parts."""
    return any(
        d == direction and o == other and q != p and p in cat.super_properties.get(q, ())
        for d, q, o in facts
    )


def _named_as_a_class(concept: str, facts: dict, cat: Catalogue) -> bool:
    """Whether a kind (局, the code-list concept) says only what one of the entity's classes (局,
    sip:Bureau) already says on the page: the same names. Then the page shows the class alone."""
    names = {t.value for t in cat.labels(concept)}
    return bool(names) and any(
        d == "out" and q == RDF_TYPE and {t.value for t in cat.labels(o)} == names
        for d, q, o in facts
    )


def _local(iri: str) -> str:
    return iri.rstrip("/#").replace("#", "/").rsplit("/", 1)[-1]


def _observations(svc, params: dict, cat: Catalogue) -> list[Observation]:
    found: dict[str, Observation] = {}
    for row in svc.select(OBSERVATIONS % params):
        iri = row["obs"].value
        if iri not in found:
            v = {
                k: row[k].value if k in row else ""
                for k in (
                    "indicator",
                    "value",
                    "unit",
                    "stated",
                    "period",
                    "approx",
                    "area",
                    "subject",
                )
            }
            found[iri] = Observation(
                iri,
                v["indicator"],
                v["value"],
                v["unit"],
                v["stated"],
                v["period"],
                v["approx"],
                v["area"],
                v["subject"],
            )
    if found:
        listed = " ".join(f"<{iri}>" for iri in found)
        for row in svc.select(OBSERVATION_EVIDENCE % {**params, "observations": listed}):
            obs, ev = found[row["obs"].value], evidence_of(row, cat)
            if ev and ev not in obs.evidence:
                obs.evidence.append(ev)
    return list(found.values())
