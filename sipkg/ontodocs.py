"""The ontology's documentation and JSON-LD context, generated from ontology/ — never hand-written.

`ontology_text()` is sip.ttl as published (for the configured base). `documentation(text)` renders
it with pyLODE, imported only here and only when first asked (about a second; cached per text).
`jsonld_context(graph)` derives a JSON-LD @context from the ontology's property declarations, and
`read_scheme(iri, triples)` turns a SKOS scheme's triples into what its page lists.
"""

from __future__ import annotations

import html
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DC, DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from sipkg import namespaces
from sipkg.namespaces import DEFAULT_BASE, PREFIXES, SIP_NS
from sipkg.paths import PROJECT

# ontology/sip.ttl, read directly: sipkg.build.ontology would bring owlready2 into the web tier
ONTOLOGY_FILE = PROJECT / "ontology" / "sip.ttl"
TITLES = (RDFS.label, SKOS.prefLabel, DCTERMS.title, DC.title)
# JSON-LD terms whose values are language maps: {"label": {"zh-Hans": "…", "en": "…"}}
LANGUAGE_MAPS = {
    "label": RDFS.label,
    "prefLabel": SKOS.prefLabel,
    "altLabel": SKOS.altLabel,
    "definition": SKOS.definition,
    "title": DCTERMS.title,
    "description": DCTERMS.description,
}
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


def ontology_iri() -> str:
    return namespaces.base() + "/def/sip"


def ontology_text(base: str | None = None) -> str:
    """sip.ttl as published, comments and all, with its IRIs moved to `base` (default: configured base).

    sip.ttl has no regexes of the base (those are in shapes.ttl), so moving it is a plain replace.
    """
    text = ONTOLOGY_FILE.read_text(encoding="utf-8")
    wanted = (base or namespaces.base()).rstrip("/")
    return text if wanted == DEFAULT_BASE else text.replace(DEFAULT_BASE, wanted)


@lru_cache(maxsize=2)
def ontology_graph(text: str) -> Graph:
    """The ontology text parsed (cached: callers treat it as read-only)."""
    return Graph().parse(data=text, format="ox-turtle")


@lru_cache(maxsize=2)
def ontology_triples(text: str) -> tuple[ox.Triple, ...]:
    """The ontology text as pyoxigraph triples, for serialising in the other RDF formats."""
    return tuple(ox.parse(text, format=ox.RdfFormat.TURTLE))


def titles(graph: Graph) -> dict[str, str]:
    """The ontology's dct:title by lower-case language tag ("zh-hans", "en"), as texts() gives them."""
    return {
        (o.language or "").lower(): str(o)
        for o in graph.objects(URIRef(ontology_iri()), DCTERMS.title)
    }


def version_iri(graph: Graph) -> str | None:
    """The owl:versionIRI of the ontology, which answers with the same ontology."""
    value = graph.value(URIRef(ontology_iri()), OWL.versionIRI)
    return str(value) if value is not None else None


# ---------------------------------------------------------------- HTML documentation (pyLODE)


@dataclass(frozen=True)
class Documentation:
    """pyLODE's rendering of the ontology: the table of contents and the body, as HTML fragments."""

    toc: str
    body: str
    seconds: float  # how long pyLODE took
    generator: str  # "pyLODE 3.3.4"


@lru_cache(maxsize=2)
def documentation(text: str) -> Documentation:
    """The ontology's documentation; pyLODE is imported here, on first use, so serving costs nothing until asked."""
    from pylode import OntPub

    started = time.perf_counter()
    graph = pylode_input(ontology_graph(text))
    od = OntPub(graph)
    # fragment ids are the terms' local names, so {base}/def/sip#Term lands on Term's section
    od.fids.update(
        {
            str(s): str(s)[len(SIP_NS) :]
            for s in set(graph.subjects())
            if str(s).startswith(SIP_NS) and len(str(s)) > len(SIP_NS)
        }
    )
    od.make_html()
    od.content.set_attribute("id", "ontodoc")
    (toc,) = od.doc.body.get(id="toc")
    return Documentation(
        toc=_local_links(toc.render()),
        body=_local_links(od.content.render()),
        seconds=time.perf_counter() - started,
        generator=f"pyLODE {version('pylode')}",
    )


def pylode_input(graph: Graph) -> Graph:
    """The ontology as pyLODE should see it: our own terms only, one bilingual title per term, text escaped.

    pyLODE has no notion of language: it would run "组织机构" and "Organisation" together, so each
    term gets one title "组织机构 · Organisation" (Chinese first) and the labels themselves are left
    out. pyLODE passes other literals through Markdown as raw HTML, so they are escaped here; titles
    go into elements that escape them. Standard terms the ontology restates are left to pyLODE's
    own background vocabularies (they are linked, not documented as ours).
    """
    ontology = URIRef(ontology_iri())
    out = Graph()
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns)
    titles: dict[URIRef | BNode, list[Literal]] = defaultdict(list)
    for s, p, o in sorted(graph, key=_zh_first):
        if isinstance(s, URIRef) and s != ontology and not str(s).startswith(SIP_NS):
            continue
        if p in TITLES and isinstance(o, Literal):
            if str(o) not in titles[s]:
                titles[s].append(str(o))
        elif isinstance(o, Literal):
            out.add(
                (
                    s,
                    p,
                    Literal(html.escape(str(o), quote=False), lang=o.language, datatype=o.datatype),
                )
            )
        else:
            out.add((s, p, o))
    for s, texts in titles.items():
        title = " · ".join(texts)
        out.add(
            (s, DCTERMS.title, Literal(html.escape(title, quote=False) if s == ontology else title))
        )
    return out


