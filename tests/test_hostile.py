"""Hostile input: each attempt is refused with a clear 4xx or rendered inert, and the server keeps answering.

Queries that reach for files or the network; requests built to exhaust memory or a parser's stack;
URL values built to break out of the SPARQL a page writes; labels and documents carrying HTML and
JavaScript; paths that climb out of the folders the server reads.
"""

from __future__ import annotations

import io
import re
import shutil
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import psutil
import pytest
import yaml
from livesite import serve

from sipkg.build.stages import PROJECT, Paths, build
from sipkg.namespaces import ID
from sipkg.store import builds, results
from sipkg.store.remote import push
from sipkg.store.sparqltext import MAX_NESTING, is_iri, nesting_depth
from sipkg.web import create_app

JSON = {"Accept": results.JSON}
HOSTILE = PROJECT / "tests" / "fixtures" / "hostile"


# ------------------------------------------------------------------ a socket that must hear nothing


class Listener:
    """A TCP socket on 127.0.0.1 that records every connection made to it."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.heard: list[bytes] = []
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.heard.append(conn.recv(300) or b"(connected)")
                except OSError:
                    self.heard.append(b"(connected)")

    def quiet_for(self, seconds: float = 0.5) -> bool:
        time.sleep(seconds)  # a request sent while answering would have arrived by now
        return not self.heard

    def close(self) -> None:
        self.running = False
        self.thread.join(2)
        self.sock.close()


@pytest.fixture()
def listener():
    heard = Listener()
    yield heard
    heard.close()


def query(client, text: str, **params):
    return client.get("/sparql", query_string={"query": text, **params}, headers=JSON)


def rows(response) -> list[dict]:
    return results.rows_of(results.parse(response.data, results.JSON))


# ------------------------------------------------------------------ reading files, reaching the network

REACHING_OUT = [  # (what it tries, query with {here} for the listener's address)
    ("SERVICE to the listener", "SELECT * { SERVICE <http://{here}/sparql> { ?s ?p ?o } }"),
    ("SERVICE SILENT", "SELECT * { SERVICE SILENT <http://{here}/sparql> { ?s ?p ?o } }"),
    ("SERVICE in lower case", "select * { service <http://{here}/> { ?s ?p ?o } }"),
    ("SERVICE in mixed case", "SeLeCt * { sErViCe <http://{here}/> { ?s ?p ?o } }"),
    (
        "a comment between SERVICE and its IRI",
        "SELECT * { SERVICE # hidden\n <http://{here}/> { ?s ?p ?o } }",
    ),
    (
        "SERVICE spelt with \\u escapes",
        r"SELECT * { \u0053\u0045RVICE <http://{here}/> { ?s ?p ?o } }",
    ),
    ("the IRI spelt with \\u escapes", r"SELECT * { SERVICE <\u0068ttp://{here}/> { ?s ?p ?o } }"),
    (
        "the IRI as a prefixed name",
        "PREFIX h: <http://{here}/> SELECT * { SERVICE h:sparql { ?s ?p ?o } }",
    ),
    (
        "the IRI relative to BASE",
        "BASE <http://{here}/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
    ),
    ("an IRI with unicode", "SELECT * { SERVICE <http://{here}/数据/é> { ?s ?p ?o } }"),
    (
        "SERVICE given by a variable",
        "SELECT * { BIND(<http://{here}/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    ),
    ("SERVICE to a file", "SELECT * { SERVICE <file:///etc/passwd> { ?s ?p ?o } }"),
    ("SERVICE with no space", "SELECT*{SERVICE<http://{here}/>{?s ?p ?o}}"),
    ("LOAD a file", "LOAD <file:///etc/passwd>"),
    (
        "LOAD from the network",
        "LOAD SILENT <http://{here}/data.ttl> INTO GRAPH <http://g.example/>",
    ),
    (
        "a Virtuoso DEFINE that fetches FROM",
        'DEFINE get:soft "replace" SELECT * FROM <http://{here}/> { ?s ?p ?o }',
    ),
    (
        "a Virtuoso DEFINE in lower case",
        'define input:grab-all "yes" SELECT * { <http://{here}/> ?p ?o }',
    ),
]


@pytest.mark.parametrize("what, text", REACHING_OUT, ids=[w for w, _ in REACHING_OUT])
def test_a_query_that_reaches_out_is_refused_and_sends_nothing(client, listener, what, text):
    r = query(client, text.replace("{here}", f"127.0.0.1:{listener.port}"))
    assert r.status_code == 403, r.get_data(as_text=True)
    assert re.search(r"SERVICE|LOAD|DEFINE", r.get_data(as_text=True))
    assert listener.quiet_for(0.2), listener.heard


def test_an_update_that_loads_a_file_is_refused(client):
    r = client.post(
        "/sparql", data="LOAD <file:///etc/passwd>", content_type="application/sparql-update"
    )
    assert r.status_code == 403
    assert "root:" not in r.get_data(as_text=True)


@pytest.mark.parametrize(
    "text, params",
    [
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", {}),
        ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", {}),
        ("SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": "file:///etc/passwd"}),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", {"named-graph-uri": "file:///etc/passwd"}),
    ],
    ids=["FROM", "FROM NAMED", "default-graph-uri", "named-graph-uri"],
)
def test_a_file_named_as_a_graph_is_an_empty_graph_not_the_file(client, text, params):
    r = query(client, text, **params)
    assert r.status_code == 200
    assert rows(r) == []
    assert b"root:" not in r.data


@pytest.mark.parametrize(
    "text, params",
    [
        ("SELECT * FROM <http://{here}/g> WHERE { ?s ?p ?o }", {}),
        ("SELECT * FROM NAMED <http://{here}/g> WHERE { GRAPH ?g { ?s ?p ?o } }", {}),
        ("SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": "http://{here}/g"}),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", {"named-graph-uri": "http://{here}/g"}),
    ],
    ids=["FROM", "FROM NAMED", "default-graph-uri", "named-graph-uri"],
)
def test_a_graph_named_by_a_url_is_never_fetched(client, listener, text, params):
    here = f"127.0.0.1:{listener.port}"
    r = query(
        client,
        text.replace("{here}", here),
        **{k: v.replace("{here}", here) for k, v in params.items()},
    )
    assert r.status_code == 200
    assert rows(r) == []
    assert listener.quiet_for(), listener.heard


@pytest.mark.integration
def test_the_remote_store_fetches_no_graph_named_by_a_url(virtuoso, paths, listener):
    info = builds.current(paths.store)
    push(
        info.path / "dumps" / "sipkg.nq",
        gsp=virtuoso.gsp,
        user=virtuoso.user,
        password=virtuoso.password,
        version=info.version,
    )
    app = create_app({"ENDPOINT": virtuoso.sparql, "TESTING": True})
    client, here = app.test_client(), f"http://127.0.0.1:{listener.port}/g"
    assert query(client, f"SELECT * FROM <{here}> WHERE {{ ?s ?p ?o }}").status_code == 200
    assert (
        query(client, "SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": here}).status_code
        == 200
    )
    assert (
        query(
            client, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": here}
        ).status_code
        == 200
    )
    assert (
        query(
            client, f'DEFINE get:soft "replace" SELECT * FROM <{here}> {{ ?s ?p ?o }}'
        ).status_code
        == 403
    )
    assert query(client, f"SELECT * {{ SERVICE <{here}> {{ ?s ?p ?o }} }}").status_code == 403
    assert listener.quiet_for(1.0), listener.heard


# ------------------------------------------------------------------ exhausting memory or the parser's stack


@pytest.mark.parametrize(
    "text, depth",
    [
        ("SELECT * { ?s ?p ?o }", 1),
        ("SELECT * { { ?s ?p ?o } FILTER((?o > 1)) }", 3),
        ("SELECT * { ?s ?p [ ?q [ ?r ?o ] ] }", 3),
        ('SELECT * { ?s ?p "{{{{((((" }  # {{{{{{{{', 1),
        ("SELECT * { ?s ?p '''{{{\n{{{''' }", 1),
        ("SELECT * { ?s ?p <http://x.example/a(b)c> }", 1),
        (r"SELECT * \u007B\u007B ?s ?p ?o } }", 2),
        ("{" * 10_000, 10_000),
    ],
)
def test_nesting_depth_counts_brackets_outside_strings_iris_and_comments(text, depth):
    assert nesting_depth(text) == depth


@pytest.mark.parametrize(
    "text, ok",
    [
        ("https://data.sipac.gov.cn/id/org/sip-administrative-committee", True),
        ("https://data.sipac.gov.cn/def/数据#类", True),
        ("http://x.example/a%3Eb", True),
        ("http://x.example/a>b", False),
        ('http://x.example/a"b', False),
        ("http://x.example/a}b", False),
        ("http://x.example/a b", False),
        ("http://x.example/a\nb", False),
        (r"http://x.example/a\u003E", False),
        ("relative/path", False),
        ("", False),
    ],
)
def test_only_a_real_iri_may_stand_between_brackets_in_a_page_query(text, ok):
    assert is_iri(text) is ok


def nested(kind: str, depth: int) -> str:
    return {
        "groups": "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth,
        "parentheses": "SELECT * WHERE { FILTER(" + "(" * depth + "1" + ")" * depth + ") }",
        "subqueries": "SELECT * WHERE { "
        + "{ SELECT * WHERE " * depth
        + "{ ?s ?p ?o }"
        + " }" * depth
        + " }",
        "blank nodes": "SELECT * WHERE { ?s ?p " + "[ ?p " * depth + "?o" + " ]" * depth + " }",
    }[kind]


@pytest.mark.parametrize("kind", ["groups", "parentheses", "subqueries", "blank nodes"])
def test_nesting_ten_thousand_deep_is_refused_before_parsing(client, kind):
    r = client.post(
        "/sparql", data=nested(kind, 10_000), content_type="application/sparql-query", headers=JSON
    )
    assert r.status_code == 400
    assert f"at most {MAX_NESTING}" in r.get_data(as_text=True)


def test_nesting_within_the_limit_still_runs(client):
    r = client.post(
        "/sparql",
        data=nested("groups", MAX_NESTING) + " LIMIT 1",
        content_type="application/sparql-query",
        headers=JSON,
    )
    assert r.status_code == 200 and len(rows(r)) == 1


def test_a_deep_update_is_refused_before_it_reaches_the_writable_store(paths, tmp_path):
    app = create_app(
        {"STORE": paths.store, "WRITABLE": tmp_path / "w", "TOKEN": "t", "TESTING": True}
    )
    try:
        r = app.test_client().post(
            "/sparql",
            data="INSERT { <a:b> <a:c> 1 } WHERE " + "{" * 10_000 + "}" * 10_000,
            content_type="application/sparql-update",
            headers={"Authorization": "Bearer t"},
        )
        assert r.status_code == 400 and "nests" in r.get_data(as_text=True)
    finally:
        app.extensions["sipkg"].close()


@pytest.fixture(scope="module")
def server(paths):
    """A real server with one query process per thread and no per-client limits (these tests are one client)."""
    with serve(
        paths, "--timeout", "5", "--workers", "1", "--threads", "4", "--no-throttle", "--cache", "0"
    ) as base:
        yield base


def server_tree(base: str) -> list[psutil.Process]:
    port = urllib.parse.urlsplit(base).port
    for proc in psutil.process_iter(["cmdline"]):
        cmd = proc.info["cmdline"] or []
        if "serve" in cmd and "--port" in cmd and cmd[cmd.index("--port") + 1] == str(port):
            return [proc, *proc.children(recursive=True)]
    raise AssertionError(f"no server process for {base}")


def rss_mb(base: str) -> float:
    total = 0
    for p in server_tree(base):
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 2**20


def http(
    base: str, path: str, data: bytes | None = None, headers: dict | None = None
) -> tuple[int, str, float]:
    started = time.monotonic()
    req = urllib.request.Request(base + path, data=data, headers={**JSON, **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode(errors="replace"), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace"), time.monotonic() - started


def raw(
    base: str, request: bytes, *, then_close: bool = True, wait: float = 30
) -> tuple[int | None, float]:
    """Send bytes as they are (lying headers, chunks); the status the server answers, or None if it just closed."""
    parts = urllib.parse.urlsplit(base)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=wait) as s:
        try:
            s.sendall(request)
            if then_close:
                s.shutdown(socket.SHUT_WR)
        except OSError:  # the server answered and closed before taking it all (a 413 mid-body): read what it said
            pass
        reply = b""
        try:
            while b"\r\n" not in reply:
                chunk = s.recv(4096)
                if not chunk:
                    break
                reply += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    m = re.match(rb"HTTP/1\.[01] (\d{3})", reply)
    return (int(m.group(1)) if m else None), time.monotonic() - started


def still_answers(base: str) -> bool:
    status, body, _ = http(base, "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
    return status == 200 and "true" in body


def post_query(base: str, text: str) -> tuple[int, str, float]:
    return http(base, "/sparql", text.encode(), {"Content-Type": "application/sparql-query"})


LIMIT = 1_000_000  # the server's --max-body default


@pytest.mark.integration
def test_exhausting_requests_get_a_clear_answer_and_memory_stays_bounded(server):
    assert still_answers(server)
    before = rss_mb(server)
    values = (
        "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?x { "
        + " ".join(str(i) for i in range(140_000))
        + " } }"
    )
    assert len(values) < LIMIT
    outcomes = {
        "huge VALUES": post_query(server, values),
        "huge literal": post_query(
            server, 'ASK { FILTER(STRLEN("' + "a" * (LIMIT - 100) + '") > 0) }'
        ),
        "huge IRI": post_query(
            server, "ASK { <http://x.example/" + "a" * (LIMIT - 100) + "> ?p ?o }"
        ),
        "deep groups": post_query(server, nested("groups", 10_000)),
        "deep subqueries": post_query(server, nested("subqueries", 10_000)),
        "many parameters": http(
            server,
            "/sparql",
            ("&".join(f"p{i}=1" for i in range(60_000)) + "&query=ASK%7B%7D").encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        ),
        "body just over the limit": post_query(server, "ASK {}" + " " * (LIMIT - 5)),
        "a GET URL of 100 kB": http(server, "/sparql?query=" + "a" * 100_000),
    }
    expected = {
        "huge VALUES": {200},
        "huge literal": {200},
        "huge IRI": {200},
        "deep groups": {400},
        "deep subqueries": {400},
        "many parameters": {200, 400, 413},
        "body just over the limit": {413},
        "a GET URL of 100 kB": {400, 414},
    }
    for name, (status, body, seconds) in outcomes.items():
        assert status in expected[name], (name, status, body[:300])
        assert seconds < 30, (name, seconds)
    assert "140000" in outcomes["huge VALUES"][1]
    assert f"at most {LIMIT} bytes" in outcomes["body just over the limit"][1]
    assert still_answers(server)
    assert rss_mb(server) < before + 800, (
        before,
        rss_mb(server),
    )  # query processes may start; nothing runs away


@pytest.mark.integration
def test_chunked_bodies_are_read_up_to_the_limit_and_no_further(server):
    small = b"ASK { ?s ?p ?o }"
    chunked = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Accept: application/sparql-results+json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    status, _ = raw(server, chunked + b"%x\r\n%s\r\n0\r\n\r\n" % (len(small), small))
    assert status == 200
    block = b"#" * 65_536
    endless = (
        chunked + (b"%x\r\n%s\r\n" % (len(block), block)) * (2 * LIMIT // len(block)) + b"0\r\n\r\n"
    )
    status, seconds = raw(server, endless)
    assert status == 413 and seconds < 30  # not the first megabyte run as a query
    assert still_answers(server)


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/sparql-query", b"ASK {}" + b" " * 2 * LIMIT),
        ("application/x-www-form-urlencoded", b"query=ASK+%7B%7D&padding=" + b"x" * 2 * LIMIT),
    ],
)
def test_a_chunked_body_past_the_limit_is_refused_not_cut_short(client, content_type, body):
    """Werkzeug alone would hand the view the first megabyte, a query or form that was never sent."""

    def send(data: bytes):
        return client.post(
            "/sparql",
            input_stream=io.BytesIO(data),
            headers={"Content-Type": content_type, "Transfer-Encoding": "chunked", **JSON},
            environ_overrides={"wsgi.input_terminated": True},
        )  # what gunicorn says of a chunked body

    assert (
        send(body[:40] if content_type.endswith("query") else b"query=ASK+%7B%7D").status_code
        == 200
    )
    r = send(body)
    assert r.status_code == 413 and f"at most {LIMIT} bytes" in r.get_data(as_text=True)


HEAD = (
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    b"Accept: application/sparql-results+json\r\nConnection: close\r\n"
)


@pytest.mark.integration
def test_a_content_length_past_the_limit_is_refused_before_the_body(server):
    status, seconds = raw(
        server, HEAD + b"Content-Length: 1000000000000\r\n\r\nASK {}", then_close=False
    )
    assert status == 413 and seconds < 10


@pytest.mark.integration
def test_bodies_that_stop_arriving_end_with_408_and_free_the_server(server):
    """More stalled requests than the server has threads: each ends at the stall time-out, then all is well."""
    stalled = []
    for _ in range(6):  # the server has 4 threads
        s = socket.create_connection(
            (urllib.parse.urlsplit(server).hostname, urllib.parse.urlsplit(server).port)
        )
        s.sendall(HEAD + b"Content-Length: 5000\r\n\r\nASK {}")  # and then nothing more
        stalled.append(s)
    try:
        for s in stalled:
            s.settimeout(60)
            assert s.recv(100).startswith(b"HTTP/1.1 408")
    finally:
        for s in stalled:
            s.close()
    status, _, seconds = http(server, "/sparql?query=" + urllib.parse.quote("ASK {}"))
    assert status == 200 and seconds < 5


# ------------------------------------------------------------------ URL values in the SPARQL pages write

NASTY = [
    ">",
    '"',
    "}",
    "\n#",
    "x> ?p ?o } UNION { ?s ?p ?o",
    "' OR '1'='1",
    '" } UNION { ?s ?p ?o } #',
    "a>b",
    "\\u003E",
    "%3E",
    "http://x.example/a>b",
    "UNION",
    "<script>",
]


def urls_for(app, value: str) -> list[str]:
    """Every GET route of the app with each of its path variables and the usual parameters set to `value`."""
    quoted = urllib.parse.quote(value, safe="")
    params = urllib.parse.urlencode(
        {
            k: value
            for k in (
                "q",
                "entity",
                "from",
                "to",
                "depth",
                "page",
                "rel",
                "lang",
                "id",
                "prefix",
                "type",
                "limit",
                "cursor",
                "query",
            )
        }
    )
    found = []
    for rule in app.url_map.iter_rules():
        if (
            "GET" not in rule.methods
            or rule.endpoint == "static"
            or rule.rule.startswith("/sparql")
        ):
            continue
        path = re.sub(
            r"<any\(([^)]*)\):[^>]+>", lambda m: m.group(1).split(",")[0].strip(" '\""), rule.rule
        )
        path = re.sub(r"<[^>]+>", quoted, path)
        found += [path, f"{path}?{params}"]
    return found


@pytest.mark.parametrize("value", NASTY)
def test_no_page_fails_on_a_value_built_to_break_its_query(app, client, value):
    failures = []
    for url in urls_for(app, value):
        r = client.get(url)
        if r.status_code >= 500:
            failures.append((url, r.status_code, r.get_data(as_text=True)[:200]))
    assert not failures


@pytest.mark.parametrize(
    "path",
    [
        "/def/sip%23Organisation%3E%20%3Fp%20%3Fo%20.%20%3Fs%20%3Fp%20%3Fo%20%7D%20%23.json",
        "/def/sip%23Organisation%3E%20%3Fp%20%3Fo%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo.nt",
        "/doc/doc/x%3E%20%3Fp%20%3Fo%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%23/sentence/1.nt",
        "/def/sip%5Cu003E%20%3Fp%20%3Fo%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo.ttl",
    ],
)
def test_an_iri_that_closes_its_brackets_gets_nothing_from_elsewhere(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "Administrative Committee" not in r.get_data(as_text=True)


# ------------------------------------------------------------------ paths out of the served folders

TRAVERSALS = [
    "/doc/../../etc/passwd",
    "/doc/%2e%2e/%2e%2e/etc/passwd",
    "/doc/doc/..%2f..%2f..%2fetc%2fpasswd",
    "/doc/doc/..%5c..%5c..%5cetc%5cpasswd",
    "/doc/doc/%00",
    "/doc/doc/passwd%00.json",
    "/doc/doc/%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afpasswd",
    "/doc/doc/%252e%252e%252fetc%252fpasswd",
    "/static/../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%2f..%2f__init__.py",
    "/static/vendor/..%5c..%5c__init__.py",
    "/static/%2e%2e%2fbrowse.py",
    "/static/%252e%252e%252fbrowse.py",
    "/static//etc/passwd",
    "/static/%00",
    "/static/site.css%00.py",
    "/def/..%2f..%2f..%2fetc%2fpasswd",
    "/id/..%2f..%2fetc%2fpasswd",
    "/download/..%2f..%2f..%2fetc%2fpasswd",
    "/download/x/..%2f..%2f..%2fetc%2fpasswd",
    "/download/x/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/download/latest/..%2f..%2fetc%2fpasswd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_a_path_out_of_the_served_folders_is_not_found(client, path):
    r = client.get(path)
    body = r.get_data()
    assert r.status_code in (303, 308, 400, 404), (path, r.status_code)
    assert b"root:" not in body and b"from __future__" not in body


@pytest.mark.integration
@pytest.mark.parametrize(
    "path",
    [
        "/static/../../../../etc/passwd",
        "/doc/../../../../etc/passwd",
        "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/static/..\\..\\web\\__init__.py",
        "/download/" + "../" * 8 + "etc/passwd",
    ],
)
def test_a_real_server_serves_no_file_outside_for_an_unnormalised_path(server, path):
    parts = urllib.parse.urlsplit(server)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    assert re.match(rb"HTTP/1\.1 (400|404)", reply), reply[:200]
    assert b"root:" not in reply and b"from __future__" not in reply


# ------------------------------------------------------------------ stored HTML and JavaScript in the data


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Paths:
    """A build of the project's data plus tests/fixtures/hostile/ (labels, aliases, a document, curated facts)."""
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    shutil.copytree(PROJECT / "data", data)
    registry = yaml.safe_load((data / "registry.yaml").read_text(encoding="utf-8"))
    registry["entities"] += yaml.safe_load((HOSTILE / "entities.yaml").read_text(encoding="utf-8"))[
        "entities"
    ]
    (data / "registry.yaml").write_text(
        yaml.safe_dump(registry, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    with (data / "sources" / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write("\n" + (HOSTILE / "sources.yaml").read_text(encoding="utf-8"))
    shutil.copy(HOSTILE / "002_0bad0bad0bad0bad.txt", data / "sources")
    shutil.copy(HOSTILE / "curation.yaml", data / "curation" / "hostile.yaml")
    paths = Paths(data=data, home=root / "home")
    build(paths)
    return paths


AGENCY, PROGRAMME, DOC = "org/xss-agency", "programme/xss-programme", "0bad0bad0bad0bad"
HOSTILE_PAGES = [
    "/",
    "/kind/org",
    "/kind/programme",
    f"/doc/{AGENCY}",
    f"/doc/{PROGRAMME}",
    f"/doc/doc/{DOC}",
    "/search?q=恶意局",
    "/search?q=script",
    "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    f"/explore?entity={AGENCY}",
    f"/explore/path?from={AGENCY}&to=org/sip-administrative-committee",
    "/explore?entity=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/timeline",
    "/statistics",
    "/practices",
    "/review",
    f"/review/{DOC}",
    "/void",
    "/download",
    "/def",
    "/sparql?query=%3C%2Ftextarea%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
]
PAYLOAD = re.compile(
    r"<script>alert|<img src=x|<svg onload|</textarea><|<b onmouseover|<iframe|<style>\*",
    re.IGNORECASE,
)


class Markup(HTMLParser):
    """What in a page could run: inline scripts, event-handler attributes, javascript: URLs, frames."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            self.found.append("inline <script>")
        if tag in ("iframe", "object", "embed", "svg"):
            self.found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")


def runnable(html: str) -> list[str]:
    parser = Markup()
    parser.feed(html)
    return parser.found + PAYLOAD.findall(html)


@pytest.fixture(scope="module")
def hostile_client(hostile):
    app = create_app({"STORE": hostile.store, "TESTING": True})
    yield app.test_client()
    app.extensions["sipkg"].close()


def test_the_hostile_data_is_in_the_graph(hostile_client):
    """The payloads reached the pages as data: the checks below test escaping, not their absence."""
    entity = hostile_client.get(f"/doc/{AGENCY}.json").get_json()
    assert entity["label"] in (
        "<script>alert(1)</script>恶意局",
        '"><img src=x onerror=alert(2)>Hostile Agency',
    )
    assert "注释\u2028<b onmouseover=alert(5)>粗</b>" in entity["notes"]["zh-hans"]
    graph = hostile_client.get(f"/explore.json?entity={AGENCY}").get_json()
    assert any(
        "<script>" in n["label"]["text"] or "<img" in n["label"]["text"] for n in graph["nodes"]
    )
    assert AGENCY in hostile_client.get("/timeline.json").get_data(as_text=True)


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_a_page_shows_hostile_data_as_text(hostile_client, path):
    r = hostile_client.get(path, headers={"Accept": "text/html"})
    assert r.status_code in (200, 404), (path, r.status_code)
    assert r.mimetype == "text/html"
    assert runnable(r.get_data(as_text=True)) == []


@pytest.mark.parametrize("path", [p for p in HOSTILE_PAGES if not p.startswith("/sparql")])
def test_a_json_twin_carries_hostile_data_as_json_only(hostile_client, path):
    r = hostile_client.get(path, headers={"Accept": "application/json"})
    assert r.mimetype == "application/json", path
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in r.headers


@pytest.fixture(scope="module")
def hostile_server(hostile):
    with serve(hostile, "--no-throttle") as base:
        yield base


@pytest.mark.integration
def test_no_hostile_payload_runs_in_a_browser(page, hostile_server):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(
        "window.__ran = []; window.alert = (m) => { window.__ran.push(String(m)); };"
    )
    for path in HOSTILE_PAGES:
        page.goto(hostile_server + path, wait_until="networkidle")
        if path.startswith("/explore?entity=org"):
            page.wait_for_selector("#graph[data-ready='true']")
            page.evaluate(
                "id => document.getElementById('graph').cy.getElementById(id).emit('tap')",
                str(ID) + AGENCY,
            )
            assert "恶意局" in page.locator("#node-info").inner_text()
        assert page.evaluate("window.__ran") == [], path
    assert dialogs == []
