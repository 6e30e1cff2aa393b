"""The remote backend: the same queries, answers and limits from any external SPARQL 1.1 store.

Queries go to the store's query endpoint (SPARQL 1.1 Protocol); `push` writes a build there
through its Graph Store Protocol endpoint. A store's own default graph is not ours: Virtuoso's
holds its system graphs and repeats a triple once for every graph that states it. So a push
also writes the merge of our graphs (a set, like the embedded store's default graph) as UNION_GRAPH,
and records the version and our graph names in BUILD_GRAPH; a query that names no dataset of its own
is then run on exactly that dataset: default graph UNION_GRAPH, named graphs ours.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

import pyoxigraph as ox

from sipkg.namespaces import BUILD_GRAPH, DCT_NS, OWL_NS, UNION_GRAPH, XSD_NS
from sipkg.store import results
from sipkg.store.query import QueryResult, QuerySyntaxError, QueryTimeout, StoreError
from sipkg.store.results import Answer
from sipkg.store.sparqltext import graph_targets, query_form, tokens

VERSION_TTL = 5.0  # seconds the pushed version is trusted before the store is asked again
VERSION_TIMEOUT = 10.0  # seconds the store may take to say which version it holds
GRACE = 1.0  # seconds the HTTP exchange may outlast the time-out, so that the store's own stop reports it
IRI = re.compile(r'[^<>"{}|^`\\\x00-\x20]+')  # what may stand between < and > in SPARQL
MESSAGE_CHARS = 2000  # of a store's error message passed on

SOLUTIONS = "application/sparql-results+json"  # asked for SELECT and ASK
TRIPLES = "application/n-triples"  # asked for CONSTRUCT and DESCRIBE
RDF_MEDIA = {
    TRIPLES: ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
JSON_MEDIA = (SOLUTIONS, "application/json")
RESULT_MEDIA = {
    **dict.fromkeys(JSON_MEDIA, ox.QueryResultsFormat.JSON),
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}

VERSION_QUERY = f"""SELECT ?version ?graph WHERE {{
  GRAPH <{BUILD_GRAPH}> {{ <{BUILD_GRAPH}> <{OWL_NS}versionInfo> ?version . OPTIONAL {{ <{BUILD_GRAPH}> <{DCT_NS}hasPart> ?graph }} }}
}}"""


# ------------------------------------------------------------------ reading the query text


def names_dataset(query: str) -> bool:
    """Whether the query has FROM or FROM NAMED clauses (then it chooses its own dataset)."""
    return any(kind == "word" and value.upper() == "FROM" for kind, value in tokens(query))


def reachable(query: str, graphs: tuple[str, ...]) -> list[str]:
    """The named graphs of ours a query can reach: those its GRAPH clauses name, or all of them
    when one names a variable. Each named graph sent costs the store time to plan with (Virtuoso:
    ~0.15 ms a graph, on every query, against a few ms for the query itself at 10^6 quads with 385
    graphs), and a graph the query does not name cannot change its answer."""
    named = graph_targets(query)
    if None in named:
        return list(graphs)
    ours = set(graphs)
    return [g for g in dict.fromkeys(named) if g in ours]


# ------------------------------------------------------------------ HTTP


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def media(self) -> str:
        return self.headers.get_content_type()

    def message(self) -> str:
        """The store's error text, without the copy of the query Virtuoso appends."""
        text = self.body.decode("utf-8", errors="replace").split("\n\nSPARQL query:")[0].strip()
        return text[:MESSAGE_CHARS] or f"HTTP {self.status}"


class DigestUpFront(urllib.request.HTTPDigestAuthHandler):
    """HTTP Digest that answers the store's last challenge in advance.

    urllib sends a request without credentials first and resends it after the 401; a store that
    closes the connection on that 401 (Virtuoso does) cuts a large upload off with a broken pipe.
    So the challenge of the first small exchange is kept and answered up front on the next ones.
    """

    challenge: dict | None = None

    def retry_http_digest_auth(self, req, auth):
        self.challenge = urllib.request.parse_keqv_list(
            filter(None, urllib.request.parse_http_list(auth.split(" ", 1)[1]))
        )
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req):
        if self.challenge is not None and not req.has_header(self.auth_header):
            auth = self.get_authorization(req, self.challenge)
            if auth:
                req.add_unredirected_header(self.auth_header, f"Digest {auth}")
        return req

    https_request = http_request


