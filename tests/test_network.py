"""sipkg.network: the relation graph, names, neighbourhoods, paths and centrality — on hand-made rows and the real graph."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest

from sipkg import network
from sipkg.namespaces import DEF, GRAPH, ID, sparql_prologue
from sipkg.store.query import run_query

A, B, C, D, E, F = (f"{ID}org/{k}" for k in ("alpha", "beta", "gamma", "delta", "epsilon", "zeta"))
PRACTICE = f"{DEF}singapore-practice/neighbourhood-centre"
P, Q, R = (f"{DEF}sip#{p}" for p in ("dispatchedAgencyOf", "serviceWindowOf", "subOrganisationOf"))
DOC = f"{ID}doc/0123456789abcdef"

EDGES = [  # alpha -P-> beta (two sentences say it); gamma -Q-> beta; gamma -R-> delta (inferred); epsilon -P-> zeta
    {
        "s": A,
        "p": P,
        "o": B,
        "statement": "st1",
        "sentence": f"{DOC}/sentence/10",
        "quote": "甲是乙的派出机构",
        "pZh": "派出机构",
        "pEn": "dispatched agency of",
    },
    {
        "s": A,
        "p": P,
        "o": B,
        "statement": "st1",
        "sentence": f"{DOC}/sentence/9",
        "quote": "甲为乙派出",
        "pZh": "派出机构",
        "pEn": "dispatched agency of",
    },
    {
        "s": A,
        "p": P,
        "o": B,
        "statement": "st1",
        "sentence": f"{DOC}/sentence/9",
        "quote": "甲为乙派出",
    },
    {
        "s": C,
        "p": Q,
        "o": B,
        "statement": "st2",
        "sentence": f"{DOC}/sentence/3",
        "quote": "丙作为乙的服务窗口",
    },
    {"s": C, "p": R, "o": D, "inferred": "true", "pEn": "sub-organisation of"},
    {"s": E, "p": P, "o": F, "statement": "st3"},
    {"s": F, "p": "http://www.w3.org/ns/org#originalOrganization", "o": PRACTICE},
]
NODES = [
    {
        "node": A,
        "zh": "甲委员会",
        "en": "Alpha Committee",
        "class": f"{DEF}sip#Committee",
        "classZh": "委员会",
    },
    {"node": A, "alias": "甲委"},
    {"node": A, "alias": "SIPAC"},
    {"node": B, "zh": "乙政府", "en": "Beta Government"},
    {"node": C, "zh": "丙工作站"},
    {"node": C, "alias": "工作站"},
    {"node": D, "zh": "丁局"},
    {"node": E, "en": "Epsilon"},
    {"node": F, "zh": "戊站"},
    {"node": PRACTICE, "en": "HDB neighbourhood centre", "class": f"{DEF}sip#SingaporePractice"},
]


@pytest.fixture(scope="module")
def small():
    return network.build_graph(EDGES, NODES)


def test_one_edge_per_triple_with_all_its_evidence_in_sentence_order(small):
    assert small.number_of_edges() == 5
    edge = small.edges[A, B, P]
    assert [e.sentence.rsplit("/", 1)[1] for e in edge["evidence"]] == ["9", "10"]
    assert edge["labels"] == {"zh": "派出机构", "en": "dispatched agency of"}
    assert edge["inferred"] is False and small.edges[C, D, R]["inferred"] is True


def test_nodes_carry_labels_aliases_and_kind(small):
    assert small.nodes[A]["labels"] == {"zh": "甲委员会", "en": "Alpha Committee"}
    assert small.nodes[A]["aliases"] == ["甲委", "SIPAC"]
    assert small.nodes[A]["classes"][f"{DEF}sip#Committee"] == {"zh": "委员会"}
    assert small.nodes[PRACTICE]["kind"] == "practice"


@pytest.mark.parametrize(
    "text, expected",
    [
        (A, [A]),
        ("alpha", [A]),
        ("org/alpha", [A]),
        ("甲委", [A]),
        ("sipac", [A]),
        ("  乙政府 ", [B]),
        ("工作站", [C]),  # an exact alias wins over names that merely contain it
        ("站", [F, C]),  # partial: shortest matching name first
        ("nowhere", []),
        ("", []),
    ],
)
def test_resolve_names_keys_and_iris(small, text, expected):
    assert network.resolve(small, text) == expected


@pytest.mark.parametrize(
    "iri, kind",
    [
        (A, "org"),
        (f"{ID}place/suzhou", "place"),
        (f"{ID}site/x", "site"),
        (PRACTICE, "practice"),
        ("http://example.org/x", "other"),
    ],
)
def test_kind_of(iri, kind):
    assert network.kind_of(iri) == kind


@pytest.mark.parametrize(
    "iri, name",
    [
        ("http://www.w3.org/ns/org#originalOrganization", "original organization"),
        (f"{DEF}sip#serviceWindowOf", "service window of"),
        ("http://example.org/a/b/", "b"),
    ],
)
def test_local_name(iri, name):
    assert network.local_name(iri) == name


def test_shortest_path_follows_relations_either_way_and_reports_direction(small):
    (path,) = network.shortest_paths(small, A, D)
    assert [(h.start, h.end) for h in path] == [(A, B), (B, C), (C, D)]
    assert [[r.forward for r in h.relations] for h in path] == [[True], [False], [True]]
    assert (
        path[1].relations[0].subject == C
        and path[1].relations[0].evidence[0].quote == "丙作为乙的服务窗口"
    )
    assert path[2].relations[0].inferred and not path[2].relations[0].evidence


def test_no_path_between_components_is_empty_and_unknown_nodes_raise(small):
    assert network.shortest_paths(small, A, E) == []
    with pytest.raises(KeyError):
        network.shortest_paths(small, A, f"{ID}org/unknown")


@pytest.mark.parametrize(
    "centre, depth, expected",
    [
        (B, 1, {A, B, C}),
        (B, 2, {A, B, C, D}),
        (E, 3, {E, F, PRACTICE}),
    ],
)
def test_neighbourhood(small, centre, depth, expected):
    view = network.neighbourhood(small, centre, depth)
    assert set(view) == expected
    assert all(
        view.has_edge(s, o, p)
        for s, o, p in small.edges(keys=True)
        if s in expected and o in expected
    )


def test_neighbourhood_limit_keeps_the_nearest(small):
    assert set(network.neighbourhood(small, A, depth=3, limit=2)) == {A, B}


def test_centrality_ranks_the_broker_first(small):
    ranked = network.centrality(small, kinds=("org",))
    assert ranked[0]["node"] in (B, C) and ranked[0]["betweenness"] > 0
    assert {r["node"] for r in ranked} == {A, B, C, D, E, F}
    assert next(r for r in ranked if r["node"] == B)["degree"] == 2


# ---------------------------------------------------------------- the relation queries, on a hand-made store

TRIG = f"""
PREFIX sip: <{DEF}sip#> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
GRAPH <{GRAPH}source/one> {{ <{A}> <{P}> <{B}> . <{C}> <{Q}> <{B}> . <{A}> rdfs:label "甲" }}
GRAPH <{GRAPH}source/two> {{ <{A}> <{P}> <{B}> . }}
GRAPH <{network.INFERRED_GRAPH}> {{ <{C}> <{R}> <{D}> . <{A}> <{P}> <{B}> . }}
<urn:st1> rdf:subject <{A}> ; rdf:predicate <{P}> ; rdf:object <{B}> ; sip:method "rule" ;
  prov:wasDerivedFrom [ oa:hasTarget [ oa:hasScope <urn:s10> ; oa:hasSelector [ oa:exact "甲是乙的派出机构" ] ] ],
                      [ oa:hasTarget [ oa:hasScope <urn:s9> ; oa:hasSelector [ oa:exact "甲为乙派出" ] ] ] .
