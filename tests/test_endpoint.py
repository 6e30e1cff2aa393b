"""/sparql behaviours a client would notice: negotiation, errors, limits, caching, CORS, safety, writing."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph

from sipkg.web import create_app

SELECT = "SELECT ?s WHERE { ?s a <https://data.sipac.gov.cn/def/sip#Designation> } ORDER BY ?s"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
TOKEN = "s3cret"


@pytest.fixture()
def make_app(paths):
    """An app with config overrides; its query processes are stopped after the test."""
    made = []

    def make(**config):
        app = create_app({"STORE": paths.store, "TESTING": True, **config})
        made.append(app)
        return app.test_client()

    yield make
    for app in made:
        app.extensions["sipkg"].close()


@pytest.mark.parametrize(
    "accept, media",
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/html;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
    ],
)
def test_select_negotiates_by_accept_and_q_values(client, accept, media):
    r = client.get(
        "/sparql", query_string={"query": SELECT}, headers={"Accept": accept} if accept else {}
    )
    assert r.status_code == 200 and r.mimetype == media


@pytest.mark.parametrize(
    "accept, media, rdflib_format",
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/ld+json;q=0.4, application/rdf+xml;q=0.8", "application/rdf+xml", "xml"),
        ("*/*", "text/turtle", "turtle"),
    ],
)
def test_construct_negotiates_rdf_formats_that_parse(client, accept, media, rdflib_format):
    r = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == media
    assert len(Graph().parse(data=r.data, format=rdflib_format)) == 3


@pytest.mark.parametrize(
    "fmt, media",
    [
        ("json", "application/sparql-results+json"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("xml", "application/sparql-results+xml"),
    ],
)
def test_format_parameter_overrides_accept(client, fmt, media):
    r = client.get(
        "/sparql", query_string={"query": SELECT, "format": fmt}, headers={"Accept": "text/turtle"}
    )
    assert r.status_code == 200 and r.mimetype == media


def test_the_formats_say_the_same(client):
    def rows(fmt):
        return client.get("/sparql", query_string={"query": SELECT, "format": fmt}).get_data(
            as_text=True
        )

    iris = [b["s"]["value"] for b in json.loads(rows("json"))["results"]["bindings"]]
    assert iris and rows("csv").split("\r\n")[1:-1] == iris
    assert rows("tsv").splitlines()[1:] == [f"<{i}>" for i in iris]


def test_ask_answers_a_boolean(client):
    r = client.get(
        "/sparql",
        query_string={"query": "ASK { ?s a <https://data.sipac.gov.cn/def/sip#Designation> }"},
    )
    assert r.status_code == 200 and r.get_json() == {"head": {}, "boolean": True}


def test_malformed_query_is_a_400_with_the_parsers_position(client):
    r = client.get(
        "/sparql",
        query_string={"query": "SELECT ?x WHERE {\n  ?x ?y"},
        headers={"Accept": "text/csv"},
    )
    assert r.status_code == 400
    assert "syntax error" in r.get_data(as_text=True).lower() and "2:" in r.get_data(as_text=True)


def test_an_undeclared_known_prefix_is_a_400_that_shows_the_prefix_line(client):
    r = client.get(
        "/sparql",
        query_string={"query": "SELECT * WHERE {\n  ?s skos:prefLabel ?o }"},
        headers={"Accept": "text/csv"},
    )
    text = r.get_data(as_text=True)
    assert r.status_code == 400 and "skos:" in text and "line 2, column 6" in text
    assert "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>" in text
    assert "expected one of" not in text  # not the grammar


def test_an_undeclared_unknown_prefix_is_named_with_how_to_declare_it(client):
    r = client.get("/sparql", query_string={"query": "SELECT * { ?s foo:bar ?o }"})
    text = r.get_data(as_text=True)
    assert r.status_code == 400 and "prefix foo:" in text and "PREFIX foo: <" in text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(client, method):
    r = client.open("/sparql", method=method, query_string={"query": SELECT})
    assert r.status_code == 405 and "GET" in r.headers["Allow"]


def test_unacceptable_format_is_a_406_that_names_the_available_ones(client):
    r = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "text/csv" in r.get_data(as_text=True)


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", ""])
def test_unsupported_post_body_is_a_415(client, content_type):
    r = client.post(
        "/sparql", data=SELECT, headers={"Content-Type": content_type} if content_type else {}
    )
    assert r.status_code == 415


def test_a_body_not_in_utf8_is_refused(client):
    r = client.post(
        "/sparql",
        data=SELECT.encode("utf-16"),
        content_type="application/sparql-query; charset=UTF-16",
    )
    assert r.status_code == 415


def test_two_queries_in_one_request_are_a_400(client):
    r = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert r.status_code == 400 and "more than one" in r.get_data(as_text=True)


def test_a_bare_get_asking_for_rdf_is_the_service_description(client):
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = Graph().parse(data=r.data, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    answer = g.query(f"""ASK {{ ?service a <{sd}Service> ; <{sd}endpoint> ?service ;
        <{sd}supportedLanguage> <{sd}SPARQL11Query> ; <{sd}defaultDataset>/<{sd}namedGraph>/<{sd}name>
        <https://data.sipac.gov.cn/graph/registry> }}""")
    assert answer.askAnswer
    assert not g.query(f"ASK {{ ?s <{sd}supportedLanguage> <{sd}SPARQL11Update> }}").askAnswer


def test_reads_are_open_to_other_origins(client):
    r = client.get(
        "/sparql", query_string={"query": SELECT}, headers={"Origin": "https://example.org"}
    )
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Result-Truncated" in r.headers["Access-Control-Expose-Headers"]
    pre = client.options(
        "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert pre.status_code == 204 and "POST" in pre.headers["Access-Control-Allow-Methods"]


def test_etag_follows_the_dataset_version_and_revalidates(client):
    first = client.get("/sparql", query_string={"query": SELECT})
    version = first.headers["X-Dataset-Version"]
    assert version in first.headers["ETag"] and "max-age" in first.headers["Cache-Control"]
    again = client.get(
        "/sparql", query_string={"query": SELECT}, headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and not again.data
    other = client.get(
        "/sparql",
        query_string={"query": SELECT, "format": "csv"},
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert other.status_code == 200


def test_the_row_cap_is_said_in_a_header_and_in_the_json(make_app):
    client = make_app(RESULT_LIMIT=3)
    r = client.get("/sparql", query_string={"query": SELECT})
    body = r.get_json()
    assert len(body["results"]["bindings"]) == 3 and body["truncated"] is True
    assert r.headers["X-Result-Truncated"] == "true" and r.headers["X-Result-Limit"] == "3"
    small = client.get("/sparql", query_string={"query": SELECT + " LIMIT 2"})
    assert "X-Result-Truncated" not in small.headers and "truncated" not in small.get_json()


def test_a_body_over_the_size_limit_is_a_413(make_app):
    client = make_app(MAX_CONTENT_LENGTH=1000)
    r = client.post("/sparql", data="ASK {}" + " " * 2000, content_type="application/sparql-query")
    assert r.status_code == 413


def test_service_off_the_allow_list_is_refused_before_anything_runs(make_app):
    client = make_app(SERVICE_ALLOW=("http://127.0.0.1:9/allowed",))
    r = client.get(
        "/sparql",
        query_string={"query": "SELECT * { SERVICE <http://169.254.169.254/> { ?s ?p ?o } }"},
    )
    assert r.status_code == 403 and "allow-list" in r.get_data(as_text=True)


def test_the_public_endpoint_refuses_updates_and_the_graph_store(client):
    r = client.post(
        "/sparql",
        data="INSERT DATA { <a:s> <a:p> <a:o> }",
        content_type="application/sparql-update",
    )
    assert r.status_code == 403 and "read-only" in r.get_data(as_text=True)
    assert (
        client.put(
            "/store?default", data="<a:s> <a:p> <a:o> .", content_type="application/n-triples"
        ).status_code
        == 403
    )
    assert client.get("/store?default").status_code == 403


def test_writable_mode_needs_the_token_and_writes(make_app, tmp_path):
    client = make_app(WRITABLE=tmp_path / "mine", TOKEN=TOKEN)
    insert = "INSERT DATA { GRAPH <http://ex.org/g> { <http://ex.org/s> <http://ex.org/p> 1 } }"
    assert (
        client.post("/sparql", data=insert, content_type="application/sparql-update").status_code
        == 401
    )
    wrong = {"Authorization": "Bearer nope"}
    assert (
        client.post(
            "/sparql", data=insert, content_type="application/sparql-update", headers=wrong
        ).status_code
        == 401
    )
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert (
        client.post(
            "/sparql", data=insert, content_type="application/sparql-update", headers=auth
        ).status_code
        == 200
    )
    r = client.get("/sparql", query_string={"query": "SELECT ?o { GRAPH ?g { ?s ?p ?o } }"})
    assert [b["o"]["value"] for b in r.get_json()["results"]["bindings"]] == ["1"]
    assert r.headers["Cache-Control"] == "no-store"


def test_graph_store_protocol_in_writable_mode(make_app, tmp_path):
    client = make_app(WRITABLE=tmp_path / "mine", TOKEN=TOKEN)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    g = "/store?graph=http%3A%2F%2Fex.org%2Fg"
    data = "<http://ex.org/s> <http://ex.org/p> <http://ex.org/o> ."
    assert client.put(g, data=data, content_type="application/n-triples").status_code == 401
    assert (
        client.put(g, data=data, content_type="application/n-triples", headers=auth).status_code
        == 201
    )
    assert (
        client.put(g, data=data, content_type="application/n-triples", headers=auth).status_code
        == 204
    )
    got = client.get(g, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and got.get_data(as_text=True).strip() == data
    broken = client.put(
        g, data="<http://ex.org/s> <broken", content_type="text/turtle", headers=auth
    )
    assert broken.status_code == 400
    assert (
        client.get(g, headers={"Accept": "application/n-triples"}).get_data(as_text=True).strip()
        == data
    )
    assert client.delete(g, headers=auth).status_code == 204
    assert client.get(g).status_code == 404
    assert client.get("/store").status_code == 400


def test_load_is_refused_even_in_writable_mode(make_app, tmp_path):
    client = make_app(WRITABLE=tmp_path / "mine", TOKEN=TOKEN)
    r = client.post(
        "/sparql",
        data="LOAD <file:///etc/passwd>",
        content_type="application/sparql-update",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert r.status_code == 403 and "LOAD" in r.get_data(as_text=True)


@pytest.mark.integration
def test_a_service_on_the_allow_list_is_called(make_app, live_server):
    remote = live_server + "/sparql"
    client = make_app(SERVICE_ALLOW=(remote,))
    query = f"""SELECT ?l WHERE {{ SERVICE <{remote}> {{
        <https://data.sipac.gov.cn/id/org/sip-administrative-committee> <http://www.w3.org/2000/01/rdf-schema#label> ?l
    }} }}"""
    r = client.get("/sparql", query_string={"query": query})
    assert r.status_code == 200
    assert "苏州工业园区管理委员会" in {
        b["l"]["value"] for b in r.get_json()["results"]["bindings"]
    }
    description = client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "BasicFederatedQuery" in description


def test_queries_from_pages_are_held_to_the_same_allow_list(app):
    from sipkg.store.query import QueryRefused

    with pytest.raises(QueryRefused):
        app.extensions["sipkg"].select(
            "SELECT * { SERVICE <http://169.254.169.254/> { ?s ?p ?o } }"
        )


def test_an_allowed_service_that_does_not_answer_is_a_502_with_the_reason(make_app):
    client = make_app(SERVICE_ALLOW=("http://127.0.0.1:9/sparql",))
    r = client.get(
        "/sparql",
        query_string={"query": "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"},
    )
    assert r.status_code == 502 and r.mimetype == "text/plain"
    assert "failed while running" in r.get_data(as_text=True)


def test_a_page_whose_queries_run_out_of_time_is_a_503_not_a_crash(make_app):
    client = make_app(QUERY_TIMEOUT=1e-6)
    r = client.get("/doc/org/sip-administrative-committee")  # the timeline is derived: no query
    assert (
        r.status_code == 503 and "time-out" in r.get_data(as_text=True) and r.headers["Retry-After"]
    )


# ---------------------------------------------------------------- asserted and inferred

PARTS = (
    "PREFIX sip: <https://data.sipac.gov.cn/def/sip#>\n"
    "SELECT (COUNT(DISTINCT ?part) AS ?n) %s WHERE { "
    "<https://data.sipac.gov.cn/id/programme/six-parks> %s ?part }"
)


def count(client, query: str, **params) -> int:
    r = client.get(
        "/sparql", query_string={"query": query, **params}, headers={"Accept": "text/csv"}
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    return int(r.get_data(as_text=True).split()[1])


def test_part_of_is_direct_and_its_closure_has_its_own_transitive_property(client):
    assert count(client, PARTS % ("", "sip:hasPart")) == 6  # the six parks, not a part of a part
    assert count(client, PARTS % ("", "sip:hasPartTransitive")) == 7  # and the smart city in one


def test_the_asserted_graph_name_leaves_out_what_the_reasoner_added(client):
    asserted = "https://data.sipac.gov.cn/graph/asserted"
    assert count(client, PARTS % (f"FROM <{asserted}>", "sip:hasPartTransitive")) == 0
    assert count(client, PARTS % (f"FROM <{asserted}>", "sip:hasPart")) == 6
    inferred_type = "PREFIX sip: <https://data.sipac.gov.cn/def/sip#> SELECT (COUNT(*) AS ?n) WHERE { ?x a sip:Organisation }"
    assert count(client, inferred_type) > 0
    assert count(client, inferred_type, **{"default-graph-uri": asserted}) == 0


TRICKY = ["x\ny", "a},{b", "a{", '"},{"', "}", "<result>", "\\", "中文", "a\tb"]


@pytest.mark.parametrize("media", ["json", "xml", "tsv", "csv"])
@pytest.mark.parametrize("limit", [None, 17, 18, 19, 1])
def test_the_engine_writes_answers_and_they_are_cut_at_the_cap(media, limit):
    """Answers the engine writes count their rows exactly, whatever the terms hold, and one row
    past the cap is written again, cut, by our own writer."""
    import pyoxigraph as ox

    from sipkg.store import results

    store = ox.Store()
    n = ox.NamedNode
    for i, text in enumerate(TRICKY * 2):
        literal = ox.Literal(text, language="zh") if i % 3 == 0 else ox.Literal(text)
        store.add(ox.Quad(n(f"http://e/{i}"), n("http://e/p"), literal))
    run = lambda: store.query("SELECT ?s ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?s")
    media = {"json": results.JSON, "xml": results.XML, "tsv": results.TSV, "csv": results.CSV}[
        media
    ]
    answer = results.answer(run(), media, limit, again=run)
    rows = len(TRICKY) * 2
    assert answer.count == min(rows, limit or rows)
    assert answer.truncated == (limit is not None and rows > limit)
    if media != results.CSV:
        parsed = results.parse(answer.body, media)
        assert sum(1 for _ in parsed) == answer.count


def test_an_answer_past_the_written_maximum_is_written_again_and_cut(monkeypatch):
    import pyoxigraph as ox

    from sipkg.store import results

    store = ox.Store()
    for i in range(50):
        store.add(
            ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal("x"))
        )
    monkeypatch.setattr(results, "WRITTEN_MAX", 100)
    run = lambda: store.query("SELECT * WHERE { ?s ?p ?o }")
    answer = results.answer(run(), results.JSON, 10, again=run)
    assert answer.count == 10 and answer.truncated
    assert json.loads(answer.body)["truncated"] is True