class Http:
    """Requests to one store, with its credentials (HTTP Digest or Basic, whichever it asks for)."""

    def __init__(self, user: str | None = None, password: str | None = None):
        self._user, self._password = user, password or ""
        self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        handlers = (
            [DigestUpFront(self._passwords), urllib.request.HTTPBasicAuthHandler(self._passwords)]
            if user is not None
            else []
        )
        self._opener = urllib.request.build_opener(*handlers)

    def send(
        self,
        method: str,
        url: str,
        *,
        timeout: float,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """One exchange, all of it within `timeout` seconds; any HTTP status is a Reply, not an error.

        Raises StoreError when the store cannot be reached, TimeoutError when it answers too slowly.
        """
        deadline = time.monotonic() + timeout
        if self._user is not None:
            self._passwords.add_password(None, url, self._user, self._password)
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            try:
                response = self._opener.open(request, timeout=timeout)
            except urllib.error.HTTPError as e:
                if e.fp is None:  # urllib gave up on the credentials before reading a body
                    return Reply(e.code, e.headers, b"")
                response = e
            with response:
                chunks = []
                while chunk := response.read(1 << 16):
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{url} answered for longer than {timeout:g} s")
                return Reply(response.status, response.headers, b"".join(chunks))
        except urllib.error.URLError as e:
            raise StoreError(
                f"cannot reach the SPARQL store at {url.split('?')[0]}: {e.reason}; "
                "check that it is running and that the URL is right"
            ) from None
        except TimeoutError:
            raise
        except OSError as e:
            raise StoreError(
                f"the exchange with the SPARQL store at {url.split('?')[0]} broke off: {e}"
            ) from None


def allow_headers(count: int) -> None:
    """Let an answer carry `count` header lines (Python's http.client refuses more than 100).

    Virtuoso repeats each named-graph-uri of a query as an X-SPARQL-named-graph header, and our
    queries name every graph of the build: one per source document, so a build of more than about
    100 documents got no answer at all. The store is ours to choose, so its headers are trusted.
    """
    http.client._MAXHEADERS = max(http.client._MAXHEADERS, count)


def _check(reply: Reply, url: str, action: str) -> None:
    """A StoreError for a status that is the store's or our configuration's problem, saying what to do."""
    if reply.status in (401, 403):
        raise StoreError(
            f"the store at {url} refused to {action} (HTTP {reply.status}): check the user and "
            f"password, and that the user may {action} there"
        )
    if reply.status == 404:
        raise StoreError(f"nothing at {url} (HTTP 404): check the URL of the store's endpoint")
    if reply.status >= 300:
        raise StoreError(
            f"the store at {url} failed to {action} (HTTP {reply.status}): {reply.message()}"
        )


def parse_graph(reply: Reply, url: str) -> list[ox.Triple]:
    """The triples of an RDF body, in whichever of the usual syntaxes the store chose."""
    if reply.media not in RDF_MEDIA:
        raise StoreError(
            f"the store at {url} answered in {reply.media}, not an RDF syntax sipkg reads"
        )
    try:
        return [q.triple for q in ox.parse(reply.body, format=RDF_MEDIA[reply.media])]
    except SyntaxError as e:
        raise StoreError(
            f"the store at {url} sent {reply.media} that does not parse: {e}"
        ) from None


# ------------------------------------------------------------------ queries


@dataclass(frozen=True)
class Pushed:
    """What BUILD_GRAPH says: the version pushed and the names of our graphs."""

    version: str
    graphs: tuple[str, ...]


class RemoteBackend:
    """Answers the endpoint and the pages from an external store that `push` has filled."""

    def __init__(
        self,
        endpoint: str,
        *,
        gsp: str | None = None,
        user: str | None = None,
        password: str | None = None,
    ):
        self.endpoint = endpoint
        self.gsp = gsp
        self.user, self.password = user, password
        self._http = Http(user, password)
        self._lock = threading.Lock()
        self._pushed: tuple[float, Pushed] | None = None

    @property
    def version(self) -> str:
        return self.pushed().version

    def pushed(self) -> Pushed:
        """The version and graphs recorded by the last push (asked again after VERSION_TTL seconds)."""
        with self._lock:
            if self._pushed and time.monotonic() - self._pushed[0] < VERSION_TTL:
                return self._pushed[1]
        reply = self._query(VERSION_QUERY, [], [], SOLUTIONS, timeout=VERSION_TIMEOUT)
        rows = results.rows_of(self._parse(reply))
        if not rows:
            raise StoreError(
                f"the store at {self.endpoint} holds no sipkg build: push one with "
                f"`sipkg push --endpoint {self.endpoint} --gsp URL`"
            )
        pushed = Pushed(
            rows[0]["version"].value,
            tuple(sorted({r["graph"].value for r in rows if "graph" in r})),
        )
        allow_headers(len(pushed.graphs) + 100)
        with self._lock:
            self._pushed = (time.monotonic(), pushed)
        return pushed

    def close(self) -> None:
        """Nothing to stop: every request opens and closes its own connection."""

    def execute(
        self,
        query: str,
        *,
        default_graphs=(),
        named_graphs=(),
        media: str,
        limit: int,
        timeout: float,
        base_iri: str | None = None,
    ) -> Answer:
        """Run a query on the store and write its answer as `media`, at most `limit` rows.

        Relative IRIs in the query resolve against base_iri (our endpoint's address), not the store's.
        """
        form = query_form(query)
        if form is None:
            raise QuerySyntaxError(
                "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE"
            )
        if not default_graphs and not named_graphs and not names_dataset(query):
            default_graphs, named_graphs = [UNION_GRAPH], reachable(query, self.pushed().graphs)
        if base_iri and IRI.fullmatch(base_iri):
            query = f"BASE <{base_iri}> {query}"  # same line: the store's line numbers stay the client's
        accept = TRIPLES if form in ("CONSTRUCT", "DESCRIBE") else SOLUTIONS
        reply = self._query(query, list(default_graphs), list(named_graphs), accept, timeout)
        if "X-SPARQL-MaxRows" in reply.headers:
            # Virtuoso cut the results at its ResultSetMaxRows and sent exactly that many: keep one
            # fewer, so that the answer is flagged as truncated like one cut by our own limit
            limit = min(limit, int(reply.headers["X-SPARQL-MaxRows"]) - 1)
        try:
            return results.answer(self._parse(reply), media, limit)
        except SyntaxError as e:  # results are read lazily: a bad term shows only now
            raise StoreError(
                f"the store at {self.endpoint} sent results that do not parse: {e}"
            ) from None

    def _query(
        self,
        query: str,
        default_graphs: list[str],
        named_graphs: list[str],
        accept: str,
        timeout: float,
    ) -> Reply:
        form = [
            ("query", query),
            *(("default-graph-uri", g) for g in default_graphs),
            *(("named-graph-uri", g) for g in named_graphs),
            ("timeout", str(max(1, round(timeout * 1000)))),
        ]  # Virtuoso stops the query itself (ms)
        try:
            reply = self._http.send(
                "POST",
                self.endpoint,
                timeout=timeout + GRACE,
                body=urllib.parse.urlencode(form).encode(),
                headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            )
        except TimeoutError:
            raise QueryTimeout(f"the query ran past the time-out of {timeout:g} s") from None
        if reply.headers.get("X-SQL-State", "").startswith("S1T"):
            # Virtuoso stopped the query at the time-out and sent what it had found so far
            raise QueryTimeout(
                f"the query ran past the time-out of {timeout:g} s; the store stopped it "
                f"({reply.headers.get('X-SQL-Message', '').strip()})"
            )
        if _too_long(reply):
            raise QueryTimeout(
                f"the store expects the query to run too long and stopped it ({reply.message()})"
            )
        if reply.status == 400:
            raise QuerySyntaxError(reply.message())
        _check(reply, self.endpoint, "answer queries")
        return reply

    def _parse(self, reply: Reply):
        """The reply as pyoxigraph results (solutions, boolean) or a list of triples."""
        if reply.media not in RESULT_MEDIA:
            return parse_graph(reply, self.endpoint)
        body = relabel_blank_nodes(reply.body) if reply.media in JSON_MEDIA else reply.body
        try:
            return ox.parse_query_results(body, format=RESULT_MEDIA[reply.media])
        except SyntaxError as e:
            raise StoreError(
                f"the store at {self.endpoint} sent results that do not parse: {e}"
            ) from None

    def push(self, dump: Path, *, version: str) -> dict:
        """Push a build's dump to this store's Graph Store Protocol endpoint (see `push`)."""
        if not self.gsp:
            raise StoreError("pushing needs the store's Graph Store Protocol endpoint (--gsp)")
        report = push(dump, gsp=self.gsp, user=self.user, password=self.password, version=version)
        with self._lock:
            self._pushed = None
        return report


def relabel_blank_nodes(body: bytes) -> bytes:
    """SPARQL JSON with blank node labels a reader accepts: Virtuoso writes `nodeID://b10007`."""
    if b'"bnode"' not in body:
        return body
    doc = json.loads(body)
    for binding in doc.get("results", {}).get("bindings", []):
        for value in binding.values():
            if value.get("type") == "bnode":
                value["value"] = (
                    "b" + value["value"].encode().hex()
                )  # one label per label, all valid
    return json.dumps(doc).encode()


def _too_long(reply: Reply) -> bool:
    """A refusal or failure the store gives for a query too long to run (Virtuoso's cost estimate, SR171)."""
    if reply.status < 500:
        return False
    text = reply.message()
    return "estimated execution time" in text or "SR171" in text or "timed out" in text.lower()


# ------------------------------------------------------------------ push


PUSH_TIMEOUT = 300.0  # seconds one graph's upload may take


def push(dump: Path, *, gsp: str, user: str | None, password: str | None, version: str) -> dict:
    """Replace our named graphs in an external store with a build's N-Quads dump, then record the version.

    Each graph is sent whole with PUT (the protocol's replace), so pushing twice leaves the same
    triples; graphs an earlier push wrote that the dump no longer has are deleted. UNION_GRAPH and BUILD_GRAPH
    come last, so the version changes only once the data is there. Queries during a push may see
    some graphs old and some new: the protocol has no transaction across graphs.
    """
    graphs: dict[str, list[ox.Triple]] = {}
    try:
        for quad in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS):
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise StoreError(
                    f"{dump} has triples outside a named graph; a build's dump has none"
                )
            graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    except (OSError, SyntaxError) as e:
        raise StoreError(f"cannot read the dump {dump}: {e}") from None
    http = Http(user, password)
    earlier = _pushed_graphs(http, gsp)
    for name, triples in graphs.items():
        _put(http, gsp, name, triples)
    removed = sorted(set(earlier) - set(graphs))
    for name in removed:
        reply = http.send("DELETE", _graph_url(gsp, name), timeout=PUSH_TIMEOUT)
        if reply.status != 404:
            _check(reply, gsp, f"delete graph {name}")
    union = list(dict.fromkeys(t for triples in graphs.values() for t in triples))
    _put(http, gsp, UNION_GRAPH, union)
    _put(http, gsp, BUILD_GRAPH, build_record(version, sorted(graphs)))
    return {
        "gsp": gsp,
        "version": version,
        "graphs": {name: len(t) for name, t in sorted(graphs.items())},
        "union": len(union),
        "removed": removed,
    }