<{P}> rdfs:label "派出机构"@zh-Hans, "dispatched agency of"@en .
"""


def test_relation_rows_join_every_piece_of_evidence_and_label():
    held = ox.Store()
    held.load(TRIG.encode(), ox.RdfFormat.TRIG)

    def select(query: str) -> list[dict[str, str]]:
        return run_query(held, sparql_prologue() + query).records()

    rows = Counter(tuple(sorted(row.items())) for row in network.edges(select))
    labels = (("pEn", "dispatched agency of"), ("pZh", "派出机构"))
    said = [
        (
            ("method", "rule"),
            ("o", B),
            ("p", P),
            *labels,
            ("quote", quote),
            ("s", A),
            ("sentence", sentence),
            ("statement", "urn:st1"),
        )
        for quote, sentence in (("甲是乙的派出机构", "urn:s10"), ("甲为乙派出", "urn:s9"))
    ]
    assert rows == Counter(
        {  # A P B: stated in two graphs, two pieces of evidence each; the inferred copy is left out
            said[0]: 2,
            said[1]: 2,
            (("o", B), ("p", Q), ("s", C)): 1,  # no statement, no labels
            (("inferred", "true"), ("o", D), ("p", R), ("s", C)): 1,
        }
    )


# ---------------------------------------------------------------- the real graph


@pytest.fixture(scope="module")
def real(select):
    return network.build_graph(network.edges(select), select(network.NODES))


def test_real_graph_links_the_community_workstation_to_the_administrative_committee(real):
    start = network.resolve(real, "社区工作站")
    end = network.resolve(real, "管委会")
    assert start == [f"{ID}org/community-workstations"] and end == [
        f"{ID}org/sip-administrative-committee"
    ]
    paths = network.shortest_paths(real, start[0], end[0])
    assert paths
    for path in paths:
        assert path[0].start == start[0] and path[-1].end == end[0]
        for hop in path:
            assert hop.relations
            for relation in hop.relations:
                assert relation.inferred or any(e.quote and e.sentence for e in relation.evidence)


def test_real_graph_asserted_relations_all_have_evidence(real):
    unsupported = [
        (s, p, o)
        for s, o, p, d in real.edges(keys=True, data=True)
        if not d["inferred"] and not d["evidence"]
    ]
    assert unsupported == []


def test_real_graph_inferred_edges_never_duplicate_a_stated_link(real):
    for s, o, p, d in real.edges(keys=True, data=True):
        if d["inferred"]:
            stated = [
                k
                for k, e in {
                    **real.get_edge_data(s, o, default={}),
                    **real.get_edge_data(o, s, default={}),
                }.items()
                if not e["inferred"]
            ]
            assert not stated, (s, p, o)


def test_real_graph_key_institutions_start_with_the_administrative_committee(real):
    ranked = network.centrality(real)
    assert ranked[0]["node"] == f"{ID}org/sip-administrative-committee"
    assert all(real.nodes[r["node"]]["kind"] == "org" for r in ranked)
