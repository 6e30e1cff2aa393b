"""What the fuzzers aim at: a table of the app's surfaces, and one request (a Probe) built from choices.

Both fuzzers — hypothesis (tests/test_fuzz.py) and atheris (fuzz_app.py) — make a request the
same way: a target from TARGETS, a variant number that picks the target's method, path and
extra parameters, a pick from each header table, and the payload bytes that go where the
target takes input (a query, a path, a parameter, a body). A target whose URL rule is not in
the app yet (a surface still being built) is skipped, so the table can list it ahead of time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from flask import Flask

RAW_SAFE = (
    "%&=+;/?:@,$!*'()"  # kept as sent in the raw variants: the payload writes its own escapes
)


@dataclass(frozen=True)
class Probe:
    """One request, as a client would put it on the wire (the query string already encoded)."""

    method: str
    path: str
    query: str = ""
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    content_length: str | None = None  # sent instead of the body's true length (a lie, or garbage)

    def reproducer(self) -> str:
        """The request as Python a person can paste into the test client to see it again."""
        lines = [
            f"client.open({self.path!r}, method={self.method!r}, query_string={self.query!r},",
            f"            headers={list(self.headers)!r}, data={self.body!r}",
        ]
        if self.content_length is not None:
            lines.append(
                f"            environ_overrides={{'CONTENT_LENGTH': {self.content_length!r}}}"
            )
        return "\n".join(lines) + ")"

    def raw(self) -> bytes:
        """Everything the client sent, for telling an echo of the input from a leak of ours."""
        parts = [self.path, self.query, *(v for _, v in self.headers)]
        return "\n".join(parts).encode("utf-8", "surrogatepass") + b"\n" + (self.body or b"")


@dataclass(frozen=True)
class Target:
    """A surface of the app: the URL rule it needs, and how a variant and a payload become a request."""

    name: str
    rule: str
    build: Callable[[int, bytes], Probe]


def send(client, probe: Probe):
    """(response, seconds) for one probe through the Flask test client."""
    overrides = {"CONTENT_LENGTH": probe.content_length} if probe.content_length is not None else {}
    started = time.monotonic()
    response = client.open(
        probe.path,
        method=probe.method,
        query_string=probe.query,
        headers=list(probe.headers),
        data=probe.body,
        environ_overrides=overrides,
    )
    body = response.get_data()  # a streamed answer is produced here, so its time counts
    response.close()
    return response, body, time.monotonic() - started


def available(app: Flask) -> set[str]:
    """Names of the targets whose URL rule the app has."""
    rules = [r.rule for r in app.url_map.iter_rules()]
    return {
        t.name for t in TARGETS if any(r == t.rule or r.startswith(t.rule + "/") for r in rules)
    }


def _pick(options, n: int):
    return options[n % len(options)]


def _value(payload: bytes, raw: bool) -> str:
    """The payload as a URL parameter value: fully escaped, or (raw) with its own escapes and separators kept."""
    return quote(payload, safe=RAW_SAFE if raw else "")


# ---------------------------------------------------------------- the targets

SPARQL_METHODS = ["GET", "GET", "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"]
SPARQL_EXTRAS = [
    "",
    "",
    "&format=json",
    "&format=csv",
    "&format=TTL",
    "&format=nonsense",
    "&format=",
    "&default-graph-uri=https%3A%2F%2Fdata.sipac.gov.cn%2Fdata%2Fregistry",
    "&named-graph-uri=not%20an%20iri",
    "&default-graph-uri=",
    "&query=ASK%7B%7D",
    "&update=CLEAR%20ALL",
    "&using-graph-uri=x",
    "&format=json&format=xml",
]
DIRECT_TYPES = [
    "application/sparql-query",
    "application/sparql-query",
    "application/sparql-update",
    "text/plain",
    "application/json",
    "application/x-www-form-urlencoded",
    "",
]


def sparql_get(v: int, p: bytes) -> Probe:
    query = "query=" + _value(p, bool(v >> 4 & 1)) + _pick(SPARQL_EXTRAS, v >> 5)
    return Probe(_pick(SPARQL_METHODS, v), _pick(["/sparql", "/sparql/"], v >> 3), query)


def sparql_form(v: int, p: bytes) -> Probe:
    field = _pick(["query", "query", "update"], v)
    if v >> 2 & 1:  # multipart, the other form encoding the protocol allows
        body = (
            b'--fz\r\nContent-Disposition: form-data; name="'
            + field.encode()
            + b'"\r\n\r\n'
            + p
            + b"\r\n--fz--\r\n"
        )
        return Probe(
            "POST",
            "/sparql",
            body=body,
            headers=(("Content-Type", "multipart/form-data; boundary=fz"),),
        )
    body = f"{field}={_value(p, bool(v >> 3 & 1))}{_pick(SPARQL_EXTRAS, v >> 4)}".encode()
    return Probe(
        "POST",
        "/sparql",
        body=body,
        headers=(("Content-Type", "application/x-www-form-urlencoded"),),
    )


def sparql_direct(v: int, p: bytes) -> Probe:
    kind = _pick(DIRECT_TYPES, v)
    query = _pick(["", "", "format=json", "query=ASK%7B%7D", "default-graph-uri=urn%3Ax"], v >> 3)
    return Probe("POST", "/sparql", query, p, (("Content-Type", kind),) if kind else ())


def graph_store(v: int, p: bytes) -> Probe:
    method = _pick(["GET", "HEAD", "PUT", "POST", "DELETE"], v)
    query = _pick(
        [
            "graph=" + _value(p, False),
            "default",
            "default&graph=" + _value(p, True),
            _value(p, True),
        ],
        v >> 3,
    )
    body = p if method in ("PUT", "POST") else None
    return Probe(
        method,
        "/store",
        query,
        body,
        (("Content-Type", "text/turtle"),) if body is not None else (),
    )


def search(v: int, p: bytes) -> Probe:
    path = _pick(["/search", "/search.json"], v)
    query = _pick(
        [
            "q=" + _value(p, False),
            "q=" + _value(p, True),
            _value(p, True),
            "q=" + _value(p, False) + "&lang=en",
        ],
        v >> 1,
    )
    return Probe("GET", path, query)


LINKED_PREFIXES = [
    "/id/",
    "/doc/",
    "/def/",
    "/doc/org/",
    "/doc/doc/",
    "/kind/",
    "/review/",
    "/doc/doc/b8b52a2e8e474372/sentence/",
    "/def/sip/",
    "/id/org/",
]
SUFFIXES = ["", "", ".json", ".ttl", ".jsonld", ".nt", ".rdf", ".html"]


def linked_data(v: int, p: bytes) -> Probe:
    rest = quote(p, safe="/%" if v >> 4 & 1 else "")
    return Probe(
        _pick(["GET", "GET", "HEAD"], v >> 5),
        _pick(LINKED_PREFIXES, v) + rest + _pick(SUFFIXES, v >> 7),
    )


DOWNLOADS = ["/download/latest/", "/download/", "/download/latest/sipkg", "/download.json?"]


def download(v: int, p: bytes) -> Probe:
    """The dumps: /download/latest/{ext}, /download/{version}/{name}, and the listing's parameters."""
    where = _pick(DOWNLOADS, v >> 2)
    if where.endswith("?"):
        return Probe("GET", where[:-1], _value(p, True))
    return Probe(_pick(["GET", "HEAD"], v >> 1), where + quote(p, safe="/%." if v & 1 else ""))


