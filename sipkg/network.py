"""networkx views of the graph: entity relations with their evidence, neighbourhoods, paths, centrality.

Pure functions over query rows (dicts of plain strings): the web tier hands `edges` its way of running
a SELECT, runs NODES, and hands the rows to `build_graph`; nothing here opens a store.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice, pairwise

import networkx as nx

from sipkg.namespaces import DEF, GRAPH, ID, INFERRED_GRAPH, REGISTRY_GRAPH

PRACTICES = f"{DEF}singapore-practice"

# What counts as a node: things under {base}/id/ except documents, and Singapore practices.
_NODE_FILTER = """FILTER(STRSTARTS(STR(?{v}), "{id}") && !STRSTARTS(STR(?{v}), "{id}doc/")
       || STRSTARTS(STR(?{v}), "{practices}/"))"""


def _is_node(var: str) -> str:
    return _NODE_FILTER.format(v=var, id=ID, practices=PRACTICES)


_LISTED = "{PREDICATES_LISTED}"  # where the queries of `edges` take the predicates
_PREDICATE = "FILTER(STRSTARTS(STR(?p), STR(sip:)) || STRSTARTS(STR(?p), STR(org:)))"

PREDICATES = "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o } }"
"""Every predicate of the named graphs: the queries of `edges` look each one up instead of testing every quad."""

_ASSERTED = f"""
SELECT ?s ?p ?o WHERE {{
  VALUES ?p {{ {_LISTED} }}
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(STRSTARTS(STR(?g), "{GRAPH}source/"))
  {_PREDICATE}
  {_is_node("s")}
  {_is_node("o")}
}}"""

_EVIDENCE = f"""
SELECT ?s ?p ?o ?statement ?sentence ?quote ?method WHERE {{
  VALUES ?p {{ {_LISTED} }}
  ?statement rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o .
  {_PREDICATE}
  OPTIONAL {{ ?statement sip:method ?method }}
  OPTIONAL {{ ?statement prov:wasDerivedFrom/oa:hasTarget ?target .
             ?target oa:hasScope ?sentence ; oa:hasSelector/oa:exact ?quote }}
}}"""

_INFERRED = f"""
SELECT ?s ?p ?o WHERE {{
  VALUES ?p {{ {_LISTED} }}
  GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }}
  FILTER(STRSTARTS(STR(?p), STR(sip:)))
  {_is_node("s")}
  {_is_node("o")}
  FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?q ?o }} FILTER(STRSTARTS(STR(?g), "{GRAPH}source/")) }}
  FILTER NOT EXISTS {{ GRAPH ?g {{ ?o ?q ?s }} FILTER(STRSTARTS(STR(?g), "{GRAPH}source/")) }}
  FILTER NOT EXISTS {{ ?primary owl:inverseOf ?p . GRAPH <{INFERRED_GRAPH}> {{ ?o ?primary ?s }} }}
}}"""

_LABELS = """
SELECT ?p ?pZh ?pEn WHERE {
  VALUES ?p { {PREDICATES_LISTED} }
  OPTIONAL { ?p rdfs:label ?pZh FILTER(langMatches(lang(?pZh), "zh-Hans")) }
  OPTIONAL { ?p rdfs:label ?pEn FILTER(langMatches(lang(?pEn), "en")) }
}"""


def edges(select: Callable[[str], list[dict[str, str]]]) -> list[dict[str, str]]:
    """Entity-to-entity relations, one row per piece of evidence and pair of labels: asserted ones with
    every piece of evidence, and inferred ones (transitive closures, inverses) that link a pair no
    source links directly, one per pair and direction. `select` runs a SELECT and gives its rows.

    As one query the parts took 11-13 s at 10^6 quads, past the query time-out: it spelled out and
    tested the predicate of every quad, and planned the evidence apart from the edge it belongs to.
    Anchored on the predicates and joined here, they take about 5 s together.
    """
    listed = " ".join(f"<{row['p']}>" for row in select(PREDICATES))

    def rows_of(query: str) -> list[dict[str, str]]:
        return select(query.replace(_LISTED, listed))  # not %: a base IRI may hold percent-escapes

    labels: dict[str, list[dict[str, str]]] = {}
    for row in rows_of(_LABELS):
        labels.setdefault(row["p"], []).append({k: v for k, v in row.items() if k != "p"})
    evidence: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in rows_of(_EVIDENCE):
        evidence.setdefault((row["s"], row["p"], row["o"]), []).append(row)
    rows = []
    for edge in rows_of(_ASSERTED):
        for said in evidence.get((edge["s"], edge["p"], edge["o"]), [edge]):
            rows.extend({**said, **label} for label in labels.get(edge["p"], [{}]))
    for edge in rows_of(_INFERRED):
        rows.extend({**edge, "inferred": "true", **label} for label in labels.get(edge["p"], [{}]))
    return rows


NODES = f"""
SELECT ?node ?zh ?en ?class ?classZh ?classEn ?alias WHERE {{
  {{
    {{ GRAPH <{REGISTRY_GRAPH}> {{ ?node a ?class }} {_is_node("node")} }}
    UNION {{ ?node skos:inScheme <{PRACTICES}> BIND(sip:SingaporePractice AS ?class) }}
    OPTIONAL {{ ?node skos:prefLabel ?zh FILTER(langMatches(lang(?zh), "zh-Hans")) }}
    OPTIONAL {{ ?node skos:prefLabel ?en FILTER(langMatches(lang(?en), "en")) }}
    OPTIONAL {{ ?class rdfs:label ?classZh FILTER(langMatches(lang(?classZh), "zh-Hans")) }}
    OPTIONAL {{ ?class rdfs:label ?classEn FILTER(langMatches(lang(?classEn), "en")) }}
  }} UNION {{
    GRAPH <{REGISTRY_GRAPH}> {{ ?node skos:altLabel|rdfs:label ?alias }} {_is_node("node")}
  }}
}}"""
"""Every entity with its labels, aliases and most specific class (from the registry), and every Singapore practice."""


@dataclass(frozen=True)
class Evidence:
    """Where a source says a relation holds: the statement node, the sentence and its exact words."""

    statement: str
    sentence: str | None = None
    quote: str | None = None
    method: str | None = None


@dataclass(frozen=True)
class Relation:
    """One edge of a hop; `forward` says whether it points along the path (start -> end)."""

    subject: str
    predicate: str
    object: str
    labels: dict[str, str]
    inferred: bool
    evidence: tuple[Evidence, ...]
    forward: bool


@dataclass(frozen=True)
class Hop:
    """A step of a path between two neighbouring entities, with every relation that links them."""

    start: str
    end: str
    relations: tuple[Relation, ...] = field(default_factory=tuple)


def kind_of(iri: str) -> str:
    """The coarse kind of a node, for colours and filters: the type segment of its IRI, or 'practice'."""
    if iri.startswith(PRACTICES + "/"):
        return "practice"
    if iri.startswith(str(ID)):
        return iri[len(str(ID)) :].split("/", 1)[0]
    return "other"


def key_of(iri: str) -> str:
    """The last path segment of an IRI: an entity's key."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def local_name(iri: str) -> str:
    """A readable stand-in for a term without a label: org#originalOrganization -> "original organization"."""
    tail = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", tail).lower()


