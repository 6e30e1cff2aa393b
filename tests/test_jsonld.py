"""JSON-LD people can use: every JSON-LD answer is compacted with the published @context,
carries the part of it that it uses, and says exactly what the other RDF formats say."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from sipkg.namespaces import BASE

ADMIN_COMMITTEE = "/doc/org/sip-administrative-committee"  # the page about it (/id/ 303s here)
CONSTRUCT = (
    "PREFIX sip: <https://data.sipac.gov.cn/def/sip#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "CONSTRUCT { ?part sip:partOf ?whole ; rdfs:label ?l } "
    "WHERE { ?part sip:partOf ?whole ; rdfs:label ?l } LIMIT 40"
)


def same_graph(jsonld: bytes, turtle: bytes) -> bool:
    return isomorphic(
        Graph().parse(data=jsonld, format="json-ld"), Graph().parse(data=turtle, format="turtle")
    )


def test_an_entity_in_json_ld_is_compacted_with_our_context(client):
    body = client.get(ADMIN_COMMITTEE + ".jsonld").data
    doc = json.loads(body)
    context = doc["@context"]
    published = client.get("/def/context.jsonld").get_json()["@context"]
    # inline, a part of the published context, each term meaning what it means there
    assert isinstance(context, dict) and context.items() <= published.items()
    nodes = doc["@graph"]
    (me,) = [n for n in nodes if n["@id"] == "id:org/sip-administrative-committee"]  # once
    assert me["label"]["zh-hans"] and me["label"]["en"]  # a language map, not value objects
    assert "@type" in me and not any(k.startswith("http") for n in nodes for k in n)
    assert same_graph(body, client.get(ADMIN_COMMITTEE + ".ttl").data)


def test_a_construct_answer_in_json_ld_is_compacted_and_says_what_turtle_says(client):
    def get(accept: str) -> bytes:
        r = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
        assert r.status_code == 200
        return r.data

    body = get("application/ld+json")
    doc = json.loads(body)
    assert {"partOf", "label"} <= set(doc["@context"])
    assert any(
        isinstance(n.get("partOf"), str) and n["partOf"].startswith("id:") for n in doc["@graph"]
    )
    assert same_graph(body, get("text/turtle"))


def test_void_in_json_ld_is_compacted_and_keeps_every_triple(client):
    body = client.get("/void.jsonld").data
    doc = json.loads(body)
    assert {"void", "dcat", "dct"} <= set(doc["@context"])
    described = Graph().parse(data=body, format="json-ld")
    assert len(described) == len(Graph().parse(data=client.get("/void.ttl").data, format="turtle"))


def test_the_service_description_in_json_ld_uses_the_sd_prefix(client):
    r = client.get("/sparql", headers={"Accept": "application/ld+json"})
    doc = json.loads(r.data)
    assert doc["@context"]["sd"] == "http://www.w3.org/ns/sparql-service-description#"
    assert "sd:endpoint" in json.dumps(doc)


@pytest.mark.parametrize("path", ["/def/sip.jsonld", "/def/institution-kind.jsonld"])
def test_vocabulary_in_json_ld_is_compacted(client, path):
    r = client.get(path)
    assert r.status_code == 200
    doc = json.loads(r.data)
    assert isinstance(doc["@context"], dict) and BASE + "/def/sip#" in doc["@context"].values()
