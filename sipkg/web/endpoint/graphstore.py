"""/store: the SPARQL 1.1 Graph Store HTTP Protocol, in the local writable mode only.

`?graph=IRI` names a graph, `?default` the default graph. GET and HEAD read; PUT replaces,
POST adds, DELETE drops — each with the bearer token. A body that does not parse is a 400
and changes nothing.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from sipkg.store import results
from sipkg.store.query import QuerySyntaxError
from sipkg.web.endpoint.sparql import ProtocolError, authorise, negotiate, plain

bp = Blueprint("graphstore", __name__)
BODY_TYPES = (*results.GRAPH_FORMATS, "text/plain")


@bp.errorhandler(ProtocolError)
def _protocol_error(e: ProtocolError) -> Response:
    return plain(e.status, e.message, e.headers)


@bp.route("/store", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def graph_store() -> Response:
    if current_app.config["WRITABLE"] is None:
        raise ProtocolError(
            403,
            "the Graph Store Protocol is enabled only in the local writable mode "
            "(sipkg serve --writable DIR, with a token); read the data through /sparql",
        )
    graph = target()
    backend = current_app.extensions["sipkg"].backend
    if request.method in ("GET", "HEAD"):
        if not backend.graph_exists(graph):
            raise ProtocolError(404, f"no graph <{graph}> in this store")
        media = negotiate("graph")
        return Response(
            b"" if request.method == "HEAD" else backend.graph_get(graph, media), mimetype=media
        )
    authorise()
    if request.method == "DELETE":
        if not backend.graph_exists(graph):
            raise ProtocolError(404, f"no graph <{graph}> in this store")
        backend.graph_delete(graph)
        return Response(status=204)
    if request.mimetype not in BODY_TYPES:
        raise ProtocolError(
            415,
            f"send the graph as one of {', '.join(BODY_TYPES)} "
            f"(got {request.mimetype or '(none)'!r})",
        )
    try:
        created = backend.graph_load(
            graph, request.get_data(), request.mimetype, replace=request.method == "PUT"
        )
    except QuerySyntaxError as e:
        raise ProtocolError(400, str(e)) from None
    return Response(status=201 if created else 204)


def target() -> str | None:
    """The graph a request names: ?graph=IRI, or None for ?default; exactly one of the two."""
    graphs = request.args.getlist("graph")
    if ("default" in request.args) == bool(graphs) or len(graphs) > 1:
        raise ProtocolError(400, "name exactly one graph: ?graph=IRI or ?default")
    return graphs[0] if graphs else None
