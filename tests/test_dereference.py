"""Every IRI the graph uses answers: statements, evidence, observations, the history's nodes and
named graphs, each taken from the built graph by SPARQL, in HTML, JSON and every RDF format."""

from __future__ import annotations

import pytest
import rdflib

from sipkg.namespaces import BASE
from sipkg.web.browse import page_url

# One real IRI of each kind, with what its page must show, found in the built graph.
STATEMENT = """
SELECT ?iri ?exact WHERE {
  ?iri a sip:FactStatement ; rdf:predicate sip:serviceWindowOf ; prov:wasDerivedFrom ?ev .
  ?ev oa:hasTarget/oa:hasSelector ?q . ?q oa:exact ?exact .
} ORDER BY ?iri LIMIT 1"""
EVIDENCE = """
SELECT ?iri ?exact ?doc WHERE {
  ?iri a sip:Evidence ; oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?q . ?q oa:exact ?exact .
} ORDER BY ?iri LIMIT 1"""
OBSERVATION = """
SELECT ?iri ?exact WHERE { ?iri a qb:Observation ; sip:statedValue ?exact } ORDER BY ?iri LIMIT 1"""
GRAPH = """
SELECT ?iri ?exact WHERE {
  ?iri a void:Dataset ; void:triples ?exact ; dct:source ?doc
} ORDER BY ?iri LIMIT 1"""
HISTORY = """
SELECT ?iri ?exact WHERE { ?iri a sip:DatedRelation ; sip:relationObject ?exact } ORDER BY ?iri LIMIT 1"""

KINDS = {
    "statement": STATEMENT,
    "evidence": EVIDENCE,
    "observation": OBSERVATION,
    "graph": GRAPH,
    "history": HISTORY,
}
FORMATS = [
    ({"Accept": "text/turtle"}, "", "text/turtle", "turtle"),
    ({"Accept": "application/ld+json"}, "", "application/ld+json", "json-ld"),
    ({"Accept": "application/n-triples"}, "", "application/n-triples", "nt"),
    ({"Accept": "application/rdf+xml"}, "", "application/rdf+xml", "xml"),
    ({}, ".ttl", "text/turtle", "turtle"),
    ({}, ".jsonld", "application/ld+json", "json-ld"),
    ({}, ".nt", "application/n-triples", "nt"),
    ({}, ".rdf", "application/rdf+xml", "xml"),
]


@pytest.fixture(scope="module")
def example(select):
    """kind -> (IRI, a text its page shows), each read from the built graph."""
    found = {}
    for kind, query in KINDS.items():
        rows = select(query)
        assert rows, f"the built graph should hold a {kind}"
        found[kind] = rows[0]["iri"], rows[0]["exact"]
    return found


def path(iri: str) -> str:
    assert iri.startswith(BASE)
    return iri[len(BASE) :]


