"""JSON-LD as people use it: our RDF compacted with the published @context.

pyoxigraph writes JSON-LD expanded (each property a full IRI, each value an object). pyld, the
JSON-LD 1.1 API, compacts it with the context `/def/context.jsonld` publishes (derived from the
ontology, sipkg/ontodocs.py), so a reader gets `"label": {"zh": …, "en": …}` and `"partOf": "id:…"`.
The answer carries inline the part of that context it uses: a context by URL would make each
reader fetch it, and a dump or an offline client could not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

import pyoxigraph as ox
from pyld import jsonld

from sipkg import namespaces, ontodocs

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def serialize(
    triples: Iterable[ox.Triple], fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    """`triples` written as `fmt`: JSON-LD compacted, every other format as pyoxigraph writes it.

    The triples are grouped by subject and predicate first, so each subject is written once
    (pyoxigraph writes them in the order given: a CONSTRUCT's order would scatter them).
    `prefixes` the context lacks (`sd:` for a service description) join it for JSON-LD.
    """
    triples = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate)))
    if fmt != ox.RdfFormat.JSON_LD:
        return ox.serialize(triples, format=fmt, prefixes=prefixes)
    return compacted(ox.serialize(triples, format=fmt), prefixes or {})


def compacted(expanded: bytes, prefixes: dict[str, str] | None = None) -> bytes:
    """Expanded JSON-LD compacted with our context; the answer's @context is the part it uses."""
    published = context(namespaces.base())
    full = {**{p: ns for p, ns in (prefixes or {}).items() if p not in published}, **published}
    nodes = json.loads(expanded)
    for node in nodes:
        _types_as_type(node)
    document = jsonld.compact(nodes, {"@context": full}, {"documentLoader": _no_fetching})
    document["@context"] = _used(full, document)
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


@cache
def context(base: str) -> dict[str, Any]:
    """The @context /def/context.jsonld publishes under `base`."""
    return ontodocs.jsonld_context(ontodocs.ontology_graph(ontodocs.ontology_text(base)))[
        "@context"
    ]


def _types_as_type(node: dict) -> None:
    """rdf:type written as JSON-LD's own `@type` (pyoxigraph writes it as a property)."""
    for graph_node in node.get("@graph", []):
        _types_as_type(graph_node)
    types = node.get(RDF_TYPE)
    if types and all(set(t) == {"@id"} for t in types):
        node["@type"] = [t["@id"] for t in node.pop(RDF_TYPE)]


def _used(full: dict[str, Any], document: dict) -> dict[str, Any]:
    """The terms and prefixes of `full` that `document` uses (as a key, a value or a prefix)."""
    words: set[str] = set()
    _collect(document, words)
    prefixes = {w.split(":", 1)[0] for w in words if ":" in w}
    wanted = words | prefixes
    kept = {name: value for name, value in full.items() if name in wanted}
    # a kept term's definition may itself use a prefix (`{"@id": "rdfs:label"}`)
    needed = {
        v.split(":", 1)[0]
        for value in kept.values()
        for v in (value.values() if isinstance(value, dict) else [value])
        if isinstance(v, str) and ":" in v
    }
    kept.update({name: full[name] for name in needed if name in full})
    return {name: full[name] for name in full if name in kept}  # in the published order


def _collect(node: Any, words: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                continue
            words.add(key)
            _collect(value, words)
    elif isinstance(node, list):
        for item in node:
            _collect(item, words)
    elif isinstance(node, str):
        words.add(node)


def _no_fetching(url: str, options: dict) -> dict:
    raise jsonld.JsonLdError(
        f"a remote JSON-LD context is never fetched: {url}", "loading document failed"
    )
