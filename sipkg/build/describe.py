"""The VoID + DCAT-AP description of a build (`describe()`), written into `{base}/graph/void`.

It counts the dataset (triples, entities, class and property partitions, one subset per named
graph, linksets out of `{base}/graph/links`) and writes the DCAT-AP catalogue, dataset,
distributions and data service; the build puts that graph in the store and in every dump.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from sipkg.namespaces import (
    BASE,
    DCAT_NS,
    DCT_NS,
    EU_AUTHORITY,
    FOAF_NS,
    FORMATS_NS,
    HISTORY_GRAPH,
    IANA_MEDIA_TYPES,
    IDENTIFIERS_GRAPH,
    INFERRED_GRAPH,
    LINKS_GRAPH,
    ONTOLOGY_GRAPH,
    OWL_NS,
    PROV_NS,
    RDF_TYPE,
    REGISTRY_GRAPH,
    SIP_NS,
    SOURCE_GRAPHS,
    VCARD_NS,
    VOID_GRAPH,
    VOID_NS,
    XSD_NS,
)
from sipkg.store.dumps import (
    CATALOG,
    CONTACT,
    DATASET,
    DESCRIPTION,
    DESCRIPTION_PREFIXES,
    DOWNLOADS,
    DUMP_FORMATS,
    ENDPOINT,
    PERIOD,
    PUBLISHER,
    SERVICE,
    URI_SPACE,
    Description,
    DumpFormat,
    distribution_iri,
    download_url,
    dump_name,
    integer,
    n,
    texts,
)

LICENSE = (
    "https://creativecommons.org/licenses/by/4.0/"  # the ontology's licence (ontology/sip.ttl)
)
PARK = f"{URI_SPACE}place/suzhou-industrial-park"
# a source document's provenance as its metadata states it: the terms of reuse describe the
# quoted text in the document's graph; publisher and address (dct:source, a URL) the document
SOURCE_TERMS = {DCT_NS + "rights", DCT_NS + "publisher", DCT_NS + "source"}
DOCUMENT_ONLY = {DCT_NS + "publisher", DCT_NS + "source"}
DATE_PREDICATES = {DCT_NS + "date", SIP_NS + "refPeriod", SIP_NS + "startDate", SIP_NS + "endDate"}
EXAMPLES = 3  # example resources: the most connected organisations

GRAPH_TITLES = {  # named graphs that are not one source document's
    REGISTRY_GRAPH: ("实体名称与类别", "Names and kinds of entities"),
    ONTOLOGY_GRAPH: ("本体与代码表", "Ontology and code lists"),
    INFERRED_GRAPH: ("推理得出的三元组", "Triples inferred by the reasoner"),
    HISTORY_GRAPH: (
        "由有日期的事件得出的关系时段与存续时段",
        "Periods of relations and bodies, derived from dated events",
    ),
    LINKS_GRAPH: ("指向外部数据集的链接", "Links to other datasets"),
    IDENTIFIERS_GRAPH: (
        "行政区划代码与链接的出处",
        "Division codes, and where each link was verified",
    ),
}

KNOWN_TARGETS = {"http://www.wikidata.org/entity/": "Wikidata"}


def namespace(iri: str) -> str:
    """The namespace an IRI belongs to: the longest known prefix, else everything up to its last # or /
    (a trailing one aside: https://sws.geonames.org/1886760/ is in https://sws.geonames.org/)."""
    known = [ns for ns in DESCRIPTION_PREFIXES.values() if iri.startswith(ns)]
    if known:
        return max(known, key=len)
    end = len(iri) - 1
    cut = max(iri.rfind("#", 0, end), iri.rfind("/", 0, end))
    return iri[: cut + 1]


def slug(iri: str) -> str:
    """A readable fragment for an IRI: its prefixed name (sip-Programme), else a short hash."""
    for prefix, ns in sorted(DESCRIPTION_PREFIXES.items(), key=lambda x: -len(x[1])):
        local = iri[len(ns) :]
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_-]+", local):
            return f"{prefix}-{local}"
    return hashlib.sha1(iri.encode()).hexdigest()[:12]


@dataclass
class Counts:
    """The numbers VoID gives, over the merge of every named graph (the store's default graph)."""

    triples: int
    subjects: int
    objects: int
    entities: int
    classes: dict[str, int]  # class -> distinct instances
    properties: dict[str, int]  # property -> triples
    graphs: dict[str, int]  # named graph -> triples
    vocabularies: list[str]
    examples: list[str]
    period: tuple[str, str] | None
    linksets: dict[tuple[str, str], int]  # (link predicate, target namespace) -> triples
    documents: dict[str, list[ox.Literal]]  # source document -> its titles
    # source document -> what says where it comes from (SOURCE_TERMS) -> values
    provenance: dict[str, dict[str, list[ox.Literal | ox.NamedNode]]] = field(default_factory=dict)


