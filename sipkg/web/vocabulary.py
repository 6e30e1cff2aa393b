"""The vocabularies at their namespace: /def (index), /def/sip (ontology), /def/{scheme}, /def/context.jsonld.

`/def/sip` answers by Accept or suffix with the ontology as published (Turtle), RDF/XML, JSON-LD,
N-Triples, or its pyLODE documentation in the site's frame. `/def/{scheme}` answers a SKOS scheme
and its concepts in the same RDF formats, as a bilingual page, or as that page's JSON. Concepts
and other terms under /def/ keep the entity page of browse.py.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template

from sipkg import jsonld, ontodocs
from sipkg.namespaces import BASE, INFERRED_GRAPH, PREFIXES
from sipkg.web.browse import KEY, RDF_MEDIA, SUFFIXES, not_found, resource, split_suffix, texts
from sipkg.web.twin import PAGE_MEDIA, answer, json_suffix, negotiate

bp = Blueprint("vocabulary", __name__)

ONTOLOGY_MEDIA = ["text/html", *RDF_MEDIA]
SCHEME_MEDIA = [*PAGE_MEDIA, *RDF_MEDIA]

SCHEMES = """
SELECT ?scheme ?p ?o (COUNT(DISTINCT ?c) AS ?concepts) WHERE {
  ?scheme a skos:ConceptScheme .
  OPTIONAL { ?scheme ?p ?o FILTER(?p IN (skos:prefLabel, skos:definition)) }
  OPTIONAL { ?c skos:inScheme ?scheme }
} GROUP BY ?scheme ?p ?o"""

# the scheme and its concepts as asserted (the reasoner's graph is left out: it restates types)
SCHEME_TRIPLES = """
CONSTRUCT { <%(s)s> ?p ?o . ?c ?cp ?co } WHERE {
  { GRAPH ?g { <%(s)s> ?p ?o } }
  UNION { ?c skos:inScheme <%(s)s> . GRAPH ?g { ?c ?cp ?co } }
  FILTER(?g != <%(inferred)s>)
}"""


@bp.route("/def")
@bp.route("/def.json")
def index() -> Response:
    """Every vocabulary we publish: the ontology and the SKOS schemes."""
    media = negotiate(PAGE_MEDIA, json_suffix())
    schemes = _schemes()
    graph = ontodocs.ontology_graph(ontodocs.ontology_text())
    ontology = {
        "iri": ontodocs.ontology_iri(),
        "url": "/def/sip",
        "version_iri": ontodocs.version_iri(graph),
        "titles": ontodocs.titles(graph),
        "context": "/def/context.jsonld",
    }
    data = {
        "ontology": ontology,
        "schemes": [
            {
                "iri": s.iri,
                "url": f"/def/{s.name}",
                "labels": texts(s.labels),
                "definitions": texts(s.definitions),
                "concepts": n,
            }
            for s, n in schemes
        ],
    }
    return answer(
        "vocabulary/vocabularies.html",
        data,
        media=media,
        json_url="/def.json",
        ontology=ontology,
        schemes=schemes,
    )


def _schemes() -> list[tuple[ontodocs.Scheme, int]]:
    """The schemes in the store with their labels, definitions and number of concepts, by name."""
    found: dict[str, tuple[ontodocs.Scheme, int]] = {}
    for row in current_app.extensions["sipkg"].select(SCHEMES):
        iri = row["scheme"].value
        scheme, _ = found.setdefault(
            iri, (ontodocs.Scheme(iri=iri, name=iri.rsplit("/", 1)[-1]), int(row["concepts"].value))
        )
        if "p" in row:
            target = scheme.labels if row["p"].value.endswith("prefLabel") else scheme.definitions
            if row["o"] not in target:
                target.append(row["o"])
    return sorted(found.values(), key=lambda pair: pair[0].name)


@bp.route("/def/context.jsonld")
def context() -> Response:
    """The JSON-LD @context of our data, derived from the ontology."""
    text = ontodocs.ontology_text()
    response = jsonify(ontodocs.jsonld_context(ontodocs.ontology_graph(text)))
    response.mimetype = "application/ld+json"
    return response


@bp.route("/def/<path:rest>")
def vocabulary(rest: str) -> Response:
    """The ontology, a scheme, or (deeper paths) a concept or term's entity page."""
    name, suffix = split_suffix(rest)
    text = ontodocs.ontology_text()
    if name == "sip" or f"{BASE}/def/{name}" == ontodocs.version_iri(ontodocs.ontology_graph(text)):
        return ontology(text, f"/def/{name}", suffix)
    if "/" not in name:
        return scheme(name, suffix)
    return resource(f"{BASE}/def/{name}", f"/def/{name}", suffix)


