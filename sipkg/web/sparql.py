"""/sparql: SPARQL 1.1 queries over GET, POST form and POST direct, with content negotiation."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template_string, request

from ..namespaces import sparql_prologue
from ..store import GRAPH_FORMATS, RESULT_FORMATS, QuerySyntaxError, run_query

bp = Blueprint("sparql", __name__)

FORMAT_ALIASES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ttl": "text/turtle",
    "nt": "application/n-triples", "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}

FORM = """<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>SPARQL — 苏州工业园区知识图谱</title></head>
<body><h1>SPARQL 查询 · SPARQL query</h1>
<form method="get" action="{{ url }}"><textarea name="query" rows="16" cols="100">{{ query }}</textarea><br>
<button type="submit">运行 · Run</button></form>
{% if error %}<pre role="alert">{{ error }}</pre>{% endif %}
{% if variables %}<table border="1"><tr>{% for v in variables %}<th>{{ v }}</th>{% endfor %}</tr>
{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell if cell is not none else "" }}</td>{% endfor %}</tr>{% endfor %}
</table>{% endif %}</body></html>"""

EXAMPLE = sparql_prologue() + """SELECT ?entity ?label WHERE {
  ?entity a sip:Organisation ; rdfs:label ?label .
  FILTER(langMatches(lang(?label), "zh-Hans"))
} LIMIT 20"""


def choose(kind: str) -> str | None:
    """The media type to answer in: `format` parameter, else the Accept header's best match."""
    formats = GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS
    wanted = request.values.get("format")
    if wanted:
        media = FORMAT_ALIASES.get(wanted, wanted)
        return media if media in formats else None
    if not request.accept_mimetypes or request.accept_mimetypes.best in (None, "*/*"):
        return next(iter(formats))
    return request.accept_mimetypes.best_match(list(formats))


def wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", *RESULT_FORMATS, *GRAPH_FORMATS])
    return best == "text/html" and "format" not in request.values


def error(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        query = request.get_data(as_text=True)
    elif request.method == "POST" and request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return error(415, f"unsupported content type {request.mimetype!r}: send application/sparql-query or a form")
    else:
        query = request.values.get("query")
    html = wants_html()
    if not query:
        if html:
            return Response(render_template_string(FORM, url=request.path, query=EXAMPLE))
        return error(400, "missing 'query' parameter")
    handle, info = current_app.extensions["sipkg"].get()
    try:
        result = run_query(handle, query, request.values.getlist("default-graph-uri"),
                           request.values.getlist("named-graph-uri"))
    except QuerySyntaxError as e:
        if html:
            return Response(render_template_string(FORM, url=request.path, query=query, error=str(e)), status=400)
        return error(400, f"SPARQL syntax error: {e}")
    if html:
        variables, rows = result.rows()
        return Response(render_template_string(FORM, url=request.path, query=query, variables=variables, rows=rows))
    media = choose(result.kind)
    if media is None:
        kinds = GRAPH_FORMATS if result.kind == "graph" else RESULT_FORMATS
        return error(406, f"cannot answer in the requested format; available: {', '.join(kinds)}")
    response = Response(result.serialize(media), mimetype=media)
    response.headers["Vary"] = "Accept"
    response.headers["X-Dataset-Version"] = info.version
    return response
