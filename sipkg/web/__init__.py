"""create_app(): the Flask application; one blueprint per surface."""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox
from flask import Flask, redirect, url_for

from .. import store
from ..namespaces import sparql_prologue
from ..paths import Paths


class Service:
    """What every page asks of the data: queries with our prefixes, and the dataset version.

    It lives in app.extensions["sipkg"]; pages never open a store themselves.
    """

    def __init__(self, root: Path):
        self.root = root
        self._lock = threading.Lock()
        self._handle = None
        self._info: store.StoreInfo | None = None

    def get(self):
        """(handle, info) of the current build; follows the `current` link when a build swaps it."""
        with self._lock:
            path = (self.root / store.CURRENT).resolve()
            if self._info is None or self._info.path != path:
                self._handle, self._info = store.open_read_only(self.root)
            return self._handle, self._info

    @property
    def version(self) -> str:
        return self.get()[1].version

    def _run(self, query: str) -> store.QueryResult:
        return store.run_query(self.get()[0], sparql_prologue() + query)

    def select(self, query: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        """Rows of a SELECT (our prefixes preloaded) as {variable: term}; unbound variables are absent."""
        result = self._run(query).value
        names = [v.value for v in result.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in result]

    def ask(self, query: str) -> bool:
        return bool(self._run(query).value)

    def graph(self, query: str) -> list[ox.Triple]:
        """Triples of a CONSTRUCT or DESCRIBE (our prefixes preloaded)."""
        return list(self._run(query).value)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(STORE=Paths().store, MAX_CONTENT_LENGTH=1_000_000)
    app.config.update(config or {})
    app.extensions["sipkg"] = Service(Path(app.config["STORE"]))
    from .sparql import bp as sparql_bp

    app.register_blueprint(sparql_bp)
    app.add_url_rule("/", "index", lambda: redirect(url_for("sparql.sparql")))
    return app
