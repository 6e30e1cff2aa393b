"""create_app(): the Flask application; one blueprint per surface."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response

from sipkg import settings
from sipkg.paths import Paths
from sipkg.store.cache import ResultCache
from sipkg.store.pool import PoolBusy, WorkerDied
from sipkg.store.query import QueryTimeout, StoreError
from sipkg.store.service import Service, make_backend
from sipkg.web.forms import Request


def _unavailable(e: Exception) -> Response:
    """A page whose queries ran out of time, or found no store: 503, said plainly, like the endpoint's."""
    return Response(f"{e}\n", status=503, mimetype="text/plain", headers={"Retry-After": "5"})


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.request_class = (
        Request  # forms decoded in C (a query sent as a form is kilobytes of escapes)
    )
    app.json.ensure_ascii = False  # JSON twins readable in Chinese
    app.config.update(settings.defaults(), STORE=Paths().store)
    app.config.update(config or {})
    cache_mb = app.config["RESULT_CACHE_MB"]
    app.extensions["sipkg"] = Service(
        make_backend(app.config),
        timeout=app.config["QUERY_TIMEOUT"],
        allowed_services=app.config["SERVICE_ALLOW"],
        cache=ResultCache(int(cache_mb * 2**20)) if cache_mb > 0 else None,
        root=Path(app.config["STORE"]),
    )
    from sipkg.web import i18n, security, throttle
    from sipkg.web.browse import bp as browse_bp
    from sipkg.web.downloads import bp as downloads_bp
    from sipkg.web.endpoint.editor import bp as editor_bp
    from sipkg.web.endpoint.graphstore import bp as graphstore_bp
    from sipkg.web.endpoint.sparql import bp as sparql_bp
    from sipkg.web.explore import bp as explore_bp
    from sipkg.web.history import bp as history_bp
    from sipkg.web.reconcile import bp as reconcile_bp
    from sipkg.web.records import bp as records_bp
    from sipkg.web.review import bp as review_bp
    from sipkg.web.vocabulary import bp as vocabulary_bp

    i18n.init_app(app)
    throttle.init_app(app)
    security.init_app(app)
    for unavailable in (QueryTimeout, PoolBusy, WorkerDied, StoreError):
        app.register_error_handler(unavailable, _unavailable)

    app.register_blueprint(sparql_bp)
    app.register_blueprint(editor_bp)
    app.register_blueprint(graphstore_bp)
    app.register_blueprint(explore_bp)
    app.register_blueprint(history_bp)
    app.register_blueprint(browse_bp)
    app.register_blueprint(records_bp)
    app.register_blueprint(downloads_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(reconcile_bp)
    app.register_blueprint(vocabulary_bp)
    return app
