"""Facts -> quads: one named graph per source document, evidence as Web Annotation, statistics
as Data Cube observations, names and kinds of entities in the registry graph."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable

from rdflib import ConjunctiveGraph, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, QB, RDF, RDFS, SKOS, XSD

from sipkg import namespaces
from sipkg.build.documents import Document
from sipkg.build.extract.model import (
    Concept,
    EntityInfo,
    Evidence,
    Fact,
    Observation,
    Ref,
    Term,
    Value,
)
from sipkg.namespaces import DATA, DEF, GRAPH, ID, OA, PREFIXES, SDMX_ATTRIBUTE, SIP

# our graphs as the rdflib terms the build works with (an rdflib term never equals a plain str)
REGISTRY_GRAPH = URIRef(namespaces.REGISTRY_GRAPH)
ONTOLOGY_GRAPH = URIRef(namespaces.ONTOLOGY_GRAPH)
INFERRED_GRAPH = URIRef(namespaces.INFERRED_GRAPH)
STATISTICS = DATA["statistics"]
ZH, EN = "zh-Hans", "en"
CONTEXT = 24  # characters of prefix and suffix in a TextQuoteSelector
KIND_SCHEMES = {
    "designation": ("designation-kind", SIP.designationKind),
    "programme": ("programme-kind", SIP.kind),
}


def source_graph(doc_key: str) -> URIRef:
    return GRAPH[f"source/{doc_key}"]


def iri(term: Ref | Concept) -> URIRef:
    if isinstance(term, Ref):
        return ID[f"{term.type}/{term.key}"]
    return DEF[f"{term.scheme}/{term.code}"]


def predicate_iri(name: str) -> URIRef:
    """`locatedIn` -> sip:locatedIn (checked against the ontology); `dct:date` -> its IRI."""
    if ":" in name:
        prefix, local = name.split(":", 1)
        return URIRef(PREFIXES[prefix] + local)
    return SIP[name]


def node(term: Term):
    if isinstance(term, Value):
        if term.datatype == "class":
            return SIP[term.lexical]
        if term.datatype == "string":
            return Literal(term.lexical)
        return Literal(term.lexical, datatype=XSD[term.datatype])
    return iri(term)


def kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def method_concept(method: str) -> URIRef:
    """`rule:designation` -> {base}/def/method/rule-designation."""
    return DEF["method/" + re.sub(r"[^a-z0-9]+", "-", method.lower()).strip("-")]


def digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def entity_triples(info: EntityInfo) -> Iterable[tuple]:
    s = iri(info.ref)
    yield s, RDF.type, SIP[info.cls]
    for p in (RDFS.label, SKOS.prefLabel):
        yield s, p, Literal(info.zh, lang=ZH)
        yield s, p, Literal(info.en, lang=EN)
    for alias in info.aliases:
        yield s, SKOS.altLabel, Literal(alias, lang=ZH)
    for alias in info.aliases_en:
        yield s, SKOS.altLabel, Literal(alias, lang=EN)
    if info.note_zh:
        yield s, SKOS.note, Literal(info.note_zh, lang=ZH)
    if info.note_en:
        yield s, SKOS.note, Literal(info.note_en, lang=EN)
    if info.collective:
        yield s, DCTERMS.type, DEF["entity-kind/collective"]
    if info.ref.type in ("org", "site"):
        kind = DEF[f"institution-kind/{kebab(info.cls)}"]
        yield s, SIP.kind, kind
        if info.ref.type == "org":
            yield s, ORG.classification, kind
    if info.kind:
        scheme, predicate = KIND_SCHEMES[info.ref.type]
        yield s, predicate, DEF[f"{scheme}/{info.kind}"]


def document_triples(doc: Document) -> Iterable[tuple]:
    d = URIRef(doc.iri)
    yield d, RDF.type, SIP.SourceDocument
    yield d, DCTERMS.title, Literal(doc.title, lang=ZH)
    if doc.title_en:
        yield d, DCTERMS.title, Literal(doc.title_en, lang=EN)
    if doc.published:
        yield (
            d,
            DCTERMS.issued,
            Literal(doc.published_lexical, datatype=XSD[doc.published_precision]),
        )
        if (
            doc.published_approximate
        ):  # the page shows no date of its own, or only its year or month
            yield (
                d,
                SKOS.note,
                Literal("发布日期为估计(页面未注明日期,取其提到的最近日期,或只知年月)", lang=ZH),
            )
            yield (
                d,
                SKOS.note,
                Literal(
                    "Publication date approximate: the page shows no date of its own "
                    "(the latest date it mentions), or only its year or month",
                    lang=EN,
                ),
            )
    if doc.publisher:
        yield d, DCTERMS.publisher, Literal(doc.publisher)
    if doc.rights:
        yield d, DCTERMS.rights, Literal(doc.rights)
    if doc.source:
        yield d, DCTERMS.source, URIRef(doc.source)
    yield d, DCTERMS.language, Literal(doc.language)
    yield d, RDFS.label, Literal(doc.title, lang=ZH)
    yield d, RDF.value, Literal(doc.text)
    for p in doc.paragraphs:
        n = URIRef(doc.paragraph_iri(p.index))
        yield n, RDF.type, SIP.Paragraph
        yield n, SIP.paragraphOf, d
        yield from _position(n, p.index, p.start, p.end, p.furniture)
    for s in doc.sentences:
        n = URIRef(s.iri)
        yield n, RDF.type, SIP.Sentence
        yield n, SIP.sentenceOf, d
        yield n, SIP.inParagraph, URIRef(doc.paragraph_iri(s.paragraph))
        yield n, RDF.value, Literal(s.text)
        yield from _position(n, s.index, s.start, s.end, s.furniture)


def _position(
    n: URIRef, index: int, start: int, end: int, furniture: str | None
) -> Iterable[tuple]:
    yield n, SIP.index, Literal(index, datatype=XSD.integer)
    yield n, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)
    yield n, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)
    yield n, SIP.isFurniture, Literal(furniture is not None)
    if furniture:
        yield n, RDFS.comment, Literal(f"page furniture: {furniture}", lang=EN)


def evidence_triples(statement: URIRef, ev: Evidence, doc: Document) -> Iterable[tuple]:
    """An oa:Annotation whose body is the statement and whose target is the quoted text."""
    a = DATA[f"evidence/{digest(statement, ev.doc, ev.start, ev.end, ev.method)}"]
    target, quote, position = URIRef(f"{a}#target"), URIRef(f"{a}#quote"), URIRef(f"{a}#position")
    text = doc.text
    yield statement, PROV.wasDerivedFrom, a
    yield a, RDF.type, SIP.Evidence
    yield a, OA.motivatedBy, OA.describing
    yield a, OA.hasBody, statement
    yield a, OA.hasTarget, target
    yield target, RDF.type, OA.SpecificResource
    yield target, OA.hasSource, URIRef(doc.iri)
    for sentence in doc.sentences_in(ev.start, ev.end):
        yield target, OA.hasScope, URIRef(sentence.iri)
    yield target, OA.hasSelector, quote
    yield target, OA.hasSelector, position
    yield quote, RDF.type, OA.TextQuoteSelector
    yield quote, OA.exact, Literal(text[ev.start : ev.end])
    yield quote, OA.prefix, Literal(text[max(0, ev.start - CONTEXT) : ev.start])
    yield quote, OA.suffix, Literal(text[ev.end : ev.end + CONTEXT])
    yield position, RDF.type, OA.TextPositionSelector
    yield position, OA.start, Literal(ev.start, datatype=XSD.nonNegativeInteger)
    yield position, OA.end, Literal(ev.end, datatype=XSD.nonNegativeInteger)


def statement_triples(
    s, p, o, graph: URIRef, evidence: list[Evidence], docs: dict[str, Document]
) -> Iterable[tuple]:
    st = DATA[f"statement/{digest(graph, s, p, o)}"]
    best = max(evidence, key=lambda e: e.confidence)
    yield st, RDF.type, SIP.FactStatement
    yield st, RDF.type, RDF.Statement
    yield st, RDF.subject, s
    yield st, RDF.predicate, p
    yield st, RDF.object, o
    yield st, SIP.method, method_concept(best.method)
    yield st, SIP.confidence, Literal(f"{best.confidence:.2f}", datatype=XSD.decimal)
    for ev in evidence:
        yield from evidence_triples(st, ev, docs[ev.doc])


def observation_triples(o: Observation) -> tuple[URIRef, list[tuple]]:
    obs = DATA[
        f"obs/{digest(o.area, o.period, o.indicator, o.value, o.evidence.doc, o.evidence.start)}"
    ]
    t = [
        (obs, RDF.type, QB.Observation),
        (obs, RDF.type, SIP.Statistic),
        (obs, QB.dataSet, STATISTICS),
        (obs, SIP.refArea, iri(o.area)),
        (obs, SIP.refPeriod, node(o.period)),
        (obs, SIP.indicator, iri(o.indicator)),
        (obs, SIP.value, Literal(o.value, datatype=XSD.decimal)),
        (obs, SDMX_ATTRIBUTE.unitMeasure, DEF[f"unit/{o.unit}"]),
        (obs, SIP.statedValue, Literal(o.stated)),
    ]
    if o.approximation:
        t.append((obs, SIP.approximation, DEF[f"approximation/{o.approximation}"]))
    if o.subject is not None:
        t.append((obs, SIP.subject, iri(o.subject)))
    if o.upper is not None:
        t.append((obs, RDFS.comment, Literal(f"range up to {o.upper} {o.unit}", lang=EN)))
    return obs, t


def method_triples(methods: Iterable[str]) -> Iterable[tuple]:
    scheme = DEF["method"]
    for m in sorted(set(methods)):
        c = method_concept(m)
        yield c, RDF.type, SIP.ExtractionMethod
        yield c, RDF.type, SKOS.Concept
        yield c, SKOS.inScheme, scheme
        yield c, SKOS.notation, Literal(m)
        for lang in (ZH, EN):
            yield c, SKOS.prefLabel, Literal(m, lang=lang)


def indicator_triples(indicators: dict[str, tuple[str, str]]) -> Iterable[tuple]:
    for code, (zh, en) in sorted(indicators.items()):
        c = DEF[f"indicator/{code}"]
        yield c, RDF.type, SIP.Indicator
        yield c, RDF.type, SKOS.Concept
        yield c, SKOS.inScheme, DEF["indicator"]
        yield c, SKOS.prefLabel, Literal(zh, lang=ZH)
        yield c, SKOS.prefLabel, Literal(en, lang=EN)


def to_dataset(
    docs: list[Document],
    entities: dict[Ref, EntityInfo],
    facts: list[Fact],
    observations: list[Observation],
    indicators: dict[str, tuple[str, str]],
    mentions: list[tuple[str, int, Ref]],
) -> Dataset:
    """The whole graph as an rdflib Dataset (no inferred graph: the reasoner adds that)."""
    ds = Dataset()
    by_key = {d.key: d for d in docs}
    registry = ds.graph(REGISTRY_GRAPH)
    for info in entities.values():
        for t in entity_triples(info):
            registry.add(t)
    for t in indicator_triples(indicators):
        registry.add(t)
    methods = {f.evidence.method for f in facts} | {o.evidence.method for o in observations}
    for t in method_triples(methods):
        registry.add(t)
    for doc in docs:
        g = ds.graph(source_graph(doc.key))
        for t in document_triples(doc):
            g.add(t)
    for doc_key, index, ref in mentions:
        s = URIRef(f"{ID}doc/{doc_key}/sentence/{index}")
        ds.graph(source_graph(doc_key)).add((s, SIP.mentions, iri(ref)))
    grouped: dict[tuple, list[Evidence]] = defaultdict(list)
    for f in facts:
        grouped[
            (f.evidence.doc, iri(f.subject), predicate_iri(f.predicate), node(f.object))
        ].append(f.evidence)
    for (doc_key, s, p, o), evidence in grouped.items():
        g = ds.graph(source_graph(doc_key))
        g.add((s, p, o))
        for t in statement_triples(s, p, o, g.identifier, evidence, by_key):
            g.add(t)
    for o in observations:
        g = ds.graph(source_graph(o.evidence.doc))
        obs, triples = observation_triples(o)
        for t in triples:
            g.add(t)
        for t in statement_triples(
            obs,
            SIP.value,
            Literal(o.value, datatype=XSD.decimal),
            g.identifier,
            [o.evidence],
            by_key,
        ):
            g.add(t)
    return ds


def union(data: Graph | Dataset) -> Graph:
    """All triples of a dataset's graphs as one graph (for SHACL and the reasoner); a plain
    graph is returned as it is."""
    if not isinstance(data, ConjunctiveGraph):
        return data
    g = Graph()
    for s, p, o, _ in data.quads((None, None, None, None)):
        g.add((s, p, o))
    return g
