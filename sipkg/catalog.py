"""What a build publishes: its dumps with their manifest, and a VoID + DCAT-AP description of them.

`describe()` counts the dataset (triples, entities, class and property partitions, one subset per
named graph, linksets out of `{base}/graph/links`) and writes the DCAT-AP catalogue, dataset,
distributions and data service, as quads in the named graph `{base}/graph/void`; the build puts
that graph in the store and in every dump. A dump cannot contain its own size and hash, so the
stored description has everything but the distributions' `dcat:byteSize` and `spdx:checksum`;
the description served at /.well-known/void is the stored one plus those two, read from the
build's `dumps/manifest.json` (`served()`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .namespaces import BASE, PREFIXES

VOID_GRAPH = f"{BASE}/graph/void"
LINKS_GRAPH = f"{BASE}/graph/links"
URI_SPACE = f"{BASE}/id/"
DESCRIPTION = f"{BASE}/void"  # the document; the things it describes are fragments of it
DATASET, CATALOG, SERVICE = f"{DESCRIPTION}#dataset", f"{DESCRIPTION}#catalog", f"{DESCRIPTION}#sparql"
PUBLISHER, CONTACT, PERIOD = f"{DESCRIPTION}#publisher", f"{DESCRIPTION}#contact", f"{DESCRIPTION}#period"
ENDPOINT = f"{BASE}/sparql"
DOWNLOADS = f"{BASE}/download"
MANIFEST = "manifest.json"

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SPDX = "http://spdx.org/rdf/terms#"
PROV = "http://www.w3.org/ns/prov#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
SIP = f"{BASE}/def/sip#"
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
FORMATS = "http://www.w3.org/ns/formats/"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"  # the ontology's licence (ontology/sip.ttl)
PARK = f"{URI_SPACE}place/suzhou-industrial-park"
DESCRIPTION_PREFIXES = {**PREFIXES, "spdx": SPDX, "vcard": VCARD, "dcat": DCAT}
SOURCE_GRAPHS = f"{BASE}/graph/source/"
DATE_PREDICATES = {DCT + "date", SIP + "refPeriod", SIP + "startDate", SIP + "endDate"}
EXAMPLES = 3  # example resources: the most connected organisations


@dataclass(frozen=True)
class DumpFormat:
    """A dump file kind: its extension, serialiser, and the IRIs DCAT-AP and VoID name it by."""

    ext: str
    rdf: ox.RdfFormat
    zh: str
    en: str
    file_type: str  # EU file-type authority code
    feature: str  # W3C format IRI, for void:feature

    @property
    def media_type(self) -> str:
        return self.rdf.media_type

    @property
    def merged(self) -> bool:
        """Whether the file holds the merged default graph (its statements are triples, not quads)."""
        return not self.rdf.supports_datasets


DUMP_FORMATS = (
    DumpFormat("trig", ox.RdfFormat.TRIG, "TriG,全部命名图", "TriG, all named graphs", "RDF_TRIG", "TriG"),
    DumpFormat("nq", ox.RdfFormat.N_QUADS, "N-Quads,全部命名图", "N-Quads, all named graphs", "RDF_N_QUADS",
               "N-Quads"),
    DumpFormat("ttl", ox.RdfFormat.TURTLE, "Turtle,合并的默认图", "Turtle, the merged default graph",
               "RDF_TURTLE", "Turtle"),
    DumpFormat("jsonld", ox.RdfFormat.JSON_LD, "JSON-LD,全部命名图", "JSON-LD, all named graphs", "JSON_LD",
               "JSON-LD"),
)
BY_EXT = {f.ext: f for f in DUMP_FORMATS}

GRAPH_TITLES = {  # named graphs that are not one source document's
    f"{BASE}/graph/registry": ("实体名称与类别", "Names and kinds of entities"),
    f"{BASE}/graph/ontology": ("本体与代码表", "Ontology and code lists"),
    f"{BASE}/graph/inferred": ("推理得出的三元组", "Triples inferred by the reasoner"),
    LINKS_GRAPH: ("指向外部数据集的链接", "Links to other datasets"),
    f"{BASE}/graph/identifiers": ("行政区划代码与链接的出处", "Division codes, and where each link was verified"),
}
KNOWN_TARGETS = {"http://www.wikidata.org/entity/": "Wikidata"}


def dump_name(version: str, fmt: DumpFormat) -> str:
    return f"sipkg-{version}.{fmt.ext}"


def download_url(version: str, name: str) -> str:
    return f"{DOWNLOADS}/{version}/{name}"


def distribution_iri(fmt: DumpFormat) -> str:
    return f"{DESCRIPTION}#dump-{fmt.ext}"


# ------------------------------------------------------------------ dumps


def as_stored(nquads: bytes) -> list[ox.Quad]:
    """The quads as the store will hold them: Oxigraph keeps literals in canonical form ("1.0" and "1.00"
    are one xsd:decimal), so counting them after a round trip through a store gives the store's numbers."""
    store = ox.Store()
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    return list(store)