def default_gsp(endpoint: str) -> str:
    """Virtuoso's authenticated Graph Store endpoint beside its query endpoint `…/sparql`."""
    if not endpoint.rstrip("/").endswith("/sparql"):
        raise StoreError(
            f"cannot guess the Graph Store Protocol endpoint of {endpoint}: give it with --gsp"
        )
    return endpoint.rstrip("/") + "-graph-crud-auth"


def _graph_url(gsp: str, graph: str) -> str:
    return f"{gsp}{'&' if '?' in gsp else '?'}{urllib.parse.urlencode({'graph': graph})}"


def _put(http: Http, gsp: str, graph: str, triples: list[ox.Triple]) -> None:
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    reply = http.send(
        "PUT",
        _graph_url(gsp, graph),
        timeout=PUSH_TIMEOUT,
        body=body,
        headers={"Content-Type": TRIPLES},
    )
    _check(reply, gsp, f"replace graph {graph}")


def _pushed_graphs(http: Http, gsp: str) -> list[str]:
    """The graphs the last push recorded in BUILD_GRAPH (none if nothing was pushed yet)."""
    reply = http.send(
        "GET",
        _graph_url(gsp, BUILD_GRAPH),
        timeout=PUSH_TIMEOUT,
        headers={"Accept": f"{TRIPLES}, text/turtle;q=0.9"},
    )
    if reply.status == 404:
        return []
    _check(reply, gsp, f"read graph {BUILD_GRAPH}")
    return [
        t.object.value for t in parse_graph(reply, gsp) if t.predicate.value == f"{DCT_NS}hasPart"
    ]