def _zh_first(triple) -> tuple:
    """Sort key: subjects by IRI, and within them Chinese before English before the rest."""
    s, p, o = triple
    lang = (getattr(o, "language", None) or "").lower()
    rank = 0 if lang.startswith("zh") else 1 if lang.startswith("en") else 2
    return str(s), str(p), rank, str(o)


def _local_links(fragment: str) -> str:
    """Links to our own IRIs point at this server, so a local instance browses itself."""
    base = namespaces.base()
    return fragment.replace(f'href="{base}/', 'href="/')


# ---------------------------------------------------------------- JSON-LD context


def jsonld_context(graph: Graph) -> dict:
    """A JSON-LD @context for our data, from the ontology's declarations.

    Prefixes are namespaces.PREFIXES; every sip: class and property is a term under its local name
    (properties of other vocabularies that the ontology declares keep their prefixed name);
    object properties take IRIs (`"@type": "@id"`), datatype properties with one XSD range take
    that datatype, and labels, definitions, titles and descriptions are language maps.
    """
    context: dict = dict(PREFIXES)
    for name, predicate in LANGUAGE_MAPS.items():
        context[name] = {"@id": _compact(predicate), "@container": "@language"}
    classes = {s for s in graph.subjects(RDF.type, OWL.Class) if str(s).startswith(SIP_NS)}
    for cls in sorted(classes):
        _add_term(context, _term_name(cls), _compact(cls))
    properties = {
        s for t in PROPERTY_TYPES for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)
    }
    for prop in sorted(properties):
        definition: dict = {"@id": _compact(prop)}
        ranges = [r for r in graph.objects(prop, RDFS.range) if isinstance(r, URIRef)]
        if (prop, RDF.type, OWL.ObjectProperty) in graph:
            definition["@type"] = "@id"
        elif (
            (prop, RDF.type, OWL.DatatypeProperty) in graph
            and len(ranges) == 1
            and str(ranges[0]).startswith(str(XSD))
        ):
            definition["@type"] = _compact(ranges[0])
        _add_term(context, _term_name(prop), definition)
    return {"@context": context}


def _add_term(context: dict, name: str, definition) -> None:
    if name in context and context[name] != definition:
        raise ValueError(
            f"JSON-LD term {name!r} would mean two things: {context[name]} and {definition}"
        )
    context[name] = definition


def _term_name(iri: URIRef) -> str:
    """sip: terms by local name; others by prefixed name (which expands to the same IRI)."""
    text = str(iri)
    return text[len(SIP_NS) :] if text.startswith(SIP_NS) else _compact(iri)


def _compact(iri: URIRef) -> str:
    """The prefixed name of `iri` under PREFIXES (longest namespace wins), else the IRI itself."""
    text = str(iri)
    matches = [
        (len(ns), p) for p, ns in PREFIXES.items() if text.startswith(ns) and len(text) > len(ns)
    ]
    if not matches:
        return text
    _, prefix = max(matches)
    return f"{prefix}:{text[len(PREFIXES[prefix]) :]}"


# ---------------------------------------------------------------- SKOS schemes


@dataclass
class Concept:
    """One concept of a scheme as its page shows it."""

    iri: str
    code: str  # the last segment of the IRI: {base}/def/{scheme}/{code}
    labels: list = field(default_factory=list)  # pyoxigraph Literals, any language
    definitions: list = field(default_factory=list)
    notations: list[str] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)
    see_also: list[str] = field(default_factory=list)
    top: bool = False


@dataclass
class Scheme:
    """A SKOS concept scheme with its concepts, ordered top concepts first, then by code."""

    iri: str
    name: str
    labels: list = field(default_factory=list)
    definitions: list = field(default_factory=list)
    concepts: list[Concept] = field(default_factory=list)


SKOS_NS = str(SKOS)


def read_scheme(iri: str, triples: Iterable[ox.Triple]) -> Scheme:
    """The scheme `iri` and the concepts whose skos:inScheme is it, from their triples."""
    scheme = Scheme(iri=iri, name=iri.rstrip("/").rsplit("/", 1)[-1])
    concepts: dict[str, Concept] = {}
    members = set()
    rows = list(triples)
    for t in rows:
        if t.predicate.value == SKOS_NS + "inScheme" and t.object.value == iri:
            members.add(t.subject.value)
    for t in rows:
        s, o = t.subject.value, t.object
        p = t.predicate.value.removeprefix(SKOS_NS)
        if s == iri:
            if p == "prefLabel":
                scheme.labels.append(o)
            elif p == "definition":
                scheme.definitions.append(o)
            continue
        if s not in members:
            continue
        c = concepts.setdefault(s, Concept(iri=s, code=s.rsplit("/", 1)[-1]))
        if p == "prefLabel":
            c.labels.append(o)
        elif p == "definition":
            c.definitions.append(o)
        elif p == "notation":
            c.notations.append(o.value)
        elif p == "broader":
            c.broader.append(o.value)
        elif p == "topConceptOf":
            c.top = True
        elif t.predicate.value == str(RDFS.seeAlso):
            c.see_also.append(o.value)
    scheme.concepts = sorted(concepts.values(), key=lambda c: (not c.top, c.code))
    for c in scheme.concepts:
        c.broader.sort()
        c.see_also.sort()
    return scheme