def count(quads: Iterable[ox.Quad]) -> Counts:
    """Count what VoID reports, in one pass over the quads (no description graph among them)."""
    merged: set[tuple] = set()
    graphs: Counter = Counter()
    links: Counter = Counter()
    titles: dict[str, list[ox.Literal]] = defaultdict(list)
    provenance: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    years: list[str] = []
    for q in quads:
        graphs[q.graph_name.value] += 1
        merged.add((q.subject, q.predicate, q.object))
        if (
            q.predicate.value in DATE_PREDICATES
            and q.graph_name.value.startswith(SOURCE_GRAPHS)
            and isinstance(q.object, ox.Literal)
            and re.match(r"\d{4}", q.object.value)
        ):
            years.append(
                q.object.value[:4]
            )  # what the documents are about, not when a link was checked
        if (
            q.graph_name.value == LINKS_GRAPH
            and isinstance(q.object, ox.NamedNode)
            and q.subject.value.startswith(URI_SPACE)
            and not q.object.value.startswith(BASE + "/")
        ):
            links[(q.predicate.value, namespace(q.object.value))] += 1
    instances: dict[str, set] = defaultdict(set)
    properties: Counter = Counter()
    connections: Counter = Counter()
    for s, p, o in merged:
        properties[p.value] += 1
        if p.value == RDF_TYPE:
            instances[o.value].add(s)
        if p.value == DCT_NS + "title" and s.value.startswith(URI_SPACE + "doc/"):
            titles[s.value].append(o)
        if p.value in SOURCE_TERMS and s.value.startswith(URI_SPACE + "doc/"):
            provenance[s.value][p.value].append(o)
        for node in (s, o):
            if isinstance(node, ox.NamedNode) and node.value.startswith(URI_SPACE + "org/"):
                connections[node.value] += 1
    vocabularies = {namespace(p) for p in properties} | {namespace(c) for c in instances}
    subjects = {s for s, _, _ in merged}
    return Counts(
        triples=len(merged),
        subjects=len(subjects),
        objects=len({o for _, _, o in merged}),
        entities=sum(
            1 for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(URI_SPACE)
        ),
        classes={c: len(members) for c, members in instances.items()},
        properties=dict(properties),
        graphs=dict(graphs),
        vocabularies=sorted(v for v in vocabularies if v),
        examples=[
            e for e, _ in sorted(connections.items(), key=lambda x: (-x[1], x[0]))[:EXAMPLES]
        ],
        period=(min(years), max(years)) if years else None,
        linksets=dict(links),
        documents=dict(titles),
        provenance={doc: dict(terms) for doc, terms in provenance.items()},
    )


def describe(quads: list[ox.Quad], version: str, built: dt.datetime) -> list[ox.Quad]:
    """The VoID + DCAT-AP description of a build, as quads in the graph {base}/graph/void (sizes and hashes aside)."""
    c = count(quads)
    d = Description()
    when = ox.Literal(built.isoformat(timespec="seconds"), datatype=n(XSD_NS + "dateTime"))
    _catalog(d, when)
    _dataset(d, c, version, when)
    _statistics(d, c)
    _subsets(d, c)
    _linksets(d, c)
    for fmt in DUMP_FORMATS:
        _distribution(d, fmt, version, when)
    _service(d)
    graph = n(VOID_GRAPH)
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in dict.fromkeys(d.triples)]


def _catalog(d: Description, when: ox.Literal) -> None:
    d.add(CATALOG, RDF_TYPE, DCAT_NS + "Catalog")
    d.titled(
        CATALOG, "苏州工业园区知识图谱数据目录", "Suzhou Industrial Park knowledge graph catalogue"
    )
    d.add(
        CATALOG,
        DCT_NS + "description",
        *texts(
            "苏州工业园区知识图谱的数据集、下载文件和 SPARQL 服务。",
            "The Suzhou Industrial Park knowledge graph: its dataset, dumps and SPARQL service.",
        ),
    )
    d.add(CATALOG, DCT_NS + "publisher", PUBLISHER)
    d.add(CATALOG, FOAF_NS + "homepage", BASE + "/")
    d.add(CATALOG, DCT_NS + "license", LICENSE)
    d.add(
        CATALOG, DCT_NS + "language", EU_AUTHORITY + "language/ZHO", EU_AUTHORITY + "language/ENG"
    )
    d.add(CATALOG, DCT_NS + "modified", when)
    d.add(CATALOG, DCAT_NS + "dataset", DATASET)
    d.add(CATALOG, DCAT_NS + "service", SERVICE)
    d.add(PUBLISHER, RDF_TYPE, FOAF_NS + "Agent")
    d.add(PUBLISHER, FOAF_NS + "name", *texts("sipkg 项目组", "the sipkg project"))
    d.add(CONTACT, RDF_TYPE, VCARD_NS + "Organization")
    d.add(CONTACT, VCARD_NS + "fn", *texts("sipkg 项目组", "the sipkg project"))
    d.add(CONTACT, VCARD_NS + "hasURL", BASE + "/")


