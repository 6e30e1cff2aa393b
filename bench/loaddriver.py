"""A load driver: N clients, each from its own loopback address, for a fixed time, on a weighted mix of what
users ask — competency queries in several formats, entity pages and their JSON twins, search, the explorer
and paths, timeline and statistics, static files. Every answer is checked for its kind, not only its status.

It reports throughput, latency percentiles (overall and per kind), errors by status, and the memory of the
whole server (gunicorn master, workers and query processes: RSS summed over the process tree) sampled every
second. Used by tests/test_load.py (bounded) and `make load`:

    python -m bench.loaddriver --clients 64 --seconds 120 [--home H] [--data D] [--report FILE]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil

from sipkg.namespaces import BASE
from sipkg.paths import PROJECT, Paths
from sipkg.store.sparqltext import query_form

sys.path.insert(0, str(PROJECT / "tests"))
from livesite import serve

STATIC = [
    "/static/site.css",
    "/static/explore.js",
    "/static/vendor/yasgui/yasgui.min.js",
    "/static/vendor/cytoscape/cytoscape.min.js",
]
FORMATS = {  # query form -> media types a client may ask for
    "SELECT": [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
    "ASK": ["application/sparql-results+json", "application/sparql-results+xml"],
    "CONSTRUCT": ["text/turtle", "application/n-triples", "application/ld+json"],
    "DESCRIBE": ["text/turtle", "application/n-triples"],
}
ENTITIES = f"""SELECT ?e (SAMPLE(?l) AS ?label) WHERE {{
  ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l
  FILTER(STRSTARTS(STR(?e), "{BASE}/id/") && langMatches(lang(?l), "zh"))
}} GROUP BY ?e ORDER BY ?e"""
WARM_UP = 0.25  # the first quarter of the run is warm-up: caches fill, query processes start
FLAT = 0.10  # memory is flat when the end is within 10 % of the level after warm-up


Check = Callable[
    [int, dict, bytes], "str | None"
]  # (status, headers, body) -> what is wrong, or None


@dataclass(frozen=True)
class Request:
    kind: str
    path: str
    headers: dict
    check: Check
    label: str = ""  # what a problem report names (a query's file); the kind if empty


def _json(body: bytes) -> dict:
    return json.loads(body.decode("utf-8"))


def expect(media: str, test: Callable[[bytes], bool], what: str) -> Check:
    """A check: 200, the media type asked for, and a test of the body."""

    def check(status: int, headers: dict, body: bytes) -> str | None:
        if status != 200:
            return f"status {status}: {body[:120].decode('utf-8', 'replace').splitlines()[0] if body else ''}"
        if not headers.get("content-type", "").startswith(media):
            return f"content type {headers.get('content-type')!r}, not {media}"
        try:
            return None if test(body) else what
        except (ValueError, KeyError, TypeError) as e:
            return f"{what}: {e}"

    return check


class Workload:
    """The weighted mix of requests, drawn from what the server holds (its entities) and queries/*.rq."""

    def __init__(self, entities: list[tuple[str, str]], queries: list[tuple[str, str]]):
        self.entities, self.queries = entities, queries
        # what search, the explorer and paths know: things, not the documents about them
        self.things = [
            (iri, label) for iri, label in entities if not iri.startswith(f"{BASE}/id/doc/")
        ]
        self.static = {
            path: (PROJECT / "sipkg" / "web" / path.removeprefix("/")).read_bytes()
            for path in STATIC
        }
        self.kinds: list[tuple[str, int, Callable[[random.Random], Request]]] = [
            ("query", 30, self.query),
            ("doc-html", 12, self.doc_html),
            ("doc-json", 10, self.doc_json),
            ("search", 10, self.search),
            ("explore", 8, self.explore),
            ("path", 5, self.path),
            ("timeline", 4, self.timeline),
            ("statistics", 4, self.statistics),
            ("static", 17, self.static_file),
        ]

    @classmethod
    def discover(cls, base: str) -> Workload:
        status, _, body = fetch(
            base,
            "/sparql?query=" + urllib.parse.quote(ENTITIES),
            {"Accept": "application/sparql-results+json"},
        )
        assert status == 200, body[:200]
        rows = _json(body)["results"]["bindings"]
        entities = [(r["e"]["value"], r["label"]["value"]) for r in rows]
        queries = [
            (p.name, p.read_text(encoding="utf-8"))
            for p in sorted((PROJECT / "queries").glob("*.rq"))
        ]
        return cls(entities, queries)

    def pick(self, rng: random.Random) -> Request:
        _, _, make = rng.choices(self.kinds, weights=[w for _, w, _ in self.kinds])[0]
        return make(rng)

    # ------------------------------------------------------------ kinds

    def query(self, rng: random.Random) -> Request:
        name, text = rng.choice(self.queries)
        form = query_form(text)
        media = rng.choice(FORMATS[form])
        tests = {
            "application/sparql-results+json": lambda b: (
                "results" in _json(b) or "boolean" in _json(b)
            ),
            "application/sparql-results+xml": lambda b: b"sparql-results#" in b,
            "application/ld+json": lambda b: isinstance(_json(b), (list, dict)),
        }
        test = tests.get(media, lambda b: form == "SELECT" or len(b) > 0)
        return Request(
            f"query {form.lower()}",
            "/sparql?query=" + urllib.parse.quote(text),
            {"Accept": media},
            expect(media, test, f"not an answer in {media}"),
            label=name,
        )

    def doc_html(self, rng: random.Random) -> Request:
        iri, _ = rng.choice(self.entities)
        path = "/doc/" + iri.removeprefix(f"{BASE}/id/")
        twin = f'href="{path}.json"'.encode()
        return Request(
            "doc html",
            path,
            {"Accept": "text/html"},
            expect("text/html", lambda b: twin in b, "no link to the JSON twin"),
        )

    def doc_json(self, rng: random.Random) -> Request:
        iri, _ = rng.choice(self.entities)
        path = "/doc/" + iri.removeprefix(f"{BASE}/id/") + ".json"
        return Request(
            "doc json",
            path,
            {},
            expect("application/json", lambda b: _json(b)["iri"] == iri, f"not the page of {iri}"),
        )

    def search(self, rng: random.Random) -> Request:
        _, label = rng.choice(self.things)
        path = "/search.json?q=" + urllib.parse.quote(label[:200])
        return Request(
            "search",
            path,
            {},
            expect("application/json", lambda b: _json(b)["count"] > 0, f"no hit for {label!r}"),
        )

    def explore(self, rng: random.Random) -> Request:
        iri, _ = rng.choice(self.things)
        short = iri.removeprefix(f"{BASE}/id/")
        return Request(
            "explore",
            "/explore.json?entity=" + urllib.parse.quote(short),
            {},
            expect(
                "application/json", lambda b: _json(b)["centre"] == iri, f"not centred on {iri}"
            ),
        )

    def path(self, rng: random.Random) -> Request:
        (a, _), (b, _) = rng.sample(self.things, 2)
        short = [e.removeprefix(f"{BASE}/id/") for e in (a, b)]
        url = "/explore/path.json?" + urllib.parse.urlencode({"from": short[0], "to": short[1]})
        return Request(
            "path",
            url,
            {},
            expect(
                "application/json",
                lambda body: _json(body)["from"]["id"] == a and "paths" in _json(body),
                f"not the paths from {a}",
            ),
        )

    def timeline(self, rng: random.Random) -> Request:
        if rng.random() < 0.5:
            return Request(
                "timeline",
                "/timeline",
                {"Accept": "text/html"},
                expect("text/html", lambda b: b'href="/timeline.json' in b, "no JSON twin"),
            )
        return Request(
            "timeline",
            "/timeline.json",
            {},
            expect("application/json", lambda b: len(_json(b)["entries"]) > 0, "no entries"),
        )

    def statistics(self, rng: random.Random) -> Request:
        if rng.random() < 0.5:
            return Request(
                "statistics",
                "/statistics",
                {"Accept": "text/html"},
                expect("text/html", lambda b: b'href="/statistics.json' in b, "no JSON twin"),
            )
        return Request(
            "statistics",
            "/statistics.json",
            {},
            expect("application/json", lambda b: len(_json(b)["charts"]) > 0, "no charts"),
        )

    def static_file(self, rng: random.Random) -> Request:
        path = rng.choice(STATIC)
        whole = self.static[path]

        def check(status: int, headers: dict, body: bytes) -> str | None:
            if status != 200:
                return f"status {status}"
            if "content-encoding" not in headers and body != whole:
                return f"{path}: {len(body)} bytes, not the {len(whole)} on disk"
            return None

        return Request("static", path, {}, check)


# ---------------------------------------------------------------- sending


def fetch(
    base: str, path: str, headers: dict, source: str = "127.0.0.1"
) -> tuple[int, dict, bytes]:
    """One request on a fresh connection (for set-up)."""
    netloc = urllib.parse.urlsplit(base).netloc
    host, port = netloc.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=60, source_address=(source, 0))
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@dataclass
class Sample:
    kind: str
    status: int  # 0: the connection failed
    seconds: float
    problem: str | None


class Client(threading.Thread):
    """One user: a kept-alive connection from its own address, sending requests one after another until told to stop."""

    def __init__(
        self, base: str, workload: Workload, source: str, seed: int, stop: threading.Event
    ):
        super().__init__(daemon=True)
        netloc = urllib.parse.urlsplit(base).netloc
        self.host, port = netloc.rsplit(":", 1)
        self.port, self.workload, self.source, self.stop = int(port), workload, source, stop
        self.rng = random.Random(seed)
        self.samples: list[Sample] = []

    def run(self) -> None:
        connection = None
        while not self.stop.is_set():
            request = self.workload.pick(self.rng)
            started = time.monotonic()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(
                        self.host, self.port, timeout=60, source_address=(self.source, 0)
                    )
                connection.request("GET", request.path, headers=request.headers)
                response = connection.getresponse()
                body = response.read()
                headers = {k.lower(): v for k, v in response.getheaders()}
                seconds = time.monotonic() - started
                problem = request.check(response.status, headers, body)
                if problem:
                    problem = f"{request.label or request.kind}: {problem}"
                self.samples.append(Sample(request.kind, response.status, seconds, problem))
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as e:
                self.samples.append(
                    Sample(
                        request.kind,
                        0,
                        time.monotonic() - started,
                        f"{request.label or request.kind}: connection: {e!r}",
                    )
                )
                if connection is not None:
                    connection.close()
                connection = None
        if connection is not None:
            connection.close()


class Memory(threading.Thread):
    """RSS of a process and all its descendants, sampled every second."""

    def __init__(self, pid: int, stop: threading.Event, every: float = 1.0):
        super().__init__(daemon=True)
        self.pid, self.stop, self.every = pid, stop, every
        self.samples: list[tuple[float, int, int]] = []  # (seconds since start, bytes, processes)

    def rss(self) -> tuple[int, int]:
        root = psutil.Process(self.pid)
        total, count = 0, 0
        for process in [root, *root.children(recursive=True)]:
            try:
                total += process.memory_info().rss
                count += 1
            except psutil.NoSuchProcess:
                pass
        return total, count

    def run(self) -> None:
        started = time.monotonic()
        while True:
            total, count = self.rss()
            self.samples.append((time.monotonic() - started, total, count))
            if self.stop.wait(self.every):
                return


def server_pid(base: str) -> int:
    """The gunicorn master listening on base's port (the root of the server's process tree)."""
    port = urllib.parse.urlsplit(base).port
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if (
            "serve" in cmdline
            and "--port" in cmdline
            and cmdline[cmdline.index("--port") + 1] == str(port)
        ):
            return process.pid
    raise LookupError(f"no sipkg serve process on port {port}")


# ---------------------------------------------------------------- running and reporting


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]
        if ordered
        else 0.0
    )


def latency(values: list[float]) -> dict:
    return {
        "count": len(values),
        **{f"p{p}_ms": round(percentile(values, p) * 1000, 1) for p in (50, 95, 99)},
    }


def memory_report(samples: list[tuple[float, int, int]], seconds: float) -> dict:
    mb = [(t, b / 2**20) for t, b, _ in samples]
    warm = [v for t, v in mb if t >= seconds * WARM_UP]
    warm_level = warm[0] if warm else mb[0][1]
    second_half = [(t, v) for t, v in mb if t >= seconds / 2]
    slope = 0.0
    if len(second_half) >= 2:  # least squares, MB per minute
        mt = sum(t for t, _ in second_half) / len(second_half)
        mv = sum(v for _, v in second_half) / len(second_half)
        var = sum((t - mt) ** 2 for t, _ in second_half)
        slope = 60 * sum((t - mt) * (v - mv) for t, v in second_half) / var if var else 0.0
    end = mb[-1][1]
    return {
        "start_mb": round(mb[0][1], 1),
        "after_warm_up_mb": round(warm_level, 1),
        "peak_mb": round(max(v for _, v in mb), 1),
        "end_mb": round(end, 1),
        "second_half_slope_mb_per_min": round(slope, 1),
        "processes_end": samples[-1][2],
        "flat": end <= warm_level * (1 + FLAT),
        "flat_rule": f"end within {FLAT:.0%} of the level after warm-up",
        "samples": len(samples),
    }


def run(base: str, clients: int, seconds: float, seed: int = 7) -> dict:
    """Drive the server at base with `clients` users for `seconds`; returns the report."""
    workload = Workload.discover(base)
    stop, memory_stop = threading.Event(), threading.Event()
    memory = Memory(server_pid(base), memory_stop)
    users = [
        Client(base, workload, f"127.0.0.{2 + i % 250}", seed + i, stop) for i in range(clients)
    ]
    memory.start()
    started = time.monotonic()
    for user in users:
        user.start()
    time.sleep(seconds)
    stop.set()
    for user in users:
        user.join(90)
    elapsed = time.monotonic() - started
    memory_stop.set()
    memory.join()
    samples = [s for user in users for s in user.samples]
    by_kind: dict[str, list[float]] = defaultdict(list)
    for s in samples:
        by_kind[s.kind].append(s.seconds)
    problems = Counter(s.problem for s in samples if s.problem)
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(samples),
        "throughput_rps": round(len(samples) / elapsed, 1),
        "latency": latency([s.seconds for s in samples]),
        "by_kind": {kind: latency(values) for kind, values in sorted(by_kind.items())},
        "statuses": dict(sorted(Counter(str(s.status) for s in samples).items())),
        "errors": sum(1 for s in samples if s.problem),
        "problems": dict(problems.most_common(10)),
        "memory": memory_report(memory.samples, elapsed),
    }


def table(report: dict) -> str:
    """The report as a plain-text table."""
    lines = [
        (
            f"{report['clients']} clients, {report['seconds']} s: {report['requests']} requests, "
            f"{report['throughput_rps']} req/s, {report['errors']} errors; statuses {report['statuses']}"
        ),
        f"{'kind':<16}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}",
    ]
    for kind, row in [*report["by_kind"].items(), ("all", report["latency"])]:
        lines.append(
            f"{kind:<16}{row['count']:>8}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['p99_ms']:>10}"
        )
    m = report["memory"]
    lines.append(
        f"memory (server tree, {m['processes_end']} processes): start {m['start_mb']} MB, after warm-up "
        f"{m['after_warm_up_mb']} MB, peak {m['peak_mb']} MB, end {m['end_mb']} MB, second-half slope "
        f"{m['second_half_slope_mb_per_min']} MB/min: {'flat' if m['flat'] else 'NOT flat'} "
        f"({m['flat_rule']})"
    )
    for problem, count in report["problems"].items():
        lines.append(f"  {count} x {problem}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clients", type=int, default=64, help="concurrent users, each from its own address"
    )
    parser.add_argument("--seconds", type=float, default=120, help="how long to drive the server")
    parser.add_argument(
        "--home", type=Path, default=None, help="the store's home (default: the project's var/)"
    )
    parser.add_argument(
        "--data", type=Path, default=None, help="the data folder (default: the project's data/)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=30,
        help="the server's query time-out: the data-quality queries take seconds on a busy machine",
    )
    parser.add_argument(
        "--throttle",
        action="store_true",
        help=(
            "keep the per-client limits on (off by default: this measures capacity, and clients "
            "that send without pause past their query-time budget would rightly get 429s)"
        ),
    )
    parser.add_argument(
        "--report",
        type=Path,
        default=PROJECT / "tests" / "artifacts" / "load-report-long.json",
        help="where to write the report as JSON",
    )
    args = parser.parse_args()
    defaults = Paths()
    paths = Paths(home=args.home or defaults.home, data=args.data or defaults.data)
    with serve(
        paths, "--timeout", str(args.timeout), *([] if args.throttle else ["--no-throttle"])
    ) as base:
        report = run(base, args.clients, args.seconds)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(table(report))
    print(f"(report: {args.report})")
    return 1 if report["errors"] or not report["memory"]["flat"] else 0


if __name__ == "__main__":
    sys.exit(main())