def write_dumps(folder: Path, quads: list[ox.Quad], version: str) -> dict:
    """Write every dump format and `manifest.json` (name, media type, bytes, statements, SHA-256 per file).

    Files are named by version (`sipkg-{version}.trig`); `sipkg.trig` etc. link to them inside the build.
    """
    folder.mkdir(parents=True, exist_ok=True)
    store = ox.Store()
    store.bulk_extend(quads)
    merged = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
    files = []
    for fmt in DUMP_FORMATS:
        name = dump_name(version, fmt)
        if fmt.merged:
            ox.serialize(merged, str(folder / name), fmt.rdf, prefixes=DESCRIPTION_PREFIXES)
        else:
            store.dump(str(folder / name), fmt.rdf, prefixes=DESCRIPTION_PREFIXES)
        files.append({"name": name, "format": fmt.ext, "media_type": fmt.media_type,
                      "bytes": (folder / name).stat().st_size,
                      "triples" if fmt.merged else "quads": len(merged) if fmt.merged else len(store),
                      "sha256": sha256(folder / name)})
        (folder / f"sipkg.{fmt.ext}").symlink_to(name)  # this build's dump, for scripts that don't know its version
    manifest = {"version": version, "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(build: Path) -> dict | None:
    """A build's dump manifest, or None when it has none (a build from before manifests) or it is unreadable."""
    try:
        manifest = json.loads((build / "dumps" / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and isinstance(manifest.get("files"), list) else None


# ------------------------------------------------------------------ the description


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def integer(value: int, datatype: str = "integer") -> ox.Literal:
    return ox.Literal(str(value), datatype=n(XSD + datatype))


def texts(zh: str, en: str) -> list[ox.Literal]:
    return [ox.Literal(zh, language="zh-Hans"), ox.Literal(en, language="en")]


class Description:
    """Triples of the description, written as (subject, predicate, object) with IRIs as strings."""

    def __init__(self):
        self.triples: list[ox.Triple] = []

    def add(self, s: str | ox.BlankNode, p: str, *objects) -> None:
        for o in objects:
            obj = n(o) if isinstance(o, str) else o
            subject = n(s) if isinstance(s, str) else s
            self.triples.append(ox.Triple(subject, n(p), obj))

    def titled(self, s: str, zh: str, en: str) -> None:
        self.add(s, DCT + "title", *texts(zh, en))


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
        local = iri[len(ns):]
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


def count(quads: Iterable[ox.Quad]) -> Counts:
    """Count what VoID reports, in one pass over the quads (no description graph among them)."""
    merged: set[tuple] = set()
    graphs: Counter = Counter()
    links: Counter = Counter()
    titles: dict[str, list[ox.Literal]] = defaultdict(list)
    years: list[str] = []
    for q in quads:
        graphs[q.graph_name.value] += 1
        merged.add((q.subject, q.predicate, q.object))
        if (q.predicate.value in DATE_PREDICATES and q.graph_name.value.startswith(SOURCE_GRAPHS)
                and isinstance(q.object, ox.Literal) and re.match(r"\d{4}", q.object.value)):
            years.append(q.object.value[:4])  # what the documents are about, not when a link was checked
        if (q.graph_name.value == LINKS_GRAPH and isinstance(q.object, ox.NamedNode)
                and q.subject.value.startswith(URI_SPACE) and not q.object.value.startswith(BASE + "/")):
            links[(q.predicate.value, namespace(q.object.value))] += 1
    instances: dict[str, set] = defaultdict(set)
    properties: Counter = Counter()
    connections: Counter = Counter()
    for s, p, o in merged:
        properties[p.value] += 1
        if p.value == RDF_TYPE:
            instances[o.value].add(s)
        if p.value == DCT + "title" and s.value.startswith(URI_SPACE + "doc/"):
            titles[s.value].append(o)
        for node in (s, o):
            if isinstance(node, ox.NamedNode) and node.value.startswith(URI_SPACE + "org/"):
                connections[node.value] += 1
    vocabularies = {namespace(p) for p in properties} | {namespace(c) for c in instances}
    subjects = {s for s, _, _ in merged}
    return Counts(
        triples=len(merged), subjects=len(subjects), objects=len({o for _, _, o in merged}),
        entities=sum(1 for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(URI_SPACE)),
        classes={c: len(members) for c, members in instances.items()}, properties=dict(properties),
        graphs=dict(graphs), vocabularies=sorted(v for v in vocabularies if v),
        examples=[e for e, _ in sorted(connections.items(), key=lambda x: (-x[1], x[0]))[:EXAMPLES]],
        period=(min(years), max(years)) if years else None, linksets=dict(links), documents=dict(titles),
    )


def describe(quads: list[ox.Quad], version: str, built: dt.datetime) -> list[ox.Quad]:
    """The VoID + DCAT-AP description of a build, as quads in the graph {base}/graph/void (sizes and hashes aside)."""
    c = count(quads)
    d = Description()
    when = ox.Literal(built.isoformat(timespec="seconds"), datatype=n(XSD + "dateTime"))
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
    d.add(CATALOG, RDF_TYPE, DCAT + "Catalog")
    d.titled(CATALOG, "苏州工业园区知识图谱数据目录", "Suzhou Industrial Park knowledge graph catalogue")
    d.add(CATALOG, DCT + "description", *texts(
        "苏州工业园区知识图谱的数据集、下载文件和 SPARQL 服务。",
        "The Suzhou Industrial Park knowledge graph: its dataset, dumps and SPARQL service."))
    d.add(CATALOG, DCT + "publisher", PUBLISHER)
    d.add(CATALOG, FOAF + "homepage", BASE + "/")
    d.add(CATALOG, DCT + "license", LICENSE)
    d.add(CATALOG, DCT + "language", EU + "language/ZHO", EU + "language/ENG")
    d.add(CATALOG, DCT + "modified", when)
    d.add(CATALOG, DCAT + "dataset", DATASET)
    d.add(CATALOG, DCAT + "service", SERVICE)
    d.add(PUBLISHER, RDF_TYPE, FOAF + "Agent")
    d.add(PUBLISHER, FOAF + "name", *texts("sipkg 项目组", "the sipkg project"))
    d.add(CONTACT, RDF_TYPE, VCARD + "Organization")
    d.add(CONTACT, VCARD + "fn", *texts("sipkg 项目组", "the sipkg project"))
    d.add(CONTACT, VCARD + "hasURL", BASE + "/")


def _dataset(d: Description, c: Counts, version: str, when: ox.Literal) -> None:
    d.add(DATASET, RDF_TYPE, VOID + "Dataset", DCAT + "Dataset")
    d.titled(DATASET, "苏州工业园区知识图谱", "Suzhou Industrial Park knowledge graph")
    d.add(DATASET, DCT + "description", *texts(
        "苏州工业园区的机构、项目、规划、称号、事件、地点和统计数据,从来源文件中抽取,每条事实都指向其来源句子。",
        "Institutions, programmes, plans, designations, events, places and statistics of Suzhou Industrial Park,"
        " extracted from source documents; every fact points to the sentence it came from."))
    d.add(DATASET, DCT + "identifier", ox.Literal(DATASET))
    d.add(DATASET, DCT + "publisher", PUBLISHER)
    d.add(DATASET, DCT + "license", LICENSE)
    d.add(DATASET, DCT + "language", EU + "language/ZHO", EU + "language/ENG")
    d.add(DATASET, DCAT + "theme", EU + "data-theme/GOVE", EU + "data-theme/SOCI", EU + "data-theme/ECON")
    d.add(DATASET, DCAT + "keyword", *texts("苏州工业园区", "Suzhou Industrial Park"),
          *texts("社会管理", "social management"), *texts("政府机构", "government bodies"),
          *texts("新加坡经验", "Singapore practices"), *texts("统计数据", "statistics"))
    d.add(DATASET, DCT + "spatial", PARK, EU + "country/CHN")
    if c.period:
        d.add(DATASET, DCT + "temporal", PERIOD)
        d.add(PERIOD, RDF_TYPE, DCT + "PeriodOfTime")
        d.add(PERIOD, DCAT + "startDate", ox.Literal(c.period[0], datatype=n(XSD + "gYear")))
        d.add(PERIOD, DCAT + "endDate", ox.Literal(c.period[1], datatype=n(XSD + "gYear")))
    d.add(DATASET, DCAT + "contactPoint", CONTACT)
    d.add(DATASET, DCT + "accrualPeriodicity", EU + "frequency/IRREG")
    d.add(DATASET, DCAT + "landingPage", BASE + "/")
    d.add(DATASET, DCT + "created", when)
    d.add(DATASET, DCT + "modified", when)
    d.add(DATASET, OWL + "versionInfo", ox.Literal(version))
    d.add(DATASET, DCAT + "version", ox.Literal(version))
    d.add(DATASET, VOID + "sparqlEndpoint", ENDPOINT)
    d.add(DATASET, VOID + "uriSpace", ox.Literal(URI_SPACE))
    d.add(DATASET, VOID + "exampleResource", *c.examples)
    d.add(DATASET, VOID + "vocabulary", *c.vocabularies)
    for fmt in DUMP_FORMATS:
        d.add(DATASET, DCAT + "distribution", distribution_iri(fmt))
        d.add(DATASET, VOID + "dataDump", download_url(version, dump_name(version, fmt)))
        d.add(DATASET, VOID + "feature", FORMATS + fmt.feature)


def _statistics(d: Description, c: Counts) -> None:
    d.add(DATASET, VOID + "triples", integer(c.triples))
    d.add(DATASET, VOID + "entities", integer(c.entities))
    d.add(DATASET, VOID + "distinctSubjects", integer(c.subjects))
    d.add(DATASET, VOID + "distinctObjects", integer(c.objects))
    d.add(DATASET, VOID + "properties", integer(len(c.properties)))
    d.add(DATASET, VOID + "classes", integer(len(c.classes)))
    for cls, entities in sorted(c.classes.items()):
        part = f"{DESCRIPTION}#class-{slug(cls)}"
        d.add(DATASET, VOID + "classPartition", part)
        d.add(part, VOID + "class", cls)
        d.add(part, VOID + "entities", integer(entities))
    for prop, triples in sorted(c.properties.items()):
        part = f"{DESCRIPTION}#property-{slug(prop)}"
        d.add(DATASET, VOID + "propertyPartition", part)
        d.add(part, VOID + "property", prop)
        d.add(part, VOID + "triples", integer(triples))


def _subsets(d: Description, c: Counts) -> None:
    """One subset per named graph, named by the graph's IRI; a source graph cites its document."""
    for graph, triples in sorted(c.graphs.items()):
        d.add(DATASET, VOID + "subset", graph)
        d.add(graph, RDF_TYPE, VOID + "Dataset")
        d.add(graph, VOID + "triples", integer(triples))
        if graph.startswith(SOURCE_GRAPHS):
            document = URI_SPACE + "doc/" + graph.rsplit("/", 1)[1]
            d.add(graph, DCT + "source", document)
            d.add(graph, PROV + "wasDerivedFrom", document)
            d.add(graph, DCT + "title", *c.documents.get(document, []))
        elif graph in GRAPH_TITLES:
            d.titled(graph, *GRAPH_TITLES[graph])


def _linksets(d: Description, c: Counts) -> None:
    """One void:Linkset per (link predicate, target namespace) in the links graph."""
    for (predicate, target_space), triples in sorted(c.linksets.items()):
        target = f"{DESCRIPTION}#target-{hashlib.sha1(target_space.encode()).hexdigest()[:12]}"
        linkset = f"{DESCRIPTION}#linkset-{slug(predicate)}-{target.rsplit('-', 1)[1]}"
        d.add(target, RDF_TYPE, VOID + "Dataset")
        d.add(target, VOID + "uriSpace", ox.Literal(target_space))
        name = KNOWN_TARGETS.get(target_space) or re.sub(r"^\w+://", "", target_space)
        d.add(target, DCT + "title", ox.Literal(name))
        d.add(DATASET, VOID + "subset", linkset)
        d.add(linkset, RDF_TYPE, VOID + "Linkset")
        d.add(linkset, VOID + "subjectsTarget", DATASET)
        d.add(linkset, VOID + "objectsTarget", target)
        d.add(linkset, VOID + "linkPredicate", predicate)
        d.add(linkset, VOID + "triples", integer(triples))


def _distribution(d: Description, fmt: DumpFormat, version: str, when: ox.Literal) -> None:
    dist = distribution_iri(fmt)
    d.add(dist, RDF_TYPE, DCAT + "Distribution")
    d.titled(dist, fmt.zh, fmt.en)
    d.add(dist, DCAT + "accessURL", DOWNLOADS)
    d.add(dist, DCAT + "downloadURL", download_url(version, dump_name(version, fmt)))
    d.add(dist, DCAT + "mediaType", IANA + fmt.media_type)
    d.add(dist, DCT + "format", EU + "file-type/" + fmt.file_type)
    d.add(dist, DCT + "license", LICENSE)
    d.add(dist, DCT + "issued", when)


def _service(d: Description) -> None:
    d.add(SERVICE, RDF_TYPE, DCAT + "DataService")
    d.titled(SERVICE, "苏州工业园区知识图谱 SPARQL 端点", "Suzhou Industrial Park knowledge graph SPARQL endpoint")
    d.add(SERVICE, DCAT + "endpointURL", ENDPOINT)
    d.add(SERVICE, DCAT + "endpointDescription", ENDPOINT)  # GET /sparql answers its Service Description
    d.add(SERVICE, DCT + "conformsTo", "https://www.w3.org/TR/sparql11-protocol/")
    d.add(SERVICE, DCAT + "servesDataset", DATASET)
    d.add(SERVICE, DCT + "license", LICENSE)


# ------------------------------------------------------------------ served


def served(stored: Iterable[ox.Triple], manifest: dict | None) -> list[ox.Triple]:
    """The stored description plus each distribution's byte size and SHA-256 from the build's manifest."""
    triples = list(stored)
    if not manifest:
        return triples
    files = {download_url(manifest["version"], f["name"]): f for f in manifest["files"]}
    d = Description()
    for t in triples:
        if t.predicate.value == DCAT + "downloadURL" and t.object.value in files:
            entry = files[t.object.value]
            checksum = ox.BlankNode(f"checksum-{entry['format']}")
            d.add(t.subject, DCAT + "byteSize", integer(entry["bytes"], "nonNegativeInteger"))
            d.add(t.subject, SPDX + "checksum", checksum)
            d.add(checksum, RDF_TYPE, SPDX + "Checksum")
            d.add(checksum, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
            d.add(checksum, SPDX + "checksumValue", ox.Literal(entry["sha256"], datatype=n(XSD + "hexBinary")))
    return triples + d.triples
