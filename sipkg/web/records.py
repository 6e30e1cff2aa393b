"""The graph's own records at their IRIs: statements, evidence, observations, the history's nodes
(`{base}/data/…`) and named graphs (`{base}/graph/…`); and the page of a document's sentence
(`/doc/doc/{key}/sentence/{n}`, where its IRI under `/id/` answers 303 to).

They are information resources — data the build wrote, not things in the world, which live
under `/id/` and answer 303 — so each IRI answers 200 itself: HTML, its JSON twin, Turtle,
JSON-LD, N-Triples or RDF/XML by Accept or suffix, as an entity's `/doc/` page does. The page
says what the record is: a statement its fact and its evidence in its sentence, an evidence node
its quote in the document, an observation its figure, a named graph its VoID entry.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect

from sipkg.figures import readable
from sipkg.namespaces import BASE, DOC, GRAPH, SOURCE_GRAPHS, VOID_GRAPH
from sipkg.store.sparqltext import is_iri
from sipkg.web import facts
from sipkg.web.browse import RDF_MEDIA, SUFFIXES, not_found, page_url, rdf, split_suffix
from sipkg.web.catalogue import Catalogue, catalogue
from sipkg.web.i18n import current_lang, pick
from sipkg.web.twin import PAGE_MEDIA, answer, negotiate

bp = Blueprint("records", __name__)

DATA = f"{BASE}/data/"

# A record, the records it cites (a statement's evidence, an observation's statements, a history
# node's statements) with an evidence's target and selectors (the `#target`, `#quote`, `#position`
# nodes), and the labels of what it names; a document it cites is a link, not copied in.
DESCRIBE = """
CONSTRUCT {
  <%(e)s> ?p ?o . ?o rdfs:label ?ol . ?s ?q <%(e)s> .
  ?st ?sp ?so . ?ev ?ep ?eo . ?t ?tp ?to . ?sel ?selp ?selo .
} WHERE {
  { <%(e)s> ?p ?o OPTIONAL { ?o rdfs:label ?ol } }
  UNION { ?s ?q <%(e)s> FILTER(?q IN (oa:hasBody, prov:wasDerivedFrom, void:subset)) }
  UNION { ?st rdf:subject <%(e)s> ; ?sp ?so }
  UNION { { <%(e)s> prov:wasDerivedFrom ?ev } UNION { ?st rdf:subject <%(e)s> ; prov:wasDerivedFrom ?ev }
          FILTER(STRSTARTS(STR(?ev), "%(base)s/data/")) ?ev ?ep ?eo }
  UNION { { <%(e)s> oa:hasTarget ?t } UNION { <%(e)s> prov:wasDerivedFrom/oa:hasTarget ?t }
          UNION { ?st rdf:subject <%(e)s> ; prov:wasDerivedFrom/oa:hasTarget ?t }
          ?t ?tp ?to
          OPTIONAL { ?t oa:hasSelector ?sel . ?sel ?selp ?selo } }
}"""

PROPERTIES = "SELECT ?p ?o WHERE { <%(e)s> ?p ?o } ORDER BY ?p ?o"

STATEMENT = """
SELECT ?subject ?predicate ?object ?confidence ?method WHERE {
  <%(e)s> rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object .
  OPTIONAL { <%(e)s> sip:confidence ?confidence } OPTIONAL { <%(e)s> sip:method ?method }
}"""

# The evidence of the statements `?st` (VALUES), located in its sentence (as entity pages show it).
EVIDENCE = """
SELECT ?st ?ev ?sentence ?exact ?start ?method WHERE {
  VALUES ?st { %(statements)s } %(evidence)s
}"""

# An evidence node: what it is evidence for, and the quote in its sentence.
ANNOTATION = """
SELECT ?st ?sentence ?exact ?start ?method WHERE {
  <%(e)s> oa:hasBody ?st ; oa:hasTarget ?target . ?target oa:hasScope ?sentence .
  OPTIONAL { ?target oa:hasSelector ?qs . ?qs oa:exact ?exact }
  OPTIONAL { ?target oa:hasSelector ?ps . ?ps a oa:TextPositionSelector ; oa:start ?start }
  OPTIONAL { ?st sip:method ?method }
}"""

OBSERVATION = """
SELECT ?indicator ?value ?unit ?stated ?period ?approx ?area ?subject ?dataset WHERE {
  <%(e)s> a qb:Observation ; sip:indicator ?indicator ; sip:value ?value .
  OPTIONAL { <%(e)s> sdmx-attribute:unitMeasure ?unit } OPTIONAL { <%(e)s> sip:statedValue ?stated }
  OPTIONAL { <%(e)s> sip:refPeriod ?period } OPTIONAL { <%(e)s> sip:approximation ?approx }
  OPTIONAL { <%(e)s> sip:refArea ?area } OPTIONAL { <%(e)s> sip:subject ?subject }
  OPTIONAL { <%(e)s> qb:dataSet ?dataset }
}"""

OBSERVATION_STATEMENTS = "SELECT ?st WHERE { ?st rdf:subject <%(e)s> }"

# The facts a sentence is evidence for, with the quote of each.
SENTENCE_FACTS = """
SELECT ?st ?subject ?predicate ?object ?sentence ?exact ?start ?method WHERE {
  ?target oa:hasScope <%(e)s> . ?ev oa:hasTarget ?target ; oa:hasBody ?st .
  ?st rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object .
  BIND(<%(e)s> AS ?sentence)
  OPTIONAL { ?target oa:hasSelector ?qs . ?qs oa:exact ?exact }
  OPTIONAL { ?target oa:hasSelector ?ps . ?ps a oa:TextPositionSelector ; oa:start ?start }
  OPTIONAL { ?st sip:method ?method }
} ORDER BY ?start ?st"""

# A named graph's VoID entry (from the description's own graph) and its size.
VOID_ENTRY = """
SELECT ?p ?o WHERE { GRAPH <%(void)s> { <%(e)s> ?p ?o } }"""


@bp.route("/data/<path:rest>")
def data(rest: str) -> Response:
    return record(DATA, rest)


@bp.route("/graph/<path:rest>")
def graph(rest: str) -> Response:
    name, _ = split_suffix(rest)
    if str(GRAPH) + name == VOID_GRAPH:  # the description's own graph is the description
        return redirect("/void" + rest[len(name) :], 303)
    return record(str(GRAPH), rest)


@bp.route("/doc/doc/<key>/sentence/<n>")
def sentence(key: str, n: str) -> Response:
    """A document's sentence: its text, where it is in the document, and the facts it supports."""
    n, suffix = split_suffix(n)
    iri, path = f"{DOC}{key}/sentence/{n}", f"/doc/doc/{key}/sentence/{n}"
    media = negotiate([*PAGE_MEDIA, *RDF_MEDIA], suffix)
    cat = catalogue()
    s = cat.sentences.get(iri)
    if s is None:
        return not_found(iri)
    if media in RDF_MEDIA:
        return rdf(iri, media)
    supports: dict[str, dict] = {}
    for r in _rows(SENTENCE_FACTS, iri):
        fact = supports.setdefault(
            r["st"].value,
            {
                "statement": _term(cat, r["st"]),
                "subject": _term(cat, r["subject"]),
                "predicate": _term(cat, r["predicate"]),
                "object": _term(cat, r["object"]),
                "quotes": [],
            },
        )
        for e in _evidence(cat, [r]):
            if e["quote"] and e["quote"] not in fact["quotes"]:
                fact["quotes"].append(e["quote"])
    title = pick(cat.labels(s.doc))
    data = {
        "iri": iri,
        "kind": "sentence",
        "text": s.text,
        "index": s.index,
        "furniture": s.furniture,
        "document": {"iri": s.doc, "label": title.text if title else s.doc, "url": page_url(s.doc)},
        "in_document_url": page_url(iri),
        "supports": list(supports.values()),
        "properties": [_value(cat, r, "p") | _value(cat, r, "o") for r in _rows(PROPERTIES, iri)],
    }
    alternates = [(m, path + ext) for ext, m in SUFFIXES.items() if m != "text/html"]
    context = {"iri": iri, "cat": cat, "alternates": alternates, "path": path}
    return answer(
        "records/record.html", data, media=media, json_url=path + ".json", **context, d=data
    )


