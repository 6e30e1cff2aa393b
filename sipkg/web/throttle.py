"""Per-client throttling, so that one client cannot starve the rest: 429 with Retry-After.

Shaped like the limits of the Wikidata Query Service, which limits what hurts others, not how
often a client asks: each client address has

- a cap on the /sparql requests it has running at once;
- a budget of query seconds per minute: the time spent answering its /sparql requests is
  charged to it, and the budget refills at its own pace;
- for pages, a token bucket (a sustained rate and a burst).

So a client that sends fast queries one after another is never refused, however many it sends;
one that runs many at once, or queries that take long, is.

Static files are never throttled, nor is a request carrying the write token (the owner of a
store in the local writable mode). The client is the connection's address; X-Forwarded-For is
believed only with TRUST_PROXY (the number of proxies in front), since anyone can send it.

The state lives in one server process: gunicorn's workers each keep their own, so a client
gets each limit once per worker process (with the default 2 workers, up to twice the figures).
"""

from __future__ import annotations

import hmac
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, Response, g, jsonify, request

QUERY, PAGE = "query", "page"
IDLE_SWEEP = 60.0  # seconds between sweeps that forget clients with nothing left to remember


@dataclass(frozen=True)
class Limits:
    """The per-client figures (per server process); defaults in sipkg.settings, options in `sipkg serve --help`."""

    page_rate: float  # page requests per second, sustained
    page_burst: int
    concurrent: int  # /sparql requests running at once
    query_seconds: float  # seconds of query time per minute

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(
            page_rate=config["THROTTLE_PAGE_RATE"],
            page_burst=config["THROTTLE_PAGE_BURST"],
            concurrent=config["THROTTLE_CONCURRENT"],
            query_seconds=config["THROTTLE_QUERY_SECONDS"],
        )


@dataclass
class Bucket:
    """Tokens that refill at `rate` per second up to `capacity`; a charge may leave it in debt."""

    rate: float
    capacity: float
    level: float
    stamp: float

    def refill(self, now: float) -> None:
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait(self, now: float, need: float = 1.0) -> float:
        """Seconds until `need` tokens are there (0 if they are)."""
        self.refill(now)
        return 0.0 if self.level >= need else (need - self.level) / self.rate

    def full(self, now: float) -> bool:
        self.refill(now)
        return self.level >= self.capacity


@dataclass
class Client:
    pages: Bucket
    seconds: Bucket  # the query-time budget, in seconds
    running: int = 0

    def idle(self, now: float) -> bool:
        return not self.running and all(b.full(now) for b in (self.pages, self.seconds))


@dataclass(frozen=True)
class Refusal:
    retry_after: int  # whole seconds, as the Retry-After header wants
    reason: str


@dataclass
class Throttle:
    """Admits or refuses requests per client; thread-safe (gunicorn's threads share one)."""

    limits: Limits
    clock: Callable[[], float] = time.monotonic
    clients: dict[str, Client] = field(default_factory=dict)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._swept = self.clock()

    def admit(self, client: str, kind: str) -> Refusal | None:
        """None when the request may go ahead (and, for a query, counts as running until `done`)."""
        now = self.clock()
        with self._lock:
            self._sweep(now)
            state = self.clients.get(client) or self.clients.setdefault(client, self._new(now))
            if kind == PAGE:
                return self._take(
                    state.pages,
                    now,
                    f"more than {self.limits.page_rate:g} page requests per second",
                )
            lim = self.limits
            if state.running >= lim.concurrent:
                return Refusal(
                    1,
                    f"{state.running} queries of this client are still running "
                    f"(at most {lim.concurrent} at once)",
                )
            debt = state.seconds.wait(now, need=0.0)
            if debt:
                return Refusal(
                    math.ceil(debt),
                    f"this client used its {lim.query_seconds:g} seconds of query time per minute",
                )
            state.running += 1
            return None

    def done(self, client: str, kind: str, seconds: float) -> None:
        """A query admitted earlier has finished after `seconds`: charge them to the client's budget."""
        if kind != QUERY:
            return
        now = self.clock()
        with self._lock:
            state = self.clients.get(client)
            if state is not None:
                state.running -= 1
                state.seconds.refill(now)
                state.seconds.level -= seconds

    def _new(self, now: float) -> Client:
        lim = self.limits
        return Client(
            pages=Bucket(lim.page_rate, lim.page_burst, lim.page_burst, now),
            seconds=Bucket(lim.query_seconds / 60.0, lim.query_seconds, lim.query_seconds, now),
        )

    @staticmethod
    def _take(bucket: Bucket, now: float, what: str) -> Refusal | None:
        wait = bucket.wait(now)
        if wait:
            return Refusal(max(1, math.ceil(wait)), f"this client sent {what}")
        bucket.level -= 1
        return None

    def _sweep(self, now: float) -> None:
        """Forget clients whose buckets are full and who run nothing, so the table does not grow forever."""
        if now - self._swept < IDLE_SWEEP:
            return
        self._swept = now
        for name in [name for name, state in self.clients.items() if state.idle(now)]:
            del self.clients[name]


# ---------------------------------------------------------------- in the Flask app


def kind_of(method: str, path: str, args) -> str | None:
    """QUERY for an operation sent to /sparql, None for static files, PAGE for everything else."""
    if path.startswith("/static/"):
        return None
    if path.rstrip("/") == "/sparql" and (method == "POST" or "query" in args or "update" in args):
        return QUERY
    return PAGE


def client_address(trusted_proxies: int) -> str:
    """The client's address: the connection's, or with trusted proxies the one they forwarded."""
    if trusted_proxies <= 0:
        return request.remote_addr or "-"
    forwarded = [
        a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()
    ]
    return (
        forwarded[-trusted_proxies]
        if len(forwarded) >= trusted_proxies
        else request.remote_addr or "-"
    )


def holds_token(token: str | None) -> bool:
    """Whether the request carries the write token: its holder owns the store and is not a public client."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(value.strip(), token)


def too_many(refusal: Refusal, client: str) -> Response:
    """429 with Retry-After; JSON for clients that asked for JSON, plain text otherwise."""
    message = (
        f"429 Too Many Requests: {refusal.reason} ({client}). Retry after {refusal.retry_after} s; "
        "limits are per client address, so others are still served."
    )
    if request.path.endswith(".json") or request.accept_mimetypes.best == "application/json":
        response = jsonify(error=message, retry_after=refusal.retry_after)
    else:
        response = Response(message + "\n", mimetype="text/plain")
    response.status_code = 429
    response.headers["Retry-After"] = str(refusal.retry_after)
    response.headers["Access-Control-Allow-Origin"] = "*"  # a page on another origin can read why
    return response


def init_app(app: Flask) -> None:
    """Throttle the app's requests per client when THROTTLE is on."""
    if not app.config["THROTTLE"]:
        return
    throttle = app.extensions["sipkg.throttle"] = Throttle(Limits.from_config(app.config))
    proxies = int(app.config["TRUST_PROXY"])

    @app.before_request
    def _admit():
        kind = kind_of(request.method, request.path, request.args)
        if kind is None or holds_token(app.config["TOKEN"]):
            return None
        client = client_address(proxies)
        refusal = throttle.admit(client, kind)
        if refusal is not None:
            return too_many(refusal, client)
        g.throttled = (client, kind, time.monotonic())
        return None

    @app.teardown_request
    def _done(_error=None):
        admitted = g.pop("throttled", None)
        if admitted is not None:
            client, kind, started = admitted
            throttle.done(client, kind, time.monotonic() - started)