def build_record(version: str, graphs: list[str]) -> list[ox.Triple]:
    """The triples that say which build an external store holds: its version, when, and its graphs."""
    build = ox.NamedNode(BUILD_GRAPH)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return [
        ox.Triple(build, ox.NamedNode(f"{OWL_NS}versionInfo"), ox.Literal(version)),
        ox.Triple(
            build,
            ox.NamedNode(f"{DCT_NS}modified"),
            ox.Literal(now, datatype=ox.NamedNode(f"{XSD_NS}dateTime")),
        ),
        *(ox.Triple(build, ox.NamedNode(f"{DCT_NS}hasPart"), ox.NamedNode(g)) for g in graphs),
    ]


def ask_endpoint(endpoint: str, sparql: str, timeout: float = 60) -> QueryResult:
    """Run a query on any SPARQL 1.1 endpoint through SPARQLWrapper (for `sipkg query --endpoint`)."""
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

    graph = query_form(sparql) in ("CONSTRUCT", "DESCRIBE")
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setTimeout(int(timeout))
    client.setQuery(sparql)
    client.setReturnFormat(TURTLE if graph else JSON)
    raw = client.query().response.read()
    if graph:
        return QueryResult("graph", list(ox.parse(raw, format=ox.RdfFormat.TURTLE)))
    parsed = ox.parse_query_results(raw, format=ox.QueryResultsFormat.JSON)
    return QueryResult("boolean" if isinstance(parsed, ox.QueryBoolean) else "solutions", parsed)
