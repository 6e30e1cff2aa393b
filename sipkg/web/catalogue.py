"""What every browsing page needs to know about the whole graph, read once per dataset version.

Entity names and classes, labels of ontology terms and code-list concepts, inverse properties,
every source sentence and the search index over them: a few queries when the version changes,
none per page. `catalogue()` gives the current one; other blueprints may use it too.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from flask import current_app

from sipkg.derived import FORMAT, Derived, write
from sipkg.namespaces import DOC, ID, ONTOLOGY_GRAPH, RDF_TYPE, REGISTRY_GRAPH, SIP_NS, SKOS_NS
from sipkg.search import Index, Name, Passage

# The kinds of things, by the type segment of their IRI, in the order the home page lists them.
KINDS = {
    "org": ("机构", "Organisations"),
    "site": ("设施", "Facilities"),
    "place": ("地点", "Places"),
    "programme": ("项目与计划", "Programmes"),
    "plan": ("规划与方案", "Plans"),
    "designation": ("称号与荣誉", "Designations"),
    "event": ("事件", "Events"),
    "publication": ("出版物", "Publications"),
    "person": ("人物", "People"),
}

# Labels for the terms of other vocabularies that pages show (our ontology labels its own).
WELL_KNOWN = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": ("类别", "type"),
    "http://www.w3.org/ns/org#classification": ("分类", "classification"),
    "http://www.w3.org/2002/07/owl#sameAs": ("等同于", "same as"),
    "http://www.w3.org/2004/02/skos/core#exactMatch": ("完全匹配", "exact match"),
    "http://www.w3.org/2004/02/skos/core#notation": ("代码", "code"),
    "http://purl.org/dc/terms/title": ("标题", "title"),
    "http://purl.org/dc/terms/issued": ("发布日期", "issued"),
    "http://purl.org/dc/terms/date": ("日期", "date"),
    "http://purl.org/dc/terms/publisher": ("发布者", "publisher"),
    "http://purl.org/dc/terms/language": ("语言", "language"),
    "http://purl.org/dc/terms/temporal": ("时间范围", "period covered"),
    "http://purl.org/dc/terms/source": ("来源", "source"),
    "http://purl.org/dc/terms/rights": ("使用权利", "rights"),
}


class Text(NamedTuple):
    """A literal as pages need it (what `i18n.pick` reads): its text and language tag."""

    value: str
    language: str = ""


@dataclass
class Entity:
    iri: str
    type: str  # the IRI's type segment: org, site, place…
    key: str
    labels: list[Text] = field(default_factory=list)
    aliases: list[Text] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)


@dataclass
class Sentence:
    iri: str
    doc: str
    index: int
    start: int
    text: str
    furniture: bool


@dataclass
class Catalogue:
    version: str
    entities: dict[str, Entity]
    terms: dict[str, list[Text]]  # labels of classes, properties and concepts
    inverse: dict[str, str]
    sentences: dict[str, Sentence]
    documents: dict[str, list[Text]]  # titles
    index: Index
    super_properties: dict[str, set[str]] = field(default_factory=dict)  # direct rdfs:subPropertyOf

    def labels(self, iri: str) -> list[Text]:
        """The labels of anything the catalogue knows: an entity, a term, a document."""
        if iri in self.entities:
            return self.entities[iri].labels
        return self.terms.get(iri) or self.documents.get(iri) or []

    def of_type(self, type_: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.type == type_]


ENTITIES = f"""
SELECT ?e ?p ?o WHERE {{
  GRAPH <{REGISTRY_GRAPH}> {{ ?e ?p ?o }}
  FILTER(STRSTARTS(STR(?e), "{ID}") && !STRSTARTS(STR(?e), "{DOC}"))
  FILTER(?p IN (rdfs:label, skos:prefLabel, skos:altLabel, skos:note, rdf:type))
}}"""

# Statistical indicators are searched like entities (GDP, 地区生产总值, 财政收入): their pages list the figures.
INDICATORS = """
SELECT DISTINCT ?e ?p ?o WHERE {
  ?e a sip:Indicator ; ?p ?o FILTER(?p IN (skos:prefLabel, skos:altLabel, skos:definition))
}"""

TERMS = f"""
SELECT ?t ?p ?o WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{
    {{ ?t rdfs:label|skos:prefLabel ?o BIND(rdfs:label AS ?p) }}
    UNION {{ ?t owl:inverseOf ?o BIND(owl:inverseOf AS ?p) }}
    UNION {{ ?t rdfs:subPropertyOf ?o BIND(rdfs:subPropertyOf AS ?p) }}
    UNION {{ ?t a owl:SymmetricProperty BIND(?t AS ?o) BIND(owl:inverseOf AS ?p) }}
  }}
}}"""

SENTENCES = """
SELECT ?s ?doc ?n ?start ?text ?furniture WHERE {
  ?s a sip:Sentence ; sip:sentenceOf ?doc ; sip:index ?n ; oa:start ?start ; rdf:value ?text .
  OPTIONAL { ?s sip:isFurniture ?furniture }
}"""

DOCUMENTS = """
SELECT ?doc ?title WHERE { ?doc a sip:SourceDocument . OPTIONAL { ?doc dct:title ?title } }"""


def text(literal) -> Text:
    return Text(literal.value, (getattr(literal, "language", None) or "").lower())


def load(svc) -> Catalogue:
    """Read the catalogue of the dataset `svc` serves (five queries)."""
    version = svc.version
    entities: dict[str, Entity] = {}
    for row in svc.select(ENTITIES):
        iri, p, o = row["e"].value, row["p"].value, row["o"]
        type_, _, key = iri[len(ID) :].partition("/")
        e = entities.setdefault(iri, Entity(iri, type_, key))
        if p == RDF_TYPE:
            e.classes.append(o.value)
        elif p == SKOS_NS + "altLabel":
            e.aliases.append(text(o))
        elif p == SKOS_NS + "note":
            e.notes.append(text(o))
        elif text(o) not in e.labels:
            e.labels.append(text(o))
    for row in svc.select(INDICATORS):
        iri, p, o = row["e"].value, row["p"].value, row["o"]
        e = entities.setdefault(
            iri, Entity(iri, "indicator", iri.rpartition("/")[2], classes=[SIP_NS + "Indicator"])
        )
        group = {"altLabel": e.aliases, "definition": e.notes}.get(p.rpartition("#")[2], e.labels)
        if text(o) not in group:
            group.append(text(o))
    terms = {iri: [Text(zh, "zh-hans"), Text(en, "en")] for iri, (zh, en) in WELL_KNOWN.items()}
    inverse: dict[str, str] = {}
    super_properties: dict[str, set[str]] = {}
    for row in svc.select(TERMS):
        t, p, o = row["t"].value, row["p"].value, row["o"]
        if p.endswith("subPropertyOf"):
            super_properties.setdefault(t, set()).add(o.value)
        elif p.endswith("inverseOf"):
            inverse[t], inverse[o.value] = o.value, t
        elif text(o) not in terms.setdefault(t, []):
            terms[t].append(text(o))
    sentences = {}
    for row in svc.select(SENTENCES):
        furniture = row.get("furniture")
        s = Sentence(
            row["s"].value,
            row["doc"].value,
            int(row["n"].value),
            int(row["start"].value),
            row["text"].value,
            furniture is not None and furniture.value == "true",
        )
        sentences[s.iri] = s
    documents: dict[str, list[Text]] = {}
    for row in svc.select(DOCUMENTS):
        titles = documents.setdefault(row["doc"].value, [])
        if "title" in row:
            titles.append(text(row["title"]))
    names = [
        Name(e.iri, t.value, t.language, alias)
        for e in entities.values()
        for alias, group in ((False, e.labels), (True, e.aliases))
        for t in group
    ]
    passages = [
        Passage(s.iri, s.text, s.doc, s.index) for s in sentences.values() if not s.furniture
    ]
    return Catalogue(
        version,
        entities,
        terms,
        inverse,
        sentences,
        documents,
        Index(names, passages),
        super_properties,
    )


def catalogue() -> Catalogue:
    """The catalogue of the dataset in service, rebuilt when its version changes."""
    svc = current_app.extensions["sipkg"]
    return svc.per_version("catalogue", lambda: load(svc))


def is_sip(iri: str) -> bool:
    return iri.startswith(SIP_NS)


def derived() -> Derived:
    """What the explorer, timeline, statistics, practices and home pages derive from the data in
    service: the file its build wrote; where there is none (a writable store, an external store pushed
    from another home), derived here from the data once per version and kept beside the builds."""
    svc = current_app.extensions["sipkg"]

    def read() -> Derived:
        path = svc.derived_file()
        if path is None or Derived(path).format != FORMAT:
            path = _derive_here(svc)
        return Derived(path)

    return svc.per_version("derived", read)


def _derive_here(svc) -> Path:
    version = svc.version
    folder = svc.root / "derived" if svc.root else None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (AttributeError, OSError):
        folder = Path(tempfile.gettempdir())
    path = folder / f"{quote(version, safe='')}.sqlite"
    if not path.is_file() or Derived(path).version != version:
        write(path, svc.rows, version)
    return path
