"""Reading SPARQL text without a parser: what a query would reach, its form, the protocol's dataset."""

from __future__ import annotations

import pytest

from sipkg.store.query import QueryRefused
from sipkg.store.remote import reachable
from sipkg.store.sparqltext import (
    DatasetConflict,
    expand_graph,
    graph_targets,
    query_form,
    refuse_remote,
    remote_targets,
    undeclared_prefixes,
    with_using,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "SELECT * { SERVICE <http://a.example/sparql> { ?s ?p ?o } }",
            [("SERVICE", "http://a.example/sparql")],
        ),
        (
            "PREFIX e: <http://x.example/> SELECT * { SERVICE SILENT e:sparql {} }",
            [("SERVICE", "http://x.example/sparql")],
        ),
        ("select * { service ?endpoint {} }", [("SERVICE", None)]),
        ("SELECT * { SERVICE undeclared:x {} }", [("SERVICE", None)]),
        (
            "BASE <http://h.example/> SELECT * { SERVICE <q> {} }",
            [("SERVICE", "http://h.example/q")],
        ),
        ("SELECT * { SERVICE <relative> {} }", [("SERVICE", None)]),
        (r"SELECT * { \u0053ERVICE <http://e.example/> {} }", [("SERVICE", "http://e.example/")]),
        (
            "SELECT * { FILTER(?a <?b) SERVICE<http://z.example/>{} }",
            [("SERVICE", "http://z.example/")],
        ),
        (
            '# SERVICE <http://comment.example/>\nSELECT * { ?s ?p "SERVICE <http://string.example/>" }',
            [],
        ),
        ("SELECT * { ?s ?p '''SERVICE <http://long.example/> ''' }", []),
        ("SELECT * { ?s <http://x.example/service> ?o }", []),
        ("LOAD <file:///etc/passwd>", [("LOAD", "file:///etc/passwd")]),
        (
            "LOAD SILENT <http://example.org/data.ttl> INTO GRAPH <g>",
            [("LOAD", "http://example.org/data.ttl")],
        ),
    ],
)
def test_remote_targets(text, expected):
    assert remote_targets(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("SELECT * { ?s ?p ?o }", []),
        ("SELECT * { GRAPH <http://g.example/a> { ?s ?p ?o } }", ["http://g.example/a"]),
        ("PREFIX g: <http://g.example/> ASK { graph g:b {} }", ["http://g.example/b"]),
        ("SELECT * { GRAPH ?g { ?s ?p ?o } }", [None]),
        ("SELECT * { GRAPH undeclared:x {} }", [None]),
        ('SELECT * { ?s ?p "GRAPH ?g" }', []),
    ],
)
def test_graph_targets(text, expected):
    assert graph_targets(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { SERVICE <http://169.254.169.254/latest/meta-data> { ?s ?p ?o } }",
        "SELECT * { SERVICE ?anywhere { ?s ?p ?o } }",
        "LOAD <file:///etc/passwd>",
        r"SELECT * { \u0053ERVICE <http://127.0.0.1:22/> {} }",
    ],
)
def test_reaching_out_is_refused_with_a_reason(text):
    with pytest.raises(QueryRefused, match="SERVICE|LOAD"):
        refuse_remote(text, allowed_services=["http://allowed.example/sparql"])


def test_an_allowed_service_passes():
    refuse_remote(
        "SELECT * { SERVICE <http://allowed.example/sparql> { ?s ?p ?o } }",
        ["http://allowed.example/sparql"],
    )


@pytest.mark.parametrize(
    "text, form",
    [
        ("PREFIX ask: <http://x/> SELECT ?ask WHERE { ?ask ask:p 1 }", "SELECT"),
        ("# SELECT in a comment\nASK {}", "ASK"),
        ("BASE <http://b/> CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("describe <http://x/>", "DESCRIBE"),
        ("not a query", None),
    ],
)
def test_query_form(text, form):
    assert query_form(text) == form


def test_using_graphs_go_before_each_where():
    update = "INSERT DATA { GRAPH <g> { <a> <b> <c> } } ; INSERT { GRAPH <x> { ?s a <d> } } WHERE { ?s a <e> }"
    out = with_using(update, ["http://d1", "http://d2"], ["http://n1"])
    assert out.endswith(
        "USING <http://d1> USING <http://d2> USING NAMED <http://n1> WHERE { ?s a <e> }"
    )
    assert out.count("USING") == 3


def test_a_dataset_given_twice_is_a_conflict():
    with pytest.raises(DatasetConflict):
        with_using("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["http://d1"], [])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("SELECT * WHERE { ?s skos:prefLabel ?o }", [("skos", 1, 21)]),
        (
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT * { ?s skos:prefLabel ?o }",
            [],
        ),
        ("SELECT * {\n  ?s a foo:Bar ; skos:x ?o . ?o foo:y 1 }", [("foo", 2, 8), ("skos", 2, 18)]),
        ('SELECT * { ?s ?p "skos:prefLabel" } # rdfs:label', []),  # in a string, in a comment
        ("SELECT * { ?s <http://x/a:b> ?o }", []),  # in an IRI
        ("PREFIX : <http://x/> SELECT * { ?s :p ?o }", []),
    ],
)
def test_undeclared_prefixes(text, expected):
    assert undeclared_prefixes(text) == expected


A = "https://data.sipac.gov.cn/graph/asserted"


@pytest.mark.parametrize(
    "text, expected",
    [
        (f"SELECT * FROM <{A}> {{ ?s ?p ?o }}", "SELECT * FROM <g1> FROM <g2> { ?s ?p ?o }"),
        (
            f"SELECT * FROM NAMED <{A}> {{ ?s ?p ?o }}",
            "SELECT * FROM NAMED <g1> FROM NAMED <g2> { ?s ?p ?o }",
        ),
        (f"SELECT * {{ ?s ?p <{A}> }}", f"SELECT * {{ ?s ?p <{A}> }}"),  # a term, not a dataset
        (f'SELECT * {{ ?s ?p "FROM <{A}>" }}', f'SELECT * {{ ?s ?p "FROM <{A}>" }}'),
        ("SELECT * FROM <x:other> { ?s ?p ?o }", "SELECT * FROM <x:other> { ?s ?p ?o }"),
    ],
)
def test_expand_graph(text, expected):
    assert expand_graph(text, A, ["g1", "g2"]) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("SELECT * { ?s ?p ?o }", []),  # the default graph (the merge) alone
        ("SELECT * { GRAPH <http://g.example/b> {} GRAPH <http://g.example/b> {} }", ["b"]),
        ("SELECT * { GRAPH <http://g.example/not-ours> {} }", []),  # not ours: nothing to reach
        ("SELECT * { GRAPH ?g {} GRAPH <http://g.example/a> {} }", ["a", "b", "c"]),
    ],
)
def test_a_remote_query_is_sent_only_the_named_graphs_it_can_reach(query, expected):
    ours = tuple(f"http://g.example/{g}" for g in "abc")
    assert reachable(query, ours) == [f"http://g.example/{g}" for g in expected]
