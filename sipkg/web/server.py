"""The WSGI server: gunicorn with threaded workers that stop promptly, and one GET without a socket."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable

from sipkg.store.pool import close_all
from sipkg.web import create_app

GRACE = 3  # seconds a stopping server process has before gunicorn kills it
QUERY_GRACE = 2  # of which queries still running may use this much; then they are stopped (503)
IDLE_LINGER = 0.2  # seconds a stopping server keeps idle keep-alive connections (gunicorn's own: 2)
STALL = 10  # seconds a request's socket may make no progress (a body that stops arriving) before it ends


def prompt_worker():
    """gunicorn's threaded worker, made to stop promptly on SIGTERM.

    Idle keep-alive connections close at once, and queries still running after QUERY_GRACE
    are stopped, so their requests end (503) and no query process is left behind.
    """
    from gunicorn.workers.gthread import ThreadWorker

    class PromptWorker(ThreadWorker):
        def handle_exit(self, sig, frame):
            super().handle_exit(sig, frame)
            stopper = threading.Timer(QUERY_GRACE, close_all)
            stopper.daemon = True
            stopper.start()

        def _cap_keepalive(self, deadline):
            super()._cap_keepalive(min(deadline, time.monotonic() + IDLE_LINGER))

        def handle_request(self, req, conn):
            conn.sock.settimeout(
                STALL
            )  # else a client that announces a body and stops holds a thread for ever
            return super().handle_request(req, conn)

        def run(self):
            super().run()
            close_all()

    return PromptWorker


def exit_now(code: int | str | None) -> None:
    """End a server process without the interpreter's teardown (a second of freeing caches, after a stop
    signal): its query processes are stopped first and its output flushed."""
    close_all()
    if isinstance(code, str):
        print(code, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))


def run(
    config: dict, *, host: str, port: int, workers: int, threads: int, check: Callable | None = None
) -> None:
    """Serve create_app(config) until stopped; `check` runs in each server process before it takes requests."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": prompt_worker(),
                "accesslog": "-",
                "limit_request_line": 8190,
                "graceful_timeout": GRACE,
                "timeout": max(30, int(config["QUERY_TIMEOUT"] * 3)),
            }.items():
                self.cfg.set(key, value)

        def load(
            self,
        ):  # in each server process, so each has its own store handles and query processes
            if check is not None:
                check()  # a worker that fails to boot stops the master: no crash loop
            return create_app(config)

    try:
        Server().run()
    except SystemExit as stop:  # the master and each forked worker end here
        exit_now(stop.code)


def get(config: dict, path: str) -> tuple[int, bytes]:
    """One GET of `path` through the app's test client (Datasette's `serve --get`): status and body."""
    app = create_app(config)
    try:
        response = app.test_client().get(path)
        return response.status_code, response.get_data()
    finally:
        app.extensions["sipkg"].close()
