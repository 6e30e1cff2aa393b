"""/sparql through the Flask test client, and through a real server with real clients."""

from __future__ import annotations

import urllib.parse
import urllib.request

import pytest

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://data.sipac.gov.cn/def/sip#Designation> }"


def test_get_query_answers_sparql_json(client):
    r = client.get("/sparql", query_string={"query": QUERY}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+json"
    assert int(r.get_json()["results"]["bindings"][0]["n"]["value"]) >= 5


def test_post_direct_and_form_answer_the_same(client):
    direct = client.post("/sparql", data=QUERY, content_type="application/sparql-query")
    form = client.post("/sparql", data={"query": QUERY})
    assert direct.status_code == form.status_code == 200
    assert direct.get_json() == form.get_json()


@pytest.mark.parametrize("accept, media", [
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
])
def test_select_results_in_each_format(client, accept, media):
    r = client.get("/sparql", query_string={"query": QUERY}, headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == media


def test_construct_answers_turtle(client):
    q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
    r = client.get("/sparql", query_string={"query": q}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"


def test_malformed_query_is_a_400_with_the_parsers_message(client):
    r = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x"}, headers={"Accept": "application/json"})
    assert r.status_code == 400
    assert "syntax error" in r.get_data(as_text=True).lower()


def test_unsupported_post_body_is_a_415(client):
    r = client.post("/sparql", data="x", content_type="text/plain")
    assert r.status_code == 415


def test_unacceptable_format_is_a_406(client):
    r = client.get("/sparql", query_string={"query": QUERY, "format": "image/png"})
    assert r.status_code == 406


def test_the_form_escapes_what_it_shows(client):
    r = client.get("/sparql", query_string={"query": "SELECT ('<script>x</script>' AS ?v) {}"},
                   headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert "<script>x" not in r.get_data(as_text=True)


@pytest.fixture()
def server(live_server):
    """The SPARQL endpoint of the session's real server (tests/livesite.py)."""
    return live_server + "/sparql"


@pytest.mark.integration
def test_sparqlwrapper_reads_the_served_endpoint(server):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(server)
    client.setQuery(QUERY)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert int(result["results"]["bindings"][0]["n"]["value"]) >= 5


@pytest.mark.integration
def test_rdflib_sparqlstore_reads_the_served_endpoint(server):
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    g = Graph(store=SPARQLStore(server, returnFormat="json"))
    rows = list(g.query("SELECT ?l WHERE { <https://data.sipac.gov.cn/id/org/sip-administrative-committee> "
                        "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"))
    assert {str(r[0]) for r in rows} >= {"苏州工业园区管理委员会"}


@pytest.mark.integration
def test_curl_level_http_gets_csv(server):
    req = urllib.request.Request(server + "?query=" + urllib.parse.quote(QUERY), headers={"Accept": "text/csv"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/csv")
        assert r.read().decode().splitlines()[0] == "n"
