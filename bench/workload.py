"""What the benchmark asks: competency queries, the queries behind our pages, and user-like templates.

Templates are BSBM-style: a query with one parameter drawn from the generated graph — uniformly,
or Zipf-skewed so that popular entities are asked far more often (as real users do). Draws are
seeded, so every system gets the same sequence.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from sipkg.namespaces import BASE, sparql_prologue
from sipkg.paths import PROJECT

ID = f"{BASE}/id/"
ZIPF_S = 1.1  # skew of the popular-entity workload: rank k is asked ∝ 1/k^s


@dataclass(frozen=True)
class Query:
    name: str
    text: str  # full SPARQL, prologue included: what every system receives


@dataclass(frozen=True)
class Template:
    name: str
    sparql: str  # %(x)s is the parameter's IRI
    params: str  # the SELECT over the generated graph that lists the parameter's values (?x)


TEMPLATES = [
    Template(
        "institution",
        """
SELECT ?class ?label ?alias ?kind WHERE {
  <%(x)s> a ?class .
  OPTIONAL { <%(x)s> skos:prefLabel ?label }
  OPTIONAL { <%(x)s> skos:altLabel ?alias }
  OPTIONAL { <%(x)s> org:classification ?kind }
}""",
        f"SELECT DISTINCT ?x WHERE {{ GRAPH <{BASE}/graph/registry> {{ ?x a ?c }} "
        f'FILTER(STRSTARTS(STR(?x), "{ID}org/")) }}',
    ),
    Template(
        "sub-units",
        """
SELECT ?unit ?label WHERE {
  { ?unit org:subOrganizationOf+ <%(x)s> } UNION { ?unit sip:serviceWindowOf|sip:hostedIn <%(x)s> }
  OPTIONAL { ?unit skos:prefLabel ?label FILTER(langMatches(lang(?label), "zh-Hans")) }
}""",
        f"SELECT DISTINCT ?x WHERE {{ ?u org:subOrganizationOf|sip:serviceWindowOf|sip:hostedIn ?x "
        f'FILTER(STRSTARTS(STR(?x), "{ID}")) }}',
    ),
    Template(
        "evidence",
        """
SELECT ?p ?o ?quote ?start ?end ?doc ?method WHERE {
  ?st rdf:subject <%(x)s> ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?ev ; sip:method ?method .
  ?ev oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?q, ?pos .
  ?q oa:exact ?quote . ?pos oa:start ?start ; oa:end ?end .
} ORDER BY ?p ?start""",
        f'SELECT DISTINCT ?x WHERE {{ ?st rdf:subject ?x FILTER(STRSTARTS(STR(?x), "{ID}")) }}',
    ),
    Template(
        "designations",
        """
SELECT ?designation ?date ?label ?conferrer WHERE {
  ?designation sip:recipient <%(x)s> ; dct:date ?date .
  OPTIONAL { ?designation skos:prefLabel ?label FILTER(langMatches(lang(?label), "zh-Hans")) }
  OPTIONAL { ?designation sip:conferredBy ?conferrer }
} ORDER BY STR(?date)""",
        "SELECT DISTINCT ?x WHERE { ?d sip:recipient ?x ; dct:date ?date }",
    ),
    Template(
        "statistic-series",
        """
SELECT ?indicator ?period ?value ?unit WHERE {
  ?obs a qb:Observation ; sip:refArea <%(x)s> ; sip:indicator ?indicator ; sip:refPeriod ?period ; sip:value ?value .
  OPTIONAL { ?obs sdmx-attribute:unitMeasure ?unit }
} ORDER BY ?indicator ?period""",
        "SELECT DISTINCT ?x WHERE { ?obs a qb:Observation ; sip:refArea ?x }",
    ),
]


def parameters(store_path: Path) -> dict[str, list[str]]:
    """Each template's parameter values in the generated graph, in a fixed order (popularity rank)."""
    handle = ox.Store.read_only(str(store_path))
    found = {}
    for t in TEMPLATES:
        values = sorted(row["x"].value for row in handle.query(sparql_prologue() + t.params))
        random.Random(t.name).shuffle(
            values
        )  # rank: not alphabetical, so park 0 is not always the popular one
        found[t.name] = values
    return found


class Draw:
    """A seeded stream of template queries, parameters drawn uniformly or Zipf-skewed."""

    def __init__(self, params: dict[str, list[str]], *, skewed: bool, seed: int):
        self.rng = random.Random(seed)
        self.templates = [t for t in TEMPLATES if params.get(t.name)]
        self.values = {t.name: params[t.name] for t in self.templates}
        self.weights = {
            name: list(accumulate(1 / (k**ZIPF_S) if skewed else 1.0 for k in range(1, len(v) + 1)))
            for name, v in self.values.items()
        }

    def next(self) -> Query:
        t = self.rng.choice(self.templates)
        cumulative = self.weights[t.name]
        k = bisect(cumulative, self.rng.random() * cumulative[-1])
        return Query(
            t.name,
            sparql_prologue() + t.sparql % {"x": self.values[t.name][min(k, len(cumulative) - 1)]},
        )


def competency() -> list[Query]:
    """The competency questions of queries/*.rq, as they are (they carry their own prefixes)."""
    return [
        Query(p.stem, p.read_text(encoding="utf-8"))
        for p in sorted((PROJECT / "queries").glob("*.rq"))
    ]


# ---------------------------------------------------------------- the browser's pages


def page_urls(params: dict[str, list[str]]) -> dict[str, str]:
    """One URL per kind of page, on popular entities of the generated graph."""

    def page(iri: str) -> str:
        return "/doc/" + iri[len(ID) :]

    urls = {
        "home": "/",
        "kind": "/kind/org",
        "search": "/search?q=" + quote("社区"),
        "timeline": "/timeline",
        "statistics": "/statistics",
        "practices": "/practices",
    }
    if params.get("institution"):
        org = params["institution"][0]
        urls["entity"] = page(org)
        urls["explore"] = "/explore?entity=" + quote(org)
    if params.get("statistic-series"):
        urls["entity-place"] = page(params["statistic-series"][0])
    return urls


def page_queries(store_home: Path, urls: dict[str, str]) -> dict[str, list[Query]]:
    """The SPARQL each page sends once the app is warm (its per-version caches filled), recorded in-process.

    Peers are asked exactly these, so a page on ours compares with the same work on theirs. A page
    that sends none (answered from data derived once per version) has no peer equivalent.
    """
    from sipkg.web import create_app

    app = create_app({"STORE": store_home / "store", "TESTING": True})
    svc = app.extensions["sipkg"]
    sent: list[str] = []
    execute = svc.execute

    def recording(query, **kw):
        sent.append(query)
        return execute(query, **kw)

    try:
        client = app.test_client()
        for url in (
            urls.values()
        ):  # warm: the catalogue and the explorer's graph are built once per version
            client.get(url)
        svc.execute = recording
        found = {}
        for name, url in urls.items():
            sent.clear()
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"page {url} answered {response.status_code}")
            found[name] = [Query(f"{name}#{i}", q) for i, q in enumerate(sent)]
        return found
    finally:
        svc.close()