def _dataset(d: Description, c: Counts, version: str, when: ox.Literal) -> None:
    d.add(DATASET, RDF_TYPE, VOID_NS + "Dataset", DCAT_NS + "Dataset")
    d.titled(DATASET, "苏州工业园区知识图谱", "Suzhou Industrial Park knowledge graph")
    d.add(
        DATASET,
        DCT_NS + "description",
        *texts(
            "苏州工业园区的机构、项目、规划、称号、事件、地点和统计数据,从来源文件中抽取,每条事实都指向其来源句子。",
            "Institutions, programmes, plans, designations, events, places and statistics of Suzhou Industrial Park,"
            " extracted from source documents; every fact points to the sentence it came from.",
        ),
    )
    d.add(DATASET, DCT_NS + "identifier", ox.Literal(DATASET))
    d.add(DATASET, DCT_NS + "publisher", PUBLISHER)
    d.add(DATASET, DCT_NS + "license", LICENSE)
    d.add(
        DATASET,
        DCT_NS + "rights",
        *texts(
            "图谱的结构与抽取结果按 CC BY 4.0 发布;引用的来源原文仍受其发布者条款约束,见各来源命名图的 dct:rights。",
            "The graph's structure and extractions are published under CC BY 4.0; the quoted source texts keep their "
            "publishers' terms, given as dct:rights on each source graph.",
        ),
    )
    d.add(
        DATASET, DCT_NS + "language", EU_AUTHORITY + "language/ZHO", EU_AUTHORITY + "language/ENG"
    )
    d.add(
        DATASET,
        DCAT_NS + "theme",
        EU_AUTHORITY + "data-theme/GOVE",
        EU_AUTHORITY + "data-theme/SOCI",
        EU_AUTHORITY + "data-theme/ECON",
    )
    d.add(
        DATASET,
        DCAT_NS + "keyword",
        *texts("苏州工业园区", "Suzhou Industrial Park"),
        *texts("社会管理", "social management"),
        *texts("政府机构", "government bodies"),
        *texts("新加坡经验", "Singapore practices"),
        *texts("统计数据", "statistics"),
    )
    d.add(DATASET, DCT_NS + "spatial", PARK, EU_AUTHORITY + "country/CHN")
    if c.period:
        d.add(DATASET, DCT_NS + "temporal", PERIOD)
        d.add(PERIOD, RDF_TYPE, DCT_NS + "PeriodOfTime")
        d.add(PERIOD, DCAT_NS + "startDate", ox.Literal(c.period[0], datatype=n(XSD_NS + "gYear")))
        d.add(PERIOD, DCAT_NS + "endDate", ox.Literal(c.period[1], datatype=n(XSD_NS + "gYear")))
    d.add(DATASET, DCAT_NS + "contactPoint", CONTACT)
    d.add(DATASET, DCT_NS + "accrualPeriodicity", EU_AUTHORITY + "frequency/IRREG")
    d.add(DATASET, DCAT_NS + "landingPage", BASE + "/")
    d.add(DATASET, DCT_NS + "created", when)
    d.add(DATASET, DCT_NS + "modified", when)
    d.add(DATASET, OWL_NS + "versionInfo", ox.Literal(version))
    d.add(DATASET, DCAT_NS + "version", ox.Literal(version))
    d.add(DATASET, VOID_NS + "sparqlEndpoint", ENDPOINT)
    d.add(DATASET, VOID_NS + "uriSpace", ox.Literal(URI_SPACE))
    d.add(DATASET, VOID_NS + "exampleResource", *c.examples)
    d.add(DATASET, VOID_NS + "vocabulary", *c.vocabularies)
    for fmt in DUMP_FORMATS:
        d.add(DATASET, DCAT_NS + "distribution", distribution_iri(fmt))
        d.add(DATASET, VOID_NS + "dataDump", download_url(version, dump_name(version, fmt)))
        d.add(DATASET, VOID_NS + "feature", FORMATS_NS + fmt.feature)


