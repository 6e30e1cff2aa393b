"""The dataset description (VoID + DCAT-AP) and the dumps a build writes: numbers that agree with the store."""

from __future__ import annotations

import datetime as dt
import hashlib

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import SH

from sipkg import namespaces
from sipkg.build import describe
from sipkg.namespaces import BASE
from sipkg.store import builds, dumps
from sipkg.store.query import run_query

VOID, DCAT, DCT, SPDX = (
    namespaces.VOID_NS,
    namespaces.DCAT_NS,
    namespaces.DCT_NS,
    namespaces.SPDX_NS,
)
DATASET = ox.NamedNode(dumps.DATASET)
WIKIDATA = "http://www.wikidata.org/entity/"


@pytest.fixture(scope="module")
def build_dir(paths):
    return builds.current(paths.store).path


@pytest.fixture(scope="module")
def manifest(build_dir) -> dict:
    return dumps.read_manifest(build_dir)


@pytest.fixture(scope="module")
def stored(graph) -> list[ox.Triple]:
    """The description as the build stored it (graph {base}/graph/void)."""
    return [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in graph.quads_for_pattern(None, None, None, ox.NamedNode(namespaces.VOID_GRAPH))
    ]


@pytest.fixture(scope="module")
def data_graphs(graph) -> list[str]:
    """Every named graph but the description: what the description describes."""
    names = {
        q.graph_name.value
        for q in graph.quads_for_pattern(None, None, None, None)
        if isinstance(q.graph_name, ox.NamedNode)
    }
    return sorted(names - {namespaces.VOID_GRAPH})


@pytest.fixture(scope="module")
def count_over(graph, data_graphs):
    """A SELECT's single number over the merge of the data graphs, as the store's SPARQL engine counts it."""

    def run(query: str) -> int:
        result = run_query(graph, query, default_graphs=data_graphs)
        return int(next(iter(result.value))["n"].value)

    return run


def values(triples, subject, predicate) -> list:
    s = ox.NamedNode(subject) if isinstance(subject, str) else subject
    return [t.object for t in triples if t.subject == s and t.predicate.value == predicate]


def number(triples, subject, predicate) -> int:
    (value,) = values(triples, subject, predicate)
    return int(value.value)


# ------------------------------------------------------------------ VoID numbers agree with SPARQL


@pytest.mark.parametrize(
    "predicate, query",
    [
        (
            "triples",
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
        ),
        ("distinctSubjects", "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        ("distinctObjects", "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        ("properties", "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"),
        ("classes", "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"),
        (
            "entities",
            f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}/id/")) }}',
        ),
    ],
)
def test_dataset_figures_equal_sparql_counts(stored, count_over, predicate, query):
    assert number(stored, DATASET, VOID + predicate) == count_over(query) > 0


def test_class_partitions_count_the_distinct_instances_of_each_class(stored, graph, data_graphs):
    counted = {
        r["c"].value: int(r["n"].value)
        for r in run_query(
            graph,
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
            default_graphs=data_graphs,
        ).value
    }
    described = {
        values(stored, p, VOID + "class")[0].value: number(stored, p, VOID + "entities")
        for p in values(stored, DATASET, VOID + "classPartition")
    }
    assert described == counted
    assert described[f"{BASE}/def/sip#Programme"] >= 10


def test_property_partitions_count_the_triples_of_each_property(stored, graph, data_graphs):
    counted = {
        r["p"].value: int(r["n"].value)
        for r in run_query(
            graph,
            "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } GROUP BY ?p",
            default_graphs=data_graphs,
        ).value
    }
    described = {
        values(stored, p, VOID + "property")[0].value: number(stored, p, VOID + "triples")
        for p in values(stored, DATASET, VOID + "propertyPartition")
    }
    assert described == counted


