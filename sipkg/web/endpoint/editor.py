"""The SPARQL query editor (vendored YASGUI) and its gallery of example queries from queries/*.rq."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, url_for

from sipkg.gallery import examples, read_example  # noqa: F401  (read_example is part of the editor's API)
from sipkg.namespaces import PREFIXES, sparql_prologue

bp = Blueprint("editor", __name__)

STARTER = (
    sparql_prologue()
    + """
SELECT ?organisation ?label WHERE {
  ?organisation a sip:Organisation ; rdfs:label ?label .
  FILTER(langMatches(lang(?label), "zh-Hans"))
} ORDER BY ?label LIMIT 20
"""
)


@bp.get("/sparql/examples.json")
def examples_json() -> Response:
    return jsonify({"examples": [example.to_dict() for example in examples()]})


def editor_page(query: str | None = None) -> Response:
    """The editor page, prefilled with `query` when given (the /sparql handler calls this for browsers)."""
    html = render_template(
        "editor/sparql.html",
        sparql_query=query or "",
        starter=STARTER,
        prefixes=PREFIXES,
        endpoint=url_for("sparql.sparql"),
        examples=examples(),
        json_url=url_for("editor.examples_json"),
    )
    return Response(html, mimetype="text/html")
