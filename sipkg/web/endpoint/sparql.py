"""/sparql: the SPARQL 1.1 Protocol — queries for everyone, updates only in the local writable mode.

Queries come by GET, POST form or POST direct, with the protocol's dataset parameters;
answers are negotiated (Accept with q-values, or `format=`), cut at the row cap with the
cut said out loud, cached by dataset version (ETag), open to other origins (CORS). A bare
GET asking for RDF gets the Service Description; a browser gets the query editor.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from sipkg.namespaces import PREFIXES
from sipkg.store import results
from sipkg.store.pool import PoolBusy, WorkerDied
from sipkg.store.query import QueryFailed, QueryRefused, QuerySyntaxError, QueryTimeout, StoreError
from sipkg.store.sparqltext import (
    DatasetConflict,
    QueryTooDeep,
    query_form,
    refuse_deep,
    refuse_remote,
    remote_targets,
    undeclared_prefixes,
    with_using,
)
from sipkg.web.endpoint import description
from sipkg.web.endpoint.editor import editor_page
from sipkg.web.throttle import holds_token

bp = Blueprint("sparql", __name__)

FORMAT_ALIASES = {
    "json": results.JSON,
    "srj": results.JSON,
    "xml": results.XML,
    "srx": results.XML,
    "csv": results.CSV,
    "tsv": results.TSV,
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
}
# Media types clients send that mean one we write.
ACCEPT_ALIASES = {
    "solutions": {
        "application/json": results.JSON,
        "application/xml": results.XML,
        "text/xml": results.XML,
    },
    "boolean": {
        "application/json": results.JSON,
        "application/xml": results.XML,
        "text/xml": results.XML,
    },
    "graph": {
        "application/json": "application/ld+json",
        "application/xml": "application/rdf+xml",
        "text/xml": "application/rdf+xml",
        "text/plain": "application/n-triples",
        "application/x-turtle": "text/turtle",
    },
}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CORS_EXPOSE = "ETag, X-Dataset-Version, X-Result-Truncated, X-Result-Limit, X-Result-Count"


class ProtocolError(Exception):
    """A request the protocol refuses: status and a message for the client."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


@bp.errorhandler(ProtocolError)
def _protocol_error(e: ProtocolError) -> Response:
    return plain(e.status, e.message, e.headers)