def ontology(text: str, path: str, suffix: str | None) -> Response:
    media = negotiate(ONTOLOGY_MEDIA, suffix)
    if media == "text/turtle":
        response = Response(text, mimetype=media)
    elif media in RDF_MEDIA:
        response = _rdf(ontodocs.ontology_triples(text), media)
    else:
        doc = ontodocs.documentation(text)
        graph = ontodocs.ontology_graph(text)
        response = Response(
            render_template(
                "vocabulary/ontology.html",
                doc=doc,
                iri=ontodocs.ontology_iri(),
                version_iri=ontodocs.version_iri(graph),
                alternates=_alternates(path, ONTOLOGY_MEDIA),
                json_url=None,
            )
        )
    return _advertised(response, path, ONTOLOGY_MEDIA)


def scheme(name: str, suffix: str | None) -> Response:
    iri, path = f"{BASE}/def/{name}", f"/def/{name}"
    svc = current_app.extensions["sipkg"]
    if not KEY.fullmatch(name) or not svc.ask(f"ASK {{ <{iri}> a skos:ConceptScheme }}"):
        return not_found(iri)
    media = negotiate(SCHEME_MEDIA, suffix)
    triples = svc.graph(SCHEME_TRIPLES % {"s": iri, "inferred": INFERRED_GRAPH})
    if media in RDF_MEDIA:
        return _advertised(_rdf(triples, media), path, SCHEME_MEDIA)
    s = ontodocs.read_scheme(iri, triples)
    data = {
        "iri": s.iri,
        "labels": texts(s.labels),
        "definitions": texts(s.definitions),
        "concepts": [
            {
                "iri": c.iri,
                "code": c.code,
                "url": path + "/" + c.code,
                "labels": texts(c.labels),
                "definitions": texts(c.definitions),
                "notations": c.notations,
                "broader": c.broader,
                "see_also": c.see_also,
                "top": c.top,
            }
            for c in s.concepts
        ],
    }
    response = answer(
        "vocabulary/scheme.html",
        data,
        media=media,
        json_url=path + ".json",
        scheme=s,
        alternates=_alternates(path, SCHEME_MEDIA),
    )
    return _advertised(response, path, SCHEME_MEDIA)


def _rdf(triples, media: str) -> Response:
    prefixes = PREFIXES if media in ("text/turtle", "application/rdf+xml") else None
    return Response(jsonld.serialize(triples, RDF_MEDIA[media], prefixes), mimetype=media)


def _alternates(path: str, offered: list[str]) -> list[tuple[str, str]]:
    """(media type, URL) of every format but HTML, suffix-addressed."""
    return [
        (media, path + ext)
        for ext, media in SUFFIXES.items()
        if media in offered and media != "text/html"
    ]


def _advertised(response: Response, path: str, offered: list[str]) -> Response:
    """Vary: Accept, and a Link header naming each format's URL."""
    response.vary.add("Accept")
    response.headers["Link"] = ", ".join(
        f'<{url}>; rel="alternate"; type="{media}"' for media, url in _alternates(path, offered)
    )
    return response
