"""create_app(): the Flask application; one blueprint per surface."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from flask import Flask, Response

from .. import results
from ..engine import LocalBackend
from ..pool import PoolBusy, WorkerDied
from ..namespaces import sparql_prologue
from ..paths import Paths
from ..remote import RemoteBackend
from ..sparqltext import refuse_remote
from ..store import QueryTimeout, StoreError


class Service:
    """What every page and the endpoint ask of the data, whichever store answers.

    It lives in app.extensions["sipkg"]; pages never open a store themselves. Queries from
    pages get our prefixes preloaded and the same time-out as the endpoint's.
    """

    def __init__(self, backend, *, timeout: float, allowed_services=()):
        self.backend = backend
        self.timeout = timeout
        self.allowed_services = tuple(allowed_services)

    @property
    def version(self) -> str:
        return self.backend.version

    def execute(self, query: str, *, media: str, limit: int, default_graphs=(), named_graphs=(),
                base_iri: str | None = None) -> results.Answer:
        """Run a query; one that would reach outside the store (SERVICE off the allow-list, LOAD) never runs."""
        refuse_remote(query, self.allowed_services)
        return self.backend.execute(query, default_graphs=default_graphs, named_graphs=named_graphs,
                                    media=media, limit=limit, timeout=self.timeout, base_iri=base_iri)

    def close(self) -> None:
        """Stop the query processes (the app's users are gone: end of a test, server shutdown)."""
        self.backend.close()

    def _run(self, query: str, media: str):
        answer = self.execute(sparql_prologue() + query, media=media, limit=PAGE_LIMIT)
        return results.parse(answer.body, answer.media)

    def select(self, query: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        """Rows of a SELECT (our prefixes preloaded) as {variable: term}; unbound variables are absent."""
        return results.rows_of(self._run(query, results.JSON))

    def ask(self, query: str) -> bool:
        return bool(self._run(query, results.JSON))

    def graph(self, query: str) -> list[ox.Triple]:
        """Triples of a CONSTRUCT or DESCRIBE (our prefixes preloaded)."""
        return self._run(query, "application/n-triples")


PAGE_LIMIT = 1_000_000  # pages ask for what they show; this only bounds a mistake


def make_backend(config: dict):
    """The embedded store (default) or the external SPARQL store named by ENDPOINT."""
    if config["ENDPOINT"]:
        return RemoteBackend(config["ENDPOINT"])  # reading needs no credentials; `sipkg push` writes
    return LocalBackend(Path(config["STORE"]), workers=config["QUERY_WORKERS"], writable=config["WRITABLE"])


def _unavailable(e: Exception) -> Response:
    """A page whose queries ran out of time, or found no store: 503, said plainly, like the endpoint's."""
    return Response(f"{e}\n", status=503, mimetype="text/plain", headers={"Retry-After": "5"})


DEFAULTS = {
    "MAX_CONTENT_LENGTH": 1_000_000,  # bytes in a request body (413 above)
    "QUERY_TIMEOUT": 10.0,  # seconds a query may run before it is stopped
    "RESULT_LIMIT": 10_000,  # rows (or triples) in one answer; more is cut and flagged
    "QUERY_WORKERS": 4,  # query processes per server process
    "WRITABLE": None,  # a folder: serve a writable store there instead of the build (local mode)
    "TOKEN": None,  # the bearer token SPARQL Update and the Graph Store Protocol require
    "SERVICE_ALLOW": (),  # SERVICE endpoints queries may call
    "ENDPOINT": None,  # an external SPARQL store to answer from instead of the embedded one
}


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.json.ensure_ascii = False  # JSON twins readable in Chinese
    app.config.update(DEFAULTS, STORE=Paths().store)
    app.config.update(config or {})
    app.extensions["sipkg"] = Service(make_backend(app.config), timeout=app.config["QUERY_TIMEOUT"],
                                      allowed_services=app.config["SERVICE_ALLOW"])
    from . import i18n
    from .browse import bp as browse_bp
    from .editor import bp as editor_bp
    from .explore import bp as explore_bp
    from .graphstore import bp as graphstore_bp
    from .review import bp as review_bp
    from .sparql import bp as sparql_bp

    i18n.init_app(app)
    for unavailable in (QueryTimeout, PoolBusy, WorkerDied, StoreError):
        app.register_error_handler(unavailable, _unavailable)

    app.register_blueprint(sparql_bp)
    app.register_blueprint(editor_bp)
    app.register_blueprint(graphstore_bp)
    app.register_blueprint(explore_bp)
    app.register_blueprint(browse_bp)
    app.register_blueprint(review_bp)
    return app