def plain(status: int, message: str, headers: dict | None = None) -> Response:
    response = Response(
        message.rstrip("\n") + "\n", status=status, mimetype="text/plain", headers=headers or {}
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def negotiate(kind: str) -> str:
    """The media type to answer in: the `format` parameter, else the Accept header's best match (q-values)."""
    formats = results.formats_for(kind)
    wanted = request.args.get("format") or request.form.get("format")
    if wanted:
        media = FORMAT_ALIASES.get(wanted.lower(), wanted.lower())
        if media not in formats:
            raise ProtocolError(
                406,
                f"format {wanted!r} is not available for this query; "
                f"available: {', '.join(formats)}",
            )
        return media
    accept = request.headers.get("Accept", "")
    best = best_for(kind, accept)
    if best is None:
        raise ProtocolError(406, f"cannot answer in {accept!r}; available: {', '.join(formats)}")
    return best


@lru_cache(maxsize=512)
def best_for(kind: str, accept: str) -> str | None:
    """The media type of this kind an Accept header prefers (the first one without an Accept); None: none fits."""
    formats, aliases = results.formats_for(kind), ACCEPT_ALIASES[kind]
    parsed = parse_accept(accept)
    if not parsed:
        return formats[0]
    best = parsed.best_match([*formats, *aliases])
    return None if best is None else aliases.get(best, best)


@lru_cache(maxsize=512)
def parse_accept(header: str) -> MIMEAccept:
    """An Accept header, parsed once per process: clients send the same few again and again."""
    return parse_accept_header(header, MIMEAccept)


def result_kind(query: str) -> str:
    """What the query will answer with, read from its form, so the format is settled before it runs."""
    return {"ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(
        query_form(query), "solutions"
    )


def wants_html() -> bool:
    """A browser: text/html asked for by name and preferred over every data format (a bare */* is a program)."""
    accept = request.headers.get("Accept", "")
    return "html" in accept.lower() and _prefers_html(accept) and "format" not in request.values


@lru_cache(maxsize=512)
def _prefers_html(header: str) -> bool:
    accept = parse_accept(header)
    named = any(media == "text/html" and q > 0 for media, q in accept)
    return (
        named
        and accept.best_match([*results.RESULT_FORMATS, *results.GRAPH_FORMATS, "text/html"])
        == "text/html"
    )


def read_operation() -> tuple[str | None, str | None]:
    """(query, update) from the request, or a ProtocolError for what the protocol forbids."""
    if request.method == "GET":
        if "update" in request.args:
            raise ProtocolError(
                400, "an update must be sent by POST (application/sparql-update or a form)"
            )
        return _single(request.args, "query"), None
    mimetype = request.mimetype
    if mimetype in ("application/sparql-query", "application/sparql-update"):
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"the body must be UTF-8 (got charset={charset})")
        try:
            text = request.get_data().decode("utf-8")
        except UnicodeDecodeError as e:
            raise ProtocolError(400, f"the body is not valid UTF-8: {e}") from None
        if "query" in request.args or "update" in request.args:
            raise ProtocolError(400, "give the operation once: in the body or in the URL, not both")
        return (text, None) if mimetype == "application/sparql-query" else (None, text)
    if mimetype in FORM_TYPES:
        query, update = _single(request.form, "query"), _single(request.form, "update")
        if query and update:
            raise ProtocolError(400, "a request carries a query or an update, not both")
        if "query" in request.args or "update" in request.args:
            raise ProtocolError(
                400, "a POST form carries the operation in its body, not in the URL"
            )
        return query, update
    raise ProtocolError(
        415,
        f"unsupported content type {mimetype or '(none)'!r}: send application/sparql-query, "
        "application/sparql-update or application/x-www-form-urlencoded",
    )


def _single(values, name: str) -> str | None:
    given = values.getlist(name)
    if len(given) > 1:
        raise ProtocolError(
            400, f"more than one {name!r} parameter: send one operation per request"
        )
    return given[0] if given else None


def graph_iris(name: str) -> list[str]:
    """The IRIs of a dataset parameter (default-graph-uri, using-graph-uri, …); one that is not an IRI is a 400."""
    given = request.values.getlist(name)
    for iri in given:
        try:
            ox.NamedNode(iri)
        except ValueError as e:
            raise ProtocolError(400, f"{name} {iri!r} is not an absolute IRI: {e}") from None
    return given


@bp.route("/sparql/", methods=["GET", "POST", "OPTIONS"])
@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])  # registered first: url_for gives /sparql
def sparql() -> Response:
    if request.method == "OPTIONS":
        return preflight()
    query, update = read_operation()
    if update is not None:
        return run_update(update)
    if not query:
        if wants_html():
            return editor_page(None)
        if request.method == "GET" and not request.args:
            return description.response(negotiate("graph"))
        raise ProtocolError(400, "missing 'query' parameter")
    if wants_html():
        return editor_page(query)
    return run_query(query)


@bp.route("/sparql", methods=["PUT", "DELETE", "PATCH"])
def wrong_method() -> Response:
    raise ProtocolError(
        405,
        f"{request.method} is not a SPARQL protocol operation: use GET or POST",
        {"Allow": "GET, POST, OPTIONS"},
    )


def preflight() -> Response:
    response = Response(status=204)
    response.headers.update(
        {
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Accept, Content-Type, Authorization",
            "Access-Control-Max-Age": "86400",
        }
    )
    return response


def syntax_error(what: str, text: str, e: Exception) -> str:
    """The parser's message; for a prefix used but not declared, what to add instead of the grammar."""
    missing = undeclared_prefixes(text)
    if not missing:
        return f"{what}: {e}"
    lines = []
    for prefix, line, column in missing:
        known = PREFIXES.get(prefix)
        lines.append(
            f"the prefix {prefix}: is used at line {line}, column {column} but not declared; "
            + (
                f"add this line before the query:\nPREFIX {prefix}: <{known}>"
                if known
                else f"declare it before the query: PREFIX {prefix}: <the namespace IRI>"
            )
        )
    return f"{what}: " + "\n".join(lines) + "\n"


