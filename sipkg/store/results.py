"""Query results -> bytes in the media type asked for, cut at a row cap that is said out loud.

The same code writes answers from the embedded store and from a remote one, so both
cap rows alike and signal truncation alike: `Answer.truncated`, which the endpoint turns
into an `X-Result-Truncated` header and, in SPARQL JSON, a top-level `"truncated": true`.

Solutions that fit under the cap are written by the engine's own serialisers (but CSV) (no Python
object per term); the rows are counted by reading that answer back natively. Only an
answer past the cap, or past WRITTEN_MAX bytes, is written here, row by row, up to the cap.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from sipkg import jsonld
from sipkg.namespaces import PREFIXES, SPARQL_RESULTS_NS, XSD_NS

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
RESULT_FORMATS = (
    JSON,
    XML,
    CSV,
    TSV,
)  # SELECT and ASK (ASK: JSON and XML only, as the specs define)
BOOLEAN_FORMATS = (JSON, XML)

NATIVE_FORMATS = {
    JSON: ox.QueryResultsFormat.JSON,
    XML: ox.QueryResultsFormat.XML,
    TSV: ox.QueryResultsFormat.TSV,
}  # CSV is written here: the engine cannot read its own CSV back to count the rows
WRITTEN_MAX = (
    16 * 2**20
)  # bytes the engine may write before an answer is taken for one past the cap

GRAPH_FORMATS = {  # CONSTRUCT and DESCRIBE
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class Answer:
    kind: str  # "solutions", "boolean" or "graph"
    media: str  # the media type of body
    body: bytes
    count: int  # rows (or triples) in body
    truncated: bool  # the row cap cut the results


def formats_for(kind: str) -> tuple[str, ...]:
    """The media types an answer of this kind can be written in, preferred first."""
    if kind == "graph":
        return tuple(GRAPH_FORMATS)
    return BOOLEAN_FORMATS if kind == "boolean" else RESULT_FORMATS


def kind_of(result) -> str:
    if isinstance(result, (ox.QueryBoolean, bool)):
        return "boolean"
    if isinstance(result, ox.QuerySolutions):
        return "solutions"
    return "graph"


def answer(result, media: str, limit: int | None = None, again=None) -> Answer:
    """Write a pyoxigraph result (solutions, boolean, or any iterable of triples) as `media`, at most `limit` rows.

    With `again` (a function that runs the query afresh), solutions are first written by the
    engine; an answer that turns out longer than the cap is then written from a second run.
    """
    kind = kind_of(result)
    if kind == "solutions" and again is not None and media in NATIVE_FORMATS:
        native = _native(result, media, limit)
        if native is not None:
            return native
        result = again()
    if media not in formats_for(kind):
        raise ValueError(f"{kind} results cannot be written as {media}")
    if kind == "boolean":
        return Answer(kind, media, _boolean(bool(result), media), 1, False)
    if kind == "graph":
        triples, truncated = _capped(iter(result), limit)
        body = jsonld.serialize(triples, GRAPH_FORMATS[media], PREFIXES)
        return Answer(kind, media, body, len(triples), truncated)
    variables = [v.value for v in result.variables]
    rows, truncated = _capped(iter(result), limit)
    table = [[s[v] for v in variables] for s in rows]
    writer = {JSON: _json, XML: _xml, CSV: _csv, TSV: _tsv}[media]
    return Answer(kind, media, writer(variables, table, truncated), len(table), truncated)


class _Bounded(io.BytesIO):
    """A buffer that refuses to grow past `most` bytes (the engine's write then fails)."""

    def __init__(self, most: int):
        super().__init__()
        self.most, self.full = most, False

    def write(self, data) -> int:
        if self.tell() + len(data) > self.most:
            self.full = True
            raise OSError("the answer is longer than the written maximum")
        return super().write(data)


def _native(solutions, media: str, limit: int | None) -> Answer | None:
    """The engine's own answer, if it holds at most `limit` rows and WRITTEN_MAX bytes; else None."""
    out = _Bounded(WRITTEN_MAX)
    try:
        solutions.serialize(out, format=NATIVE_FORMATS[media])
    except OSError:
        if out.full:
            return None
        raise
    body = out.getvalue()
    count = _count(body, media)
    if limit is not None and count > limit:
        return None
    return Answer("solutions", media, body, count, False)


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')


def _count(body: bytes, media: str) -> int:
    """Rows in an answer the engine wrote, read from its bytes: in TSV one line a row (a term's
    newlines are escaped); in XML one <result> a row (a term's < is escaped); in JSON, once its
    strings are emptied, rows are the objects of the bindings array, and only rows are separated
    by `},{` (a term's members are separated by `},"`)."""
    if media == TSV:
        return body.count(b"\n") - 1
    if media == XML:
        return body.count(b"<result>") + body.count(b"<result/>")
    bare = _JSON_STRING.sub(b'""', body)
    return 0 if bare.endswith(b"[]}}") else bare.count(b"},{") + 1


def _capped(items: Iterator, limit: int | None) -> tuple[list, bool]:
    if limit is None:
        return list(items), False
    taken = list(islice(items, limit + 1))
    return taken[:limit], len(taken) > limit


# ------------------------------------------------------------------ booleans


def _boolean(value: bool, media: str) -> bytes:
    if media == JSON:
        return json.dumps({"head": {}, "boolean": value}).encode()
    return (
        f'<?xml version="1.0"?>\n<sparql xmlns="{SPARQL_RESULTS_NS}"><head/>'
        f"<boolean>{str(value).lower()}</boolean></sparql>\n"
    ).encode()


# ------------------------------------------------------------------ SPARQL JSON


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_NS + "string":
        out["datatype"] = term.datatype.value
    return out


def _json(variables: list[str], table: list[list], truncated: bool) -> bytes:
    doc: dict = {"head": {"vars": variables}}
    if (
        truncated
    ):  # before the results: a streaming parser (pyoxigraph's) refuses anything after the bindings
        doc["truncated"] = True
    doc["results"] = {
        "bindings": [
            {v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in table
        ]
    }
    return json.dumps(doc, ensure_ascii=False).encode()


# ------------------------------------------------------------------ SPARQL XML


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>"
        )
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_NS + "string":
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _xml(variables: list[str], table: list[list], truncated: bool) -> bytes:
    out = io.StringIO()
    out.write(f'<?xml version="1.0"?>\n<sparql xmlns="{SPARQL_RESULTS_NS}"><head>')
    out.writelines(f"<variable name={quoteattr(v)}/>" for v in variables)
    out.write("</head><results>")
    for row in table:
        out.write("<result>")
        out.writelines(
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v, t in zip(variables, row)
            if t is not None
        )
        out.write("</result>")
    out.write("</results></sparql>\n")
    return out.getvalue().encode()


# ------------------------------------------------------------------ CSV and TSV


def _csv_cell(term) -> str:
    if term is None:
        return ""
    text = (
        f"_:{term.value}"
        if isinstance(term, ox.BlankNode)
        else (str(term) if isinstance(term, ox.Triple) else term.value)
    )
    if any(c in text for c in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv(variables: list[str], table: list[list], truncated: bool) -> bytes:
    lines = [",".join(variables)] + [",".join(_csv_cell(t) for t in row) for row in table]
    return ("\r\n".join(lines) + "\r\n").encode()


def _tsv(variables: list[str], table: list[list], truncated: bool) -> bytes:
    """Terms in their Turtle form (str() of a pyoxigraph term is its N-Triples form), as the TSV spec asks."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in table]
    return ("\n".join(lines) + "\n").encode()


def parse(body: bytes, media: str):
    """The pyoxigraph result behind an Answer body (for pages that want terms, not bytes)."""
    if media in GRAPH_FORMATS:
        return list(ox.parse(body, format=GRAPH_FORMATS[media]))
    formats = {
        JSON: ox.QueryResultsFormat.JSON,
        XML: ox.QueryResultsFormat.XML,
        CSV: ox.QueryResultsFormat.CSV,
        TSV: ox.QueryResultsFormat.TSV,
    }
    return ox.parse_query_results(body, format=formats[media])


def rows_of(solutions: Iterable) -> list[dict]:
    """{variable: term} per solution; unbound variables are absent."""
    names = [v.value for v in solutions.variables]
    return [{n: s[n] for n in names if s[n] is not None} for s in solutions]