def build_graph(
    edge_rows: list[dict[str, str]], node_rows: list[dict[str, str]]
) -> nx.MultiDiGraph:
    """The relation graph: nodes carry labels, kind and class; one edge per (subject, predicate, object)
    carrying the predicate's labels, whether it is inferred, and all its evidence."""
    g = nx.MultiDiGraph()
    for row in node_rows:
        node = row["node"]
        data = g.nodes[node] if node in g else _new_node(g, node)
        for lang in ("zh", "en"):
            if row.get(lang):
                data["labels"].setdefault(lang, row[lang])
        if row.get("alias") and row["alias"] not in data["aliases"]:
            data["aliases"].append(row["alias"])
        if row.get("class"):
            data["classes"].setdefault(
                row["class"],
                {
                    lang: row[f"class{lang.capitalize()}"]
                    for lang in ("zh", "en")
                    if row.get(f"class{lang.capitalize()}")
                },
            )
    for row in edge_rows:
        s, p, o = row["s"], row["p"], row["o"]
        for node in (s, o):
            if node not in g:
                _new_node(g, node)
        if not g.has_edge(s, o, key=p):
            labels = {
                lang: row[f"p{lang.capitalize()}"]
                for lang in ("zh", "en")
                if row.get(f"p{lang.capitalize()}")
            }
            g.add_edge(
                s,
                o,
                key=p,
                predicate=p,
                labels=labels,
                inferred=_true(row.get("inferred")),
                evidence=[],
            )
        if row.get("statement"):
            evidence = Evidence(
                row["statement"], row.get("sentence"), row.get("quote"), row.get("method")
            )
            found = g.edges[s, o, p]["evidence"]
            if evidence not in found:
                found.append(evidence)
    for _, _, data in g.edges(data=True):
        data["evidence"].sort(
            key=lambda e: (e.sentence is None, _sentence_order(e.sentence), e.quote or "")
        )
    return g