def record(space: str, rest: str) -> Response:
    rest, suffix = split_suffix(rest)
    iri, path = space + rest, space[len(BASE) :] + rest
    media = negotiate([*PAGE_MEDIA, *RDF_MEDIA], suffix)
    svc = current_app.extensions["sipkg"]
    if not is_iri(iri) or not svc.ask(f"ASK {{ <{iri}> ?p ?o }}"):
        return not_found(iri)
    if media in RDF_MEDIA:
        return rdf(iri, media, DESCRIBE)
    cat = catalogue()
    kind = kind_of(iri)
    data = {
        "iri": iri,
        "kind": kind,
        "properties": [_value(cat, r, "p") | _value(cat, r, "o") for r in _rows(PROPERTIES, iri)],
    }
    data.update(VIEWS[kind](cat, iri) if kind in VIEWS else {})
    alternates = [(m, path + ext) for ext, m in SUFFIXES.items() if m != "text/html"]
    context = {"iri": iri, "cat": cat, "alternates": alternates, "path": path}
    return answer(
        "records/record.html", data, media=media, json_url=path + ".json", **context, d=data
    )


def kind_of(iri: str) -> str:
    """What a record is, by where its IRI lives: statement, evidence, observation, graph, history…"""
    if iri.startswith(str(GRAPH)):
        return "graph"
    first = iri[len(DATA) :].split("/", 1)[0]
    return {"obs": "observation"}.get(first, first)