PAGES = [
    "/",
    "/index.json",
    "/explore",
    "/explore.json",
    "/explore/path",
    "/explore/path.json",
    "/timeline",
    "/timeline.json",
    "/statistics",
    "/statistics.json",
    "/practices",
    "/practices.json",
    "/review",
    "/review.json",
    "/kind/org",
    "/kind/programme.json",
    "/doc/org/sip-administrative-committee",
    "/doc/org/sip-administrative-committee.json",
    "/search",
    "/sparql/examples.json",
    "/doc/doc/f193373a2751c50a",
    "/review/f193373a2751c50a",
    "/download",
    "/download.json",
    "/void",
    "/void.ttl",
    "/.well-known/void",
    "/def",
    "/def.json",
    "/def/context.jsonld",
]


def page_parameters(v: int, p: bytes) -> Probe:
    """A page with the payload as its whole query string: lang, page, rel, q, depth, … as the fuzzer writes them."""
    return Probe("GET", _pick(PAGES, v), _value(p, True))


DEPTHS = ["", "1", "2", "3", "0", "-1", "99999999999999999999", "1.5", "%EF%BC%91", "abc"]


def explore(v: int, p: bytes) -> Probe:
    value = _value(p, bool(v >> 2 & 1))
    if v & 1:
        other = _pick(["%E7%AE%A1%E5%A7%94%E4%BC%9A", value, ""], v >> 3)
        return Probe(
            "GET",
            _pick(["/explore/path", "/explore/path.json"], v >> 1),
            f"from={value}&to={other}",
        )
    return Probe(
        "GET",
        _pick(["/explore", "/explore.json"], v >> 1),
        f"entity={value}&depth={_pick(DEPTHS, v >> 3)}",
    )


