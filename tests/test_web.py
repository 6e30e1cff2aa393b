"""/sparql with real clients against a real server (protocol details: test_endpoint.py)."""

from __future__ import annotations

import urllib.parse
import urllib.request

import pytest

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://data.sipac.gov.cn/def/sip#Designation> }"


def test_get_query_answers_sparql_json(client):
    r = client.get(
        "/sparql",
        query_string={"query": QUERY},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+json"
    assert int(r.get_json()["results"]["bindings"][0]["n"]["value"]) >= 5


def test_post_direct_and_form_answer_the_same(client):
    direct = client.post("/sparql", data=QUERY, content_type="application/sparql-query")
    form = client.post("/sparql", data={"query": QUERY})
    assert direct.status_code == form.status_code == 200
    assert direct.get_json() == form.get_json()


def test_the_editor_escapes_the_query_it_shows(client):
    r = client.get(
        "/sparql",
        query_string={"query": "SELECT ('<script>x</script>' AS ?v) {}"},
        headers={"Accept": "text/html"},
    )
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
    rows = list(
        g.query(
            "SELECT ?l WHERE { <https://data.sipac.gov.cn/id/org/sip-administrative-committee> "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
        )
    )
    assert {str(r[0]) for r in rows} >= {"苏州工业园区管理委员会"}


@pytest.mark.integration
def test_curl_level_http_gets_csv(server):
    req = urllib.request.Request(
        server + "?query=" + urllib.parse.quote(QUERY), headers={"Accept": "text/csv"}
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/csv")
        assert r.read().decode().splitlines()[0] == "n"
