"""create_app(): the Flask application; one blueprint per surface."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, redirect, url_for

from .. import store
from ..paths import Paths


class StoreHolder:
    """This process's read-only handle on the store in service, reopened after a new build."""

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


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(STORE=Paths().store, MAX_CONTENT_LENGTH=1_000_000)
    app.config.update(config or {})
    app.extensions["sipkg"] = StoreHolder(Path(app.config["STORE"]))
    from .sparql import bp as sparql_bp

    app.register_blueprint(sparql_bp)
    app.add_url_rule("/", "index", lambda: redirect(url_for("sparql.sparql")))
    return app