def test_each_source_graph_is_a_subset_citing_its_document(stored, graph, data_graphs):
    subsets = {s.value for s in values(stored, DATASET, VOID + "subset")}
    sources = [g for g in data_graphs if g.startswith(f"{BASE}/graph/source/")]
    assert len(sources) >= 2 and set(sources) <= subsets
    for g in sources:
        document = ox.NamedNode(f"{BASE}/id/doc/{g.rsplit('/', 1)[1]}")
        assert values(stored, g, DCT + "source") == [document]
        assert values(stored, g, namespaces.PROV_NS + "wasDerivedFrom") == [document]
        assert number(stored, g, VOID + "triples") == len(
            list(graph.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        )


def test_the_dataset_says_where_its_endpoint_dumps_and_identifiers_are(stored, manifest):
    assert values(stored, DATASET, VOID + "sparqlEndpoint") == [ox.NamedNode(f"{BASE}/sparql")]
    assert values(stored, DATASET, VOID + "uriSpace") == [ox.Literal(f"{BASE}/id/")]
    dumped = {d.value for d in values(stored, DATASET, VOID + "dataDump")}
    assert dumped == {dumps.download_url(manifest["version"], f["name"]) for f in manifest["files"]}
    assert values(stored, DATASET, namespaces.OWL_NS + "versionInfo") == [
        ox.Literal(manifest["version"])
    ]
    examples = values(stored, DATASET, VOID + "exampleResource")
    assert ox.NamedNode(f"{BASE}/id/org/sip-administrative-committee") in examples
    vocabularies = {v.value for v in values(stored, DATASET, VOID + "vocabulary")}
    assert {
        "http://www.w3.org/ns/org#",
        "http://www.w3.org/ns/prov#",
        f"{BASE}/def/sip#",
    } <= vocabularies
    assert {f.value for f in values(stored, DATASET, VOID + "feature")} == {
        "http://www.w3.org/ns/formats/" + f for f in ("TriG", "N-Quads", "Turtle", "JSON-LD")
    }
    assert {t.language for t in values(stored, DATASET, DCT + "title")} == {"zh-hans", "en"}


# ------------------------------------------------------------------ linksets


def link_quads() -> list[ox.Quad]:
    g = ox.NamedNode(namespaces.LINKS_GRAPH)
    sip, wd = f"{BASE}/id/place/", WIKIDATA

    def q(s, p, o, graph=g):
        return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), graph)

    same, exact = namespaces.OWL_NS + "sameAs", "http://www.w3.org/2004/02/skos/core#exactMatch"
    return [
        q(sip + "suzhou", same, wd + "Q42622"),
        q(sip + "china", same, wd + "Q148"),
        q(f"{BASE}/id/org/state-council", exact, wd + "Q8686"),
        q(sip + "suzhou", same, "https://sws.geonames.org/1886760/"),
        # provenance of a link is not a link: a statement node naming the Wikidata item
        q(
            f"{BASE}/data/statement/abc",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#object",
            wd + "Q42622",
        ),
        # a link outside the links graph is not described as a linkset
        q(sip + "jiangsu", same, wd + "Q16963", ox.NamedNode(f"{BASE}/graph/registry")),
    ]


def test_each_predicate_and_target_namespace_in_the_links_graph_is_a_linkset():
    triples = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in describe.describe(link_quads(), "test", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    ]
    linksets = [
        t.subject
        for t in triples
        if t.predicate.value == namespaces.RDF_TYPE and t.object.value == VOID + "Linkset"
    ]
    found = {}
    for ls in linksets:
        assert ls in values(triples, DATASET, VOID + "subset")
        assert values(triples, ls, VOID + "subjectsTarget") == [DATASET]
        (target,) = values(triples, ls, VOID + "objectsTarget")
        (space,) = values(triples, target, VOID + "uriSpace")
        (predicate,) = values(triples, ls, VOID + "linkPredicate")
        found[(predicate.value.rsplit("#", 1)[1], space.value)] = number(
            triples, ls, VOID + "triples"
        )
    assert found == {
        ("sameAs", WIKIDATA): 2,
        ("exactMatch", WIKIDATA): 1,
        ("sameAs", "https://sws.geonames.org/"): 1,
    }