RECONCILE = [
    ("GET", "/reconcile", ""),
    ("GET", "/reconcile", "queries="),
    ("POST", "/reconcile", "queries="),
    ("POST", "/reconcile", "extend="),
    ("GET", "/reconcile", "extend="),
    ("GET", "/reconcile", "callback="),
    ("GET", "/reconcile/suggest/entity", "prefix="),
    ("GET", "/reconcile/suggest/type", "prefix="),
    ("GET", "/reconcile/suggest/property", "prefix="),
    ("GET", "/reconcile/preview", "id="),
    ("GET", "/reconcile/propose_properties", "type="),
    ("GET", "/reconcile/flyout/entity", "id="),
]


def reconcile(v: int, p: bytes) -> Probe:
    """The OpenRefine reconciliation API: the payload is the JSON (or text) a parameter carries."""
    method, path, param = _pick(RECONCILE, v)
    value = (param + _value(p, bool(v >> 4 & 1))) if param else _value(p, True)
    if method == "POST":
        return Probe(
            "POST",
            path,
            body=value.encode(),
            headers=(("Content-Type", "application/x-www-form-urlencoded"),),
        )
    return Probe("GET", path, value)


TARGETS: list[Target] = [
    Target("sparql-get", "/sparql", sparql_get),
    Target("sparql-form", "/sparql", sparql_form),
    Target("sparql-direct", "/sparql", sparql_direct),
    Target("store", "/store", graph_store),
    Target("search", "/search", search),
    Target("linked-data", "/doc", linked_data),
    Target("page-parameters", "/", page_parameters),
    Target("explore", "/explore", explore),
    Target("download", "/download", download),
    Target("reconcile", "/reconcile", reconcile),
]
BY_NAME = {t.name: t for t in TARGETS}

# ---------------------------------------------------------------- headers

ACCEPTS = [
    None,
    None,
    "*/*",
    "text/html",
    "application/json",
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/ld+json;q=0.9, application/rdf+xml;q=0.8",
    "application/n-triples",
    "text/html;q=0, */*;q=0.1",
    "text/html, application/xhtml+xml, */*;q=0.8",
    "application/json;q=abc",
    "image/png",
    "text/*;charset=utf-8",
    ",,;;,",
    "*/*;q=0",
    "x" * 4000,
    "text/\u00e9",
    "application/sparql-results+json;q=1.5, text/plain;q=-1",
]
CHARSETS = [
    "",
    "",
    "; charset=utf-8",
    "; charset=UTF8",
    "; charset=latin-1",
    "; charset=utf-16",
    "; charset=",
    '; charset="utf-8"',
    ";;;",
    "; boundary=",
    "; charset=utf-8; charset=ascii",
]
ETAGS = [
    None,
    None,
    None,
    "*",
    'W/"x"',
    '"',
    "W/",
    'W/"0-0", *',
    "garbage",
    '""',
    'W/"' + "9" * 300 + '"',
]
ORIGINS = [None, None, "https://example.org", "null", "http://127.0.0.1:1", "\u00ff\u00fe"]
LENGTHS = [None, None, None, "0", "1", "-1", "abc", "99999999999", "short", "long"]


@dataclass(frozen=True)
class Headers:
    """Picks from the header tables (indices; any int, taken modulo the table's length)."""

    accept: int = 0
    charset: int = 0
    etag: int = 0
    origin: int = 0
    length: int = 0


def probe(target: Target, variant: int, headers: Headers, payload: bytes) -> Probe:
    """The target's request for this variant and payload, with the chosen headers added."""
    base = target.build(variant, payload)
    sent = dict(base.headers)
    if "Content-Type" in sent:
        sent["Content-Type"] += _pick(CHARSETS, headers.charset)
    for name, table, n in (
        ("Accept", ACCEPTS, headers.accept),
        ("If-None-Match", ETAGS, headers.etag),
        ("Origin", ORIGINS, headers.origin),
    ):
        value = _pick(table, n)
        if value is not None:
            sent[name] = value
    length = _pick(LENGTHS, headers.length)
    size = len(base.body or b"")
    length = {"short": str(max(size - 1, 0)), "long": str(size + 7)}.get(length, length)
    return Probe(base.method, base.path, base.query, base.body, tuple(sent.items()), length)
