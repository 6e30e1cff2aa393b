"""Review pages: /review lists the documents in the graph, /review/{key} shows what one
brought in (new entities, facts with evidence, conflicts); each has a JSON twin."""

from __future__ import annotations

from flask import Blueprint, current_app

from sipkg import review as reports
from sipkg.namespaces import BASE
from sipkg.web.twin import answer, fail

bp = Blueprint("review", __name__)


def _select(query: str) -> list[dict[str, str]]:
    return current_app.extensions["sipkg"].rows(query)


def _local(iri: str) -> str:
    """An IRI under our base as a path on this server, so links work on any host."""
    return iri.removeprefix(BASE) if iri.startswith(BASE + "/") else iri


@bp.get("/review", defaults={"suffix": None})
@bp.get("/review<any('.json'):suffix>")
def index(suffix):
    docs = reports.documents(_select)
    return answer("review/review.html", {"documents": docs}, docs=docs, report=None, local=_local)


@bp.get("/review/<key>", defaults={"suffix": None})
@bp.get("/review/<key><any('.json'):suffix>")
def document(key: str, suffix):
    try:
        report = reports.review(_select, key)
    except reports.UnknownDocument:
        message = f"no document with key {key!r} in the graph"
        return fail(404, message, "review/review.html", docs=None, report=None, local=_local)
    return answer("review/review.html", report.to_dict(), report=report, docs=None, local=_local)
