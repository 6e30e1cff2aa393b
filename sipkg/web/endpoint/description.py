"""The SPARQL 1.1 Service Description of /sparql: what it speaks, writes, allows, and holds."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response, current_app, request

from sipkg import jsonld
from sipkg.namespaces import DCT_NS, FORMATS_NS, PREFIXES, SD_NS, VOID_NS
from sipkg.store import results

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMAT_IRIS = [
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
]
GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
TOTAL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def triples(
    endpoint: str, sizes: dict[str, int], total: int, *, writable: bool, federated: bool
) -> list[ox.Triple]:
    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    def count(value: int) -> ox.Literal:
        return ox.Literal(str(value), datatype=n("http://www.w3.org/2001/XMLSchema#integer"))

    service, dataset, default = n(endpoint), ox.BlankNode("dataset"), ox.BlankNode("default")
    out = [
        ox.Triple(service, RDF_TYPE, n(SD_NS + "Service")),
        ox.Triple(service, n(SD_NS + "endpoint"), service),
        ox.Triple(
            service,
            n(DCT_NS + "title"),
            ox.Literal("苏州工业园区知识图谱 SPARQL 端点", language="zh-Hans"),
        ),
        ox.Triple(
            service,
            n(DCT_NS + "title"),
            ox.Literal("Suzhou Industrial Park knowledge graph SPARQL endpoint", language="en"),
        ),
        ox.Triple(service, n(SD_NS + "supportedLanguage"), n(SD_NS + "SPARQL11Query")),
        ox.Triple(service, n(SD_NS + "feature"), n(SD_NS + "UnionDefaultGraph")),
        ox.Triple(service, n(SD_NS + "defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, n(SD_NS + "Dataset")),
        ox.Triple(dataset, n(SD_NS + "defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, n(SD_NS + "Graph")),
        ox.Triple(default, n(VOID_NS + "triples"), count(total)),
    ]
    out += [ox.Triple(service, n(SD_NS + "resultFormat"), n(FORMATS_NS + f)) for f in FORMAT_IRIS]
    if writable:
        out.append(ox.Triple(service, n(SD_NS + "supportedLanguage"), n(SD_NS + "SPARQL11Update")))
    if federated:
        out.append(ox.Triple(service, n(SD_NS + "feature"), n(SD_NS + "BasicFederatedQuery")))
    for i, (graph, size) in enumerate(sorted(sizes.items())):
        named, described = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        out += [
            ox.Triple(dataset, n(SD_NS + "namedGraph"), named),
            ox.Triple(named, RDF_TYPE, n(SD_NS + "NamedGraph")),
            ox.Triple(named, n(SD_NS + "name"), n(graph)),
            ox.Triple(named, n(SD_NS + "graph"), described),
            ox.Triple(described, RDF_TYPE, n(SD_NS + "Graph")),
            ox.Triple(described, n(VOID_NS + "triples"), count(size)),
        ]
    return out


def _sizes(service) -> tuple[dict[str, int], int]:
    """Triples in each named graph, and in all of them."""
    rows = service.select(GRAPH_SIZES)
    total = service.select(TOTAL)
    return {r["g"].value: int(r["n"].value) for r in rows}, int(total[0]["n"].value)


def response(media: str) -> Response:
    """The description of this endpoint as `media`, with graph sizes counted once per dataset version."""
    service = current_app.extensions["sipkg"]
    version = service.version
    sizes, total = service.per_version("endpoint.description", lambda: _sizes(service))
    config = current_app.config
    body = jsonld.serialize(
        triples(
            request.base_url,
            sizes,
            total,
            writable=config["WRITABLE"] is not None,
            federated=bool(config["SERVICE_ALLOW"]),
        ),
        results.GRAPH_FORMATS[media],
        {**PREFIXES, "sd": SD_NS},
    )
    out = Response(body, mimetype=media)
    out.headers["Access-Control-Allow-Origin"] = "*"
    out.headers["X-Dataset-Version"] = version
    out.headers["Vary"] = "Accept"
    return out