def test_without_links_there_are_no_linksets():
    quads = [q for q in link_quads() if q.graph_name.value != namespaces.LINKS_GRAPH]
    triples = describe.describe(quads, "test", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert not any(t.object.value == VOID + "Linkset" for t in triples)


def test_the_real_links_graph_is_described(stored, graph):
    links = ox.NamedNode(namespaces.LINKS_GRAPH)
    outgoing = {
        (q.predicate.value, q.object.value.rsplit("/", 1)[0] + "/")
        for q in graph.quads_for_pattern(None, None, None, links)
        if q.subject.value.startswith(f"{BASE}/id/")
        and isinstance(q.object, ox.NamedNode)
        and not q.object.value.startswith(BASE)
    }
    linksets = [t.subject for t in stored if t.object == ox.NamedNode(VOID + "Linkset")]
    assert len(linksets) == len(outgoing)


# ------------------------------------------------------------------ DCAT-AP

DCAT_AP_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix spdx: <http://spdx.org/rdf/terms#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix s: <urn:shapes:> .
# The mandatory properties of DCAT-AP 3.0 (plus the recommended ones this brief asks for).
s:Catalog a sh:NodeShape ; sh:targetClass dcat:Catalog ;
  sh:property [ sh:path dct:title ; sh:minCount 1 ] , [ sh:path dct:description ; sh:minCount 1 ] ,
    [ sh:path dct:publisher ; sh:minCount 1 ; sh:maxCount 1 ; sh:class foaf:Agent ] ,
    [ sh:path foaf:homepage ; sh:minCount 1 ] , [ sh:path dcat:dataset ; sh:minCount 1 ; sh:class dcat:Dataset ] ,
    [ sh:path dcat:service ; sh:minCount 1 ; sh:class dcat:DataService ] .
s:Dataset a sh:NodeShape ; sh:targetClass dcat:Dataset ;
  sh:property [ sh:path dct:title ; sh:minCount 1 ] , [ sh:path dct:description ; sh:minCount 1 ] ,
    [ sh:path dct:publisher ; sh:class foaf:Agent ; sh:minCount 1 ] , [ sh:path dcat:contactPoint ; sh:minCount 1 ] ,
    [ sh:path dcat:theme ; sh:minCount 1 ] , [ sh:path dcat:keyword ; sh:minCount 1 ] ,
    [ sh:path dct:spatial ; sh:minCount 1 ] , [ sh:path dct:temporal ; sh:class dct:PeriodOfTime ; sh:minCount 1 ] ,
    [ sh:path dct:accrualPeriodicity ; sh:minCount 1 ; sh:maxCount 1 ] ,
    [ sh:path dcat:distribution ; sh:class dcat:Distribution ; sh:minCount 4 ] .
s:Distribution a sh:NodeShape ; sh:targetClass dcat:Distribution ;
  sh:property [ sh:path dcat:accessURL ; sh:minCount 1 ] , [ sh:path dcat:downloadURL ; sh:minCount 1 ] ,
    [ sh:path dcat:mediaType ; sh:minCount 1 ; sh:maxCount 1 ] , [ sh:path dct:format ; sh:minCount 1 ] ,
    [ sh:path dcat:byteSize ; sh:datatype xsd:nonNegativeInteger ; sh:minCount 1 ; sh:maxCount 1 ] ,
    [ sh:path spdx:checksum ; sh:class spdx:Checksum ; sh:minCount 1 ; sh:maxCount 1 ] .
s:Checksum a sh:NodeShape ; sh:targetClass spdx:Checksum ;
  sh:property [ sh:path spdx:algorithm ; sh:hasValue spdx:checksumAlgorithm_sha256 ] ,
    [ sh:path spdx:checksumValue ; sh:datatype xsd:hexBinary ; sh:minCount 1 ; sh:maxCount 1 ] .
s:DataService a sh:NodeShape ; sh:targetClass dcat:DataService ;
  sh:property [ sh:path dct:title ; sh:minCount 1 ] , [ sh:path dcat:endpointURL ; sh:minCount 1 ] ,
    [ sh:path dcat:endpointDescription ; sh:minCount 1 ] , [ sh:path dcat:servesDataset ; sh:minCount 1 ] .
s:Agent a sh:NodeShape ; sh:targetClass foaf:Agent ; sh:property [ sh:path foaf:name ; sh:minCount 1 ] .
s:Period a sh:NodeShape ; sh:targetClass dct:PeriodOfTime ;
  sh:property [ sh:path dcat:startDate ; sh:minCount 1 ] , [ sh:path dcat:endDate ; sh:minCount 1 ] .
"""


def rdflib_graph(triples: list[ox.Triple]) -> Graph:
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def test_the_served_description_meets_dcat_ap(stored, manifest):
    conforms, _, text = validate(
        rdflib_graph(dumps.served(stored, manifest)),
        shacl_graph=Graph().parse(data=DCAT_AP_SHAPES, format="turtle"),
    )
    assert conforms, text


def test_the_stored_description_lacks_only_size_and_checksum(stored, manifest):
    """A dump can't hold its own hash: inside the dumps, the distributions miss exactly those two."""
    conforms, report, _ = validate(
        rdflib_graph(stored), shacl_graph=Graph().parse(data=DCAT_AP_SHAPES, format="turtle")
    )
    assert not conforms
    missing = {str(p) for p in report.objects(None, SH.resultPath)}
    assert missing == {DCAT + "byteSize", SPDX + "checksum"}


def test_served_sizes_and_checksums_are_the_manifests(stored, manifest):
    served = dumps.served(stored, manifest)
    for f in manifest["files"]:
        (dist,) = [
            t.subject
            for t in served
            if t.predicate.value == DCAT + "downloadURL"
            and t.object.value == dumps.download_url(manifest["version"], f["name"])
        ]
        assert number(served, dist, DCAT + "byteSize") == f["bytes"]
        (checksum,) = values(served, dist, SPDX + "checksum")
        assert values(served, checksum, SPDX + "checksumValue")[0].value == f["sha256"]


# ------------------------------------------------------------------ dumps


def test_the_manifest_lists_one_versioned_file_per_format(manifest, report):
    assert manifest["version"] == report.version
    assert [f["name"] for f in manifest["files"]] == [
        f"sipkg-{report.version}.{ext}" for ext in ("trig", "nq", "ttl", "jsonld")
    ]


@pytest.mark.parametrize("ext", ["trig", "nq", "ttl", "jsonld"])
def test_every_dump_parses_and_matches_its_manifest_entry(build_dir, manifest, graph, ext):
    entry = next(f for f in manifest["files"] if f["format"] == ext)
    path = build_dir / "dumps" / entry["name"]
    body = path.read_bytes()
    assert len(body) == entry["bytes"]
    assert hashlib.sha256(body).hexdigest() == entry["sha256"]
    parsed = list(ox.parse(body, format=dumps.BY_EXT[ext].rdf))
    if ext == "ttl":  # the merged default graph: every distinct triple of the store's default graph
        assert (
            len(parsed)
            == entry["triples"]
            == len(list(graph.quads_for_pattern(None, None, None, ox.DefaultGraph())))
        )
    else:  # every named graph, the description's included
        assert (
            len(parsed)
            == entry["quads"]
            == len(graph) - len(list(graph.quads_for_pattern(None, None, None, ox.DefaultGraph())))
        )
        assert any(
            q.graph_name.value == namespaces.VOID_GRAPH and q.subject == DATASET for q in parsed
        )


def test_the_build_reports_the_time_describing_and_dumping_took(report):
    assert 0 < report.seconds["describe and dump"] < report.seconds["total"]


def test_the_temporal_coverage_spans_the_dates_the_documents_give(stored, select):
    (row,) = (
        select(f"""SELECT (MIN(SUBSTR(STR(?d), 1, 4)) AS ?start) (MAX(SUBSTR(STR(?d), 1, 4)) AS ?end) WHERE {{
        GRAPH ?g {{ ?s dct:date|sip:refPeriod|sip:startDate|sip:endDate ?d }}
        FILTER(STRSTARTS(STR(?g), "{BASE}/graph/source/") && REGEX(STR(?d), "^[0-9]{{4}}")) }}""")
    )
    (period,) = values(stored, DATASET, DCT + "temporal")
    assert (
        values(stored, period, DCAT + "startDate")[0].value == row["start"] <= "1994"
    )  # years BCE aside
    assert values(stored, period, DCAT + "endDate")[0].value == row["end"]