def run_query(query: str) -> Response:
    config = current_app.config
    service = current_app.extensions["sipkg"]
    default_graphs = graph_iris("default-graph-uri")
    named_graphs = graph_iris("named-graph-uri")
    try:
        version = service.version
    except StoreError as e:
        raise ProtocolError(503, str(e), {"Retry-After": "5"}) from None
    tag = etag(
        version,
        query,
        default_graphs,
        named_graphs,
        request.headers.get("Accept", ""),
        request.values.get("format", ""),
        config["RESULT_LIMIT"],
    )
    if config["WRITABLE"] is None and request.if_none_match.contains_weak(tag):
        return cached(Response(status=304), tag, version)
    media = negotiate(result_kind(query))
    try:
        answer = service.execute(
            query,
            media=media,
            limit=config["RESULT_LIMIT"],
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            base_iri=request.base_url,
        )
    except QueryTooDeep as e:
        raise ProtocolError(400, str(e)) from None
    except QuerySyntaxError as e:
        raise ProtocolError(400, syntax_error("SPARQL syntax error", query, e)) from None
    except QueryRefused as e:
        raise ProtocolError(403, str(e)) from None
    except QueryTimeout as e:
        raise ProtocolError(
            503,
            f"{e}. Narrow the query: a LIMIT, or patterns that share variables "
            "(a pattern that shares none multiplies the answer).",
            {"Retry-After": "5"},
        ) from None  # like the pages' 503: a busy server may answer later
    except (PoolBusy, WorkerDied, StoreError) as e:
        raise ProtocolError(503, str(e), {"Retry-After": "5"}) from None
    except (
        QueryFailed
    ) as e:  # a SERVICE endpoint that failed is a bad gateway; anything else is ours
        raise ProtocolError(502 if remote_targets(query) else 500, str(e)) from None
    response = Response(answer.body, mimetype=answer.media)
    response.headers["X-Result-Count"] = str(answer.count)
    if answer.truncated:
        response.headers["X-Result-Truncated"] = "true"
        response.headers["X-Result-Limit"] = str(config["RESULT_LIMIT"])
    return cached(response, tag, version)


def etag(*parts) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:20]
    return f"{parts[0]}-{digest}"


def cached(response: Response, tag: str, version: str) -> Response:
    response.set_etag(tag, weak=True)
    response.headers["X-Dataset-Version"] = version
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = (
        "no-store"
        if current_app.config["WRITABLE"] is not None
        else "public, max-age=60, must-revalidate"
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE
    return response


def run_update(update: str) -> Response:
    config = current_app.config
    if config["WRITABLE"] is None:
        raise ProtocolError(
            403,
            "this endpoint is read-only: SPARQL Update is enabled only in the local "
            "writable mode (sipkg serve --writable DIR, with a token)",
        )
    authorise()
    try:
        refuse_deep(update)
        refuse_remote(update, config["SERVICE_ALLOW"])
        text = with_using(
            update, graph_iris("using-graph-uri"), graph_iris("using-named-graph-uri")
        )
        current_app.extensions["sipkg"].backend.update(text, base_iri=request.base_url)
    except (QueryRefused, DatasetConflict, QueryTooDeep) as e:
        raise ProtocolError(403 if isinstance(e, QueryRefused) else 400, str(e)) from None
    except QuerySyntaxError as e:
        raise ProtocolError(400, syntax_error("SPARQL Update syntax error", update, e)) from None
    return plain(200, "update applied")


def authorise() -> None:
    """Writes need `Authorization: Bearer <token>` matching the configured token."""
    if not holds_token(current_app.config["TOKEN"]):
        raise ProtocolError(
            401,
            "writing needs the bearer token given to `sipkg serve --writable`",
            {"WWW-Authenticate": 'Bearer realm="sipkg"'},
        )
