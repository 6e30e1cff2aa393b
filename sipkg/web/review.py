"""Review pages: /review lists the documents in the graph, /review/{key} shows what one
brought in (new entities, facts with evidence, conflicts); each has a JSON twin."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from sipkg import review as reports
from sipkg.namespaces import BASE

bp = Blueprint("review", __name__)


def _select(query: str) -> list[dict[str, str]]:
    return [
        {k: v.value for k, v in row.items()}
        for row in current_app.extensions["sipkg"].select(query)
    ]


def _wants_json(suffix: str | None) -> bool:
    if suffix == ".json":
        return True
    return (
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    )


def _respond(template: str, data: dict, as_json: bool, status: int = 200, **context) -> Response:
    json_url = request.path.removesuffix(".json") + ".json"
    response = (
        jsonify(data)
        if as_json
        else Response(
            render_template(template, data=data, json_url=json_url, local=_local, **context)
        )
    )
    response.status_code = status
    response.vary.add("Accept")
    return response


def _local(iri: str) -> str:
    """An IRI under our base as a path on this server, so links work on any host."""
    return iri.removeprefix(BASE) if iri.startswith(BASE + "/") else iri


@bp.get("/review", defaults={"suffix": None})
@bp.get("/review<any('.json'):suffix>")
def index(suffix):
    docs = reports.documents(_select)
    return _respond("review.html", {"documents": docs}, _wants_json(suffix), docs=docs, report=None)


@bp.get("/review/<key>", defaults={"suffix": None})
@bp.get("/review/<key><any('.json'):suffix>")
def document(key: str, suffix):
    as_json = _wants_json(suffix)
    try:
        report = reports.review(_select, key)
    except reports.UnknownDocument:
        message = f"no document with key {key!r} in the graph"
        return _respond(
            "review.html", {"error": message}, as_json, 404, error=message, docs=None, report=None
        )
    return _respond("review.html", report.to_dict(), as_json, report=report, docs=None)