@pytest.mark.parametrize("kind", KINDS)
def test_record_iri_answers_200_itself_as_an_information_resource(client, example, kind):
    r = client.get(path(example[kind][0]))
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert "Accept" in r.headers["Vary"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("headers, suffix, media, rdflib_format", FORMATS)
def test_record_in_each_rdf_format_parses_and_holds_its_triples(
    client, select, example, kind, headers, suffix, media, rdflib_format
):
    iri = example[kind][0]
    r = client.get(path(iri) + suffix, headers=headers)
    assert r.status_code == 200 and r.mimetype == media
    g = rdflib.Graph().parse(data=r.get_data(as_text=True), format=rdflib_format)
    stored = select(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}")
    served = {(str(p), str(o)) for p, o in g.predicate_objects(rdflib.URIRef(iri))}
    assert {(row["p"], row["o"]) for row in stored} <= served


def test_statement_page_shows_its_fact_and_the_quote_in_its_sentence(client, example):
    iri, exact = example["statement"]
    html = client.get(path(iri)).get_data(as_text=True)
    assert f'<mark class="hl">{exact}</mark>' in html
    assert "/doc/org/" in html and "/def/sip#serviceWindowOf" in html and "/doc/doc/" in html


def test_statement_json_twin_has_the_fact_method_confidence_and_evidence(client, example):
    iri, exact = example["statement"]
    data = client.get(path(iri) + ".json").get_json()
    assert data["kind"] == "statement" and data["iri"] == iri
    assert data["predicate"]["iri"].endswith("#serviceWindowOf")
    assert data["subject"]["label"] and data["object"]["label"]
    assert data["method"]["iri"] and float(data["confidence"]) > 0
    assert any(
        e["quote"] == exact and e["document_url"].startswith("/doc/doc/") for e in data["evidence"]
    )


def test_statement_turtle_carries_its_evidence_and_quote(client, example):
    iri, exact = example["statement"]
    g = rdflib.Graph().parse(
        data=client.get(path(iri) + ".ttl").get_data(as_text=True), format="turtle"
    )
    oa = rdflib.Namespace("http://www.w3.org/ns/oa#")
    assert exact in {str(o) for o in g.objects(None, oa.exact)}


def test_evidence_page_shows_its_quote_in_the_document(client, example):
    iri, exact = example["evidence"]
    html = client.get(path(iri)).get_data(as_text=True)
    assert f'<mark class="hl">{exact}</mark>' in html and "/data/statement/" in html
    data = client.get(path(iri), headers={"Accept": "application/json"}).get_json()
    assert data["kind"] == "evidence" and data["quote"]["quote"] == exact
    assert data["statement"]["url"].startswith("/data/statement/")


def test_evidence_turtle_holds_its_target_and_selectors(client, example):
    iri, exact = example["evidence"]
    g = rdflib.Graph().parse(
        data=client.get(path(iri) + ".ttl").get_data(as_text=True), format="turtle"
    )
    assert rdflib.URIRef(iri + "#quote") in set(g.subjects())
    assert (rdflib.URIRef(iri + "#quote"), None, rdflib.Literal(exact)) in g


def test_observation_page_shows_its_figure_as_stated_and_its_evidence(client, example):
    iri, stated = example["observation"]
    html = client.get(path(iri)).get_data(as_text=True)
    assert stated in html and '<mark class="hl">' in html
    data = client.get(path(iri) + ".json").get_json()
    assert data["kind"] == "observation" and data["stated"] == stated
    assert (
        data["indicator"]["iri"]
        and data["value"]
        and data["readable"]
        and "e+" not in data["readable"]
    )
    assert data["area"]["url"].startswith("/doc/") and data["evidence"]


def test_named_graph_page_shows_its_void_entry_and_a_query_link(client, example):
    iri, triples = example["graph"]
    html = client.get(path(iri)).get_data(as_text=True)
    assert triples in html and "/sparql?query=" in html
    data = client.get(path(iri) + ".json").get_json()
    assert data["kind"] == "graph" and data["triples"] == int(triples)
    assert data["source"]["url"].startswith("/doc/doc/") and data["rights"]
    r = client.get(data["triples_url"])
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    assert len(rdflib.Graph().parse(data=r.get_data(as_text=True), format="turtle")) == int(triples)


def test_history_node_lists_its_properties(client, example):
    iri, other = example["history"]
    data = client.get(path(iri) + ".json").get_json()
    assert data["kind"] == "history"
    assert other in {p["value"] for p in data["properties"]}


@pytest.mark.parametrize("kind", KINDS)
def test_pages_link_a_record_to_its_own_iri(example, kind):
    assert page_url(example[kind][0]) == path(example[kind][0])


def test_sentence_page_shows_its_text_and_the_facts_it_supports(client, select, example):
    statement = example["statement"][0]
    row = select(f"""
    SELECT ?sentence ?text WHERE {{
      <{statement}> prov:wasDerivedFrom/oa:hasTarget/oa:hasScope ?sentence . ?sentence rdf:value ?text
    }} LIMIT 1""")[0]
    r = client.get(path(row["sentence"]))
    assert r.status_code == 303
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert row["text"] in html and f'href="{path(statement)}"' in html
    data = client.get(r.headers["Location"] + ".json").get_json()
    assert data["kind"] == "sentence" and data["text"] == row["text"]
    assert statement in {f["statement"]["iri"] for f in data["supports"]}
    assert data["in_document_url"].startswith("/doc/doc/") and "#s" in data["in_document_url"]
    turtle = client.get(r.headers["Location"] + ".ttl").get_data(as_text=True)
    g = rdflib.Graph().parse(data=turtle, format="turtle")
    assert (rdflib.URIRef(row["sentence"]), rdflib.RDF.value, rdflib.Literal(row["text"])) in g


@pytest.mark.parametrize(
    "url",
    [
        "/data/statement/0000000000000000",
        "/data/evidence/nope.ttl",
        "/data/obs/nope",
        "/data/history/relation/nope",
        "/graph/source/0000000000000000",
        "/graph/nope.json",
        "/data/obs/%3E%20%7B",
        "/doc/doc/0000000000000000/sentence/1",
        "/doc/doc/0000000000000000/sentence/1.ttl",
    ],
)
def test_unknown_record_is_the_not_found_page(client, url):
    r = client.get(url)
    assert r.status_code == 404
    if r.mimetype == "text/html":
        assert "404" in r.get_data(as_text=True)


@pytest.mark.parametrize("suffix", ["", ".ttl", ".jsonld"])
def test_the_description_graph_is_the_description(client, suffix):
    """<…/graph/void> holds the VoID description: its IRI leads to it, in the format asked for."""
    r = client.get("/graph/void" + suffix)
    assert r.status_code == 303 and r.headers["Location"].endswith("/void" + suffix)
    assert client.get(r.headers["Location"]).status_code == 200