def _new_node(g: nx.MultiDiGraph, node: str) -> dict:
    g.add_node(node, labels={}, aliases=[], classes={}, kind=kind_of(node))
    return g.nodes[node]


def _true(value: str | None) -> bool:
    return value in ("true", "1", True)


def _sentence_order(sentence: str | None) -> tuple[str, int]:
    """Sentences sort by document, then by their number (sentence/9 before sentence/10)."""
    if not sentence or "/sentence/" not in sentence:
        return (sentence or "", 0)
    doc, n = sentence.rsplit("/sentence/", 1)
    return (doc, int(n) if n.isdigit() else 0)


def names(data: dict) -> list[str]:
    """Everything a node is called: its labels, then its aliases."""
    return [*data["labels"].values(), *data["aliases"]]


def resolve(g: nx.MultiDiGraph, text: str) -> list[str]:
    """The nodes a user means by `text`: its IRI, its key (`org/x` or `x`), a name or alias that matches
    exactly (ignoring case), else names containing it, shortest name first."""
    text = text.strip()
    if not text:
        return []
    if text in g:
        return [text]
    by_key = sorted(n for n in g if n.removeprefix(str(ID)) == text or key_of(n) == text)
    if by_key:
        return by_key
    wanted = text.casefold()
    exact = sorted(
        n for n, data in g.nodes(data=True) if wanted in (x.casefold() for x in names(data))
    )
    if exact:
        return exact
    partial = {}
    for n, data in g.nodes(data=True):
        lengths = [len(x) for x in names(data) if wanted in x.casefold()]
        if lengths:
            partial[n] = min(lengths)
    return sorted(partial, key=lambda n: (partial[n], n))


def neighbourhood(
    g: nx.MultiDiGraph, centre: str, depth: int = 1, limit: int = 200
) -> nx.MultiDiGraph:
    """The entities within `depth` hops of `centre` (edges in either direction), nearest first, at most
    `limit` of them, with every relation among them."""
    if centre not in g:
        raise KeyError(centre)
    distances = nx.single_source_shortest_path_length(
        g.to_undirected(as_view=True), centre, cutoff=depth
    )
    nearest = sorted(distances, key=lambda n: (distances[n], n))[:limit]
    return g.subgraph(nearest).copy()


def shortest_paths(g: nx.MultiDiGraph, start: str, end: str, limit: int = 5) -> list[list[Hop]]:
    """Up to `limit` shortest paths from start to end, following relations either way; each hop lists the
    relations between its two entities, asserted before inferred, with their direction."""
    for node in (start, end):
        if node not in g:
            raise KeyError(node)
    undirected = g.to_undirected(as_view=True)
    try:
        node_paths = list(islice(nx.all_shortest_paths(undirected, start, end), limit))
    except nx.NetworkXNoPath:
        return []
    return [[hop(g, a, b) for a, b in pairwise(path)] for path in node_paths]


def hop(g: nx.MultiDiGraph, a: str, b: str) -> Hop:
    """Every relation between a and b, as seen walking from a to b."""
    relations = [
        _relation(a, b, p, data, True) for p, data in g.get_edge_data(a, b, default={}).items()
    ]
    if a != b:
        relations += [
            _relation(b, a, p, data, False) for p, data in g.get_edge_data(b, a, default={}).items()
        ]
    relations.sort(key=lambda r: (r.inferred, not r.evidence, r.predicate))
    return Hop(a, b, tuple(relations))


def _relation(s: str, o: str, p: str, data: dict, forward: bool) -> Relation:
    return Relation(
        s, p, o, dict(data["labels"]), data["inferred"], tuple(data["evidence"]), forward
    )


def centrality(
    g: nx.MultiDiGraph,
    kinds: tuple[str, ...] = ("org",),
    top: int = 10,
    betweenness: dict[str, float] | None = None,
) -> list[dict]:
    """The most connected entities of the given kinds: degree (distinct neighbours) and betweenness,
    computed on the whole graph with relations taken as undirected links, highest betweenness first.
    `betweenness` may be given (an estimate, for a large graph); else it is computed exactly."""
    simple = nx.Graph(g.to_undirected(as_view=True))
    simple.remove_edges_from(nx.selfloop_edges(simple))
    if betweenness is None:
        betweenness = nx.betweenness_centrality(simple)
    ranked = [
        {"node": n, "degree": simple.degree(n), "betweenness": round(betweenness[n], 4)}
        for n in simple
        if g.nodes[n]["kind"] in kinds
    ]
    ranked.sort(key=lambda r: (-r["betweenness"], -r["degree"], r["node"]))
    return ranked[:top]