def _rows(query: str, iri: str, **params) -> list[dict]:
    return current_app.extensions["sipkg"].select(query % {"e": iri, **params})


def _value(cat: Catalogue, row: dict, var: str) -> dict:
    """A term of a result row for pages and JSON: its text, and for an IRI its label and page."""
    term = row.get(var)
    if term is None:
        return {}
    name = {"p": "predicate", "o": "value"}.get(var, var)
    out = {name: term.value}
    if not hasattr(term, "datatype"):
        label = pick(cat.labels(term.value))
        out[f"{name}_label"] = label.text if label else None
        out[f"{name}_url"] = page_url(term.value)
    return out


def _term(cat: Catalogue, term) -> dict | None:
    """An IRI or literal of the fact, with its label and page (None when unbound)."""
    if term is None:
        return None
    if hasattr(term, "datatype"):
        return {"value": term.value, "datatype": term.datatype.value}
    label = pick(cat.labels(term.value))
    return {
        "iri": term.value,
        "label": label.text if label else term.value,
        "url": page_url(term.value),
    }


def _evidence(cat: Catalogue, rows: list[dict]) -> list[dict]:
    out: list[dict] = []
    for row in rows:
        ev = facts.evidence_of(row, cat)
        if ev is None:
            continue
        item = ev.to_json() | {
            "before": ev.before,
            "after": ev.after,
            "url": page_url(ev.sentence),
            "document_url": page_url(ev.doc),
        }
        if "ev" in row:
            item["evidence"] = row["ev"].value
            item["evidence_url"] = page_url(row["ev"].value)
        if item not in out:
            out.append(item)
    return out


def _evidence_of_statements(cat: Catalogue, statements: list[str]) -> list[dict]:
    if not statements:
        return []
    listed = " ".join(f"<{s}>" for s in statements)
    return _evidence(cat, _rows(EVIDENCE, "", statements=listed, evidence=facts.EVIDENCE))


def statement(cat: Catalogue, iri: str) -> dict:
    rows = _rows(STATEMENT, iri)
    if not rows:
        return {}
    r = rows[0]
    return {
        "subject": _term(cat, r["subject"]),
        "predicate": _term(cat, r["predicate"]),
        "object": _term(cat, r["object"]),
        "confidence": r["confidence"].value if "confidence" in r else None,
        "method": _term(cat, r.get("method")),
        "evidence": _evidence_of_statements(cat, [iri]),
    }


def evidence(cat: Catalogue, iri: str) -> dict:
    rows = _rows(ANNOTATION, iri)
    if not rows:
        return {}
    found = _evidence(cat, rows)
    return {
        "statement": _term(cat, rows[0]["st"]),
        "quote": found[0] if found else None,
    }


def observation(cat: Catalogue, iri: str) -> dict:
    rows = _rows(OBSERVATION, iri)
    if not rows:
        return {}
    r = rows[0]
    unit = r["unit"].value if "unit" in r else ""
    statements = [s["st"].value for s in _rows(OBSERVATION_STATEMENTS, iri)]
    return {
        "indicator": _term(cat, r["indicator"]),
        "value": r["value"].value,
        "readable": readable(float(r["value"].value), unit, current_lang()),
        "unit": _term(cat, r.get("unit")),
        "stated": r["stated"].value if "stated" in r else None,
        "period": r["period"].value if "period" in r else None,
        "approximation": _term(cat, r.get("approx")),
        "area": _term(cat, r.get("area")),
        "subject": _term(cat, r.get("subject")),
        "dataset": _term(cat, r.get("dataset")),
        "evidence": _evidence_of_statements(cat, statements),
    }


def named_graph(cat: Catalogue, iri: str) -> dict:
    entry: dict[str, list] = {}
    for r in _rows(VOID_ENTRY, iri, void=VOID_GRAPH):
        entry.setdefault(r["p"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], []).append(r["o"])
    triples = entry.get("triples", [])
    document = entry.get("source", [])
    query = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} LIMIT 100"
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
    return {
        "triples": int(triples[0].value) if triples else None,
        "source": _term(cat, document[0]) if document else None,
        "titles": [t.value for t in entry.get("title", [])],
        "rights": [t.value for t in entry.get("rights", [])],
        "is_source_graph": iri.startswith(SOURCE_GRAPHS),
        "query_url": "/sparql?" + urlencode({"query": query}),
        "triples_url": "/sparql?" + urlencode({"query": construct, "format": "text/turtle"}),
    }


VIEWS = {
    "statement": statement,
    "evidence": evidence,
    "observation": observation,
    "graph": named_graph,
}
