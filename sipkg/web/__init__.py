"""create_app(): the Flask application; one blueprint per surface."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from flask import Flask, Response

from .. import results
from ..cache import Key, ResultCache, cacheable
from ..engine import LocalBackend
from ..namespaces import sparql_prologue
from ..paths import Paths
from ..pool import PoolBusy, WorkerDied
from ..remote import RemoteBackend
from ..sparqltext import refuse_deep, refuse_remote
from ..store import QueryTimeout, StoreError

SCREENED_MAX = 8192  # characters: longer query texts are screened every time rather than remembered


def screen(query: str, allowed_services: tuple[str, ...]) -> bool:
    """Refuse what must not run (deep nesting, SERVICE off the allow-list, LOAD); True if its answer may be cached.

    The verdict of a text never changes, and pages and users repeat the same texts: short ones are
    screened once per process (a refusal is not remembered, it raises again).
    """
    if len(query) > SCREENED_MAX:
        return _screen(query, allowed_services)
    return _screen_remembered(query, allowed_services)


def _screen(query: str, allowed_services: tuple[str, ...]) -> bool:
    refuse_deep(query)
    refuse_remote(query, allowed_services)
    return cacheable(query)


_screen_remembered = lru_cache(maxsize=2048)(_screen)


class Service:
    """What every page and the endpoint ask of the data, whichever store answers.

    It lives in app.extensions["sipkg"]; pages never open a store themselves. Queries from
    pages get our prefixes preloaded and the same time-out as the endpoint's.
    """

    def __init__(self, backend, *, timeout: float, allowed_services=(), cache: ResultCache | None = None):
        self.backend = backend
        self.timeout = timeout
        self.allowed_services = tuple(allowed_services)
        self.cache = cache  # answers by dataset version; None: every query runs

    @property
    def version(self) -> str:
        return self.backend.version

    def execute(self, query: str, *, media: str, limit: int, default_graphs=(), named_graphs=(),
                base_iri: str | None = None) -> results.Answer:
        """Run a query; one that would reach outside the store (SERVICE off the allow-list, LOAD) never runs."""
        may_cache = screen(query, self.allowed_services) and self.cache is not None
        key = Key(self.version, query, media, limit, tuple(default_graphs), tuple(named_graphs), base_iri)
        answer = self.cache.get(key) if may_cache else None
        if answer is None:
            answer = self.backend.execute(query, default_graphs=default_graphs, named_graphs=named_graphs,
                                          media=media, limit=limit, timeout=self.timeout, base_iri=base_iri)
            if may_cache:
                self.cache.put(key, answer)
        return answer

    def close(self) -> None:
        """Stop the query processes (the app's users are gone: end of a test, server shutdown)."""
        self.backend.close()

    def _run(self, query: str, media: str):
        answer = self.execute(sparql_prologue() + query, media=media, limit=PAGE_LIMIT)
        if answer.truncated:  # a page built on part of the data would look whole: say so instead (503)
            raise StoreError(f"the store cut an answer this page needs at {answer.count} rows; raise the store's "
                             "row limit (Virtuoso: ResultSetMaxRows in virtuoso.ini)")
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
    "THROTTLE": False,  # per-client limits, 429 past them (off here; `sipkg serve` turns them on): throttle.py
    "THROTTLE_QUERY_RATE": 10.0,  # /sparql requests per second per client, sustained
    "THROTTLE_QUERY_BURST": 40,  # /sparql requests a client may send at once after a pause
    "THROTTLE_PAGE_RATE": 20.0,  # page requests per second per client (static files are never throttled)
    "THROTTLE_PAGE_BURST": 200,
    "THROTTLE_CONCURRENT": 2,  # /sparql requests one client may have running at once
    "THROTTLE_QUERY_SECONDS": 60.0,  # seconds of query time per minute per client
    "TRUST_PROXY": 0,  # proxies in front whose X-Forwarded-For names the client (0: never believe it)
    "RESULT_CACHE_MB": 0,  # megabytes of answers kept per server process (0: off; `sipkg serve` turns it on)
}


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.json.ensure_ascii = False  # JSON twins readable in Chinese
    app.config.update(DEFAULTS, STORE=Paths().store)
    app.config.update(config or {})
    cache_mb = app.config["RESULT_CACHE_MB"]
    app.extensions["sipkg"] = Service(make_backend(app.config), timeout=app.config["QUERY_TIMEOUT"],
                                      allowed_services=app.config["SERVICE_ALLOW"],
                                      cache=ResultCache(int(cache_mb * 2**20)) if cache_mb > 0 else None)
    from . import i18n, security, throttle
    from .browse import bp as browse_bp
    from .downloads import bp as downloads_bp
    from .editor import bp as editor_bp
    from .explore import bp as explore_bp
    from .graphstore import bp as graphstore_bp
    from .reconcile import bp as reconcile_bp
    from .review import bp as review_bp
    from .sparql import bp as sparql_bp
    from .vocabulary import bp as vocabulary_bp

    i18n.init_app(app)
    throttle.init_app(app)
    security.init_app(app)
    for unavailable in (QueryTimeout, PoolBusy, WorkerDied, StoreError):
        app.register_error_handler(unavailable, _unavailable)

    app.register_blueprint(sparql_bp)
    app.register_blueprint(editor_bp)
    app.register_blueprint(graphstore_bp)
    app.register_blueprint(explore_bp)
    app.register_blueprint(browse_bp)
    app.register_blueprint(downloads_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(reconcile_bp)
    app.register_blueprint(vocabulary_bp)
    return app