def _statistics(d: Description, c: Counts) -> None:
    d.add(DATASET, VOID_NS + "triples", integer(c.triples))
    d.add(DATASET, VOID_NS + "entities", integer(c.entities))
    d.add(DATASET, VOID_NS + "distinctSubjects", integer(c.subjects))
    d.add(DATASET, VOID_NS + "distinctObjects", integer(c.objects))
    d.add(DATASET, VOID_NS + "properties", integer(len(c.properties)))
    d.add(DATASET, VOID_NS + "classes", integer(len(c.classes)))
    for cls, entities in sorted(c.classes.items()):
        part = f"{DESCRIPTION}#class-{slug(cls)}"
        d.add(DATASET, VOID_NS + "classPartition", part)
        d.add(part, VOID_NS + "class", cls)
        d.add(part, VOID_NS + "entities", integer(entities))
    for prop, triples in sorted(c.properties.items()):
        part = f"{DESCRIPTION}#property-{slug(prop)}"
        d.add(DATASET, VOID_NS + "propertyPartition", part)
        d.add(part, VOID_NS + "property", prop)
        d.add(part, VOID_NS + "triples", integer(triples))


def _subsets(d: Description, c: Counts) -> None:
    """One subset per named graph, named by the graph's IRI; a source graph cites its document."""
    for graph, triples in sorted(c.graphs.items()):
        d.add(DATASET, VOID_NS + "subset", graph)
        d.add(graph, RDF_TYPE, VOID_NS + "Dataset")
        d.add(graph, VOID_NS + "triples", integer(triples))
        if graph.startswith(SOURCE_GRAPHS):
            document = URI_SPACE + "doc/" + graph.rsplit("/", 1)[1]
            d.add(graph, DCT_NS + "source", document)
            d.add(graph, PROV_NS + "wasDerivedFrom", document)
            d.add(graph, DCT_NS + "title", *c.documents.get(document, []))
            # the document's own provenance, so the description alone says whose text it is
            for term, values in c.provenance.get(document, {}).items():
                d.add(document if term in DOCUMENT_ONLY else graph, term, *values)
        elif graph in GRAPH_TITLES:
            d.titled(graph, *GRAPH_TITLES[graph])


def _linksets(d: Description, c: Counts) -> None:
    """One void:Linkset per (link predicate, target namespace) in the links graph."""
    for (predicate, target_space), triples in sorted(c.linksets.items()):
        target = f"{DESCRIPTION}#target-{hashlib.sha1(target_space.encode()).hexdigest()[:12]}"
        linkset = f"{DESCRIPTION}#linkset-{slug(predicate)}-{target.rsplit('-', 1)[1]}"
        d.add(target, RDF_TYPE, VOID_NS + "Dataset")
        d.add(target, VOID_NS + "uriSpace", ox.Literal(target_space))
        name = KNOWN_TARGETS.get(target_space) or re.sub(r"^\w+://", "", target_space)
        d.add(target, DCT_NS + "title", ox.Literal(name))
        d.add(DATASET, VOID_NS + "subset", linkset)
        d.add(linkset, RDF_TYPE, VOID_NS + "Linkset")
        d.add(linkset, VOID_NS + "subjectsTarget", DATASET)
        d.add(linkset, VOID_NS + "objectsTarget", target)
        d.add(linkset, VOID_NS + "linkPredicate", predicate)
        d.add(linkset, VOID_NS + "triples", integer(triples))


def _distribution(d: Description, fmt: DumpFormat, version: str, when: ox.Literal) -> None:
    dist = distribution_iri(fmt)
    d.add(dist, RDF_TYPE, DCAT_NS + "Distribution")
    d.titled(dist, fmt.zh, fmt.en)
    d.add(dist, DCAT_NS + "accessURL", DOWNLOADS)
    d.add(dist, DCAT_NS + "downloadURL", download_url(version, dump_name(version, fmt)))
    d.add(dist, DCAT_NS + "mediaType", IANA_MEDIA_TYPES + fmt.media_type)
    d.add(dist, DCT_NS + "format", EU_AUTHORITY + "file-type/" + fmt.file_type)
    d.add(dist, DCT_NS + "license", LICENSE)
    d.add(dist, DCT_NS + "issued", when)


def _service(d: Description) -> None:
    d.add(SERVICE, RDF_TYPE, DCAT_NS + "DataService")
    d.titled(
        SERVICE,
        "苏州工业园区知识图谱 SPARQL 端点",
        "Suzhou Industrial Park knowledge graph SPARQL endpoint",
    )
    d.add(SERVICE, DCAT_NS + "endpointURL", ENDPOINT)
    d.add(
        SERVICE, DCAT_NS + "endpointDescription", ENDPOINT
    )  # GET /sparql answers its Service Description
    d.add(SERVICE, DCT_NS + "conformsTo", "https://www.w3.org/TR/sparql11-protocol/")
    d.add(SERVICE, DCAT_NS + "servesDataset", DATASET)
    d.add(SERVICE, DCT_NS + "license", LICENSE)
