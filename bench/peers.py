"""The systems under test, each loaded from the same N-Quads and served on a free loopback port.

ours       `sipkg serve` (gunicorn, its defaults) on a store made from the file (write_store + publish)
oxigraph   the `oxigraph` server (same engine, no layer of ours), union default graph like ours
rdflib     `rdflib-endpoint` (rdflib's in-memory Dataset) from its own venv, bench/.venv-peers
virtuoso   a private Virtuoso (tests/virtuoso.py starts it), bulk-loaded with ld_dir
Every server runs in its own process group and is stopped by `stop()`, also on errors and Ctrl-C.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sipkg import derived
from sipkg.namespaces import BUILD_GRAPH, UNION_GRAPH
from sipkg.paths import PROJECT
from sipkg.store import builds, remote

sys.path.insert(0, str(PROJECT / "tests"))
import virtuoso as private_virtuoso

PEERS_VENV = PROJECT / "bench" / ".venv-peers"
START_SECONDS = 600  # a 10^6-triple rdflib load takes minutes
QUERY_TIMEOUT = (
    10  # seconds, the same for every system that has one: our default (see oxigraph_serve)
)
# What an admin would set for this workload on the bench machine (2 cores, 24 GB, other servers beside it):
# many short queries, each asked once, so the SQL optimiser stops looking for a better join order once it
# has spent the best plan's estimated run time (the default searches up to 1000 orders: ~60 ms to compile
# the 12-pattern evidence template, which then runs in under 1 ms); threads and kept-alive connections for
# the 16 simulated users (the package allows 10, so the 11th waits or reconnects); the ini's own
# buffer pool for 4 GB of memory instead of its 80 MB minimum.
VIRTUOSO_TUNING: dict = {
    "Parameters": {
        "StopCompilerWhenXOverRunTime": 1,
        "MaxClientConnections": 32,
        "NumberOfBuffers": 340000,
        "MaxDirtyBuffers": 250000,
    },
    "HTTPServer": {"ServerThreads": 32, "MaxClientConnections": 32, "MaxKeepAlives": 32},
    # our pages read whole lists (every entity, for the catalogue): the package cuts answers at 10 000 rows
    "SPARQL": {"ResultSetMaxRows": 1_000_000},
}


@dataclass
class Server:
    name: str
    sparql: str  # the query endpoint
    load_seconds: float
    pages: str | None = None  # our servers: where the browser's pages are
    procs: list[subprocess.Popen] = field(default_factory=list)
    store: Path | None = None  # the files it answers from (for their size on disk)
    root_pids: list[int] = field(default_factory=list)  # besides procs: servers it did not spawn

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs if p.poll() is None] + self.root_pids


def disk_bytes(folder: Path | None) -> int | None:
    """Bytes of the files under `folder` (a store's size on disk), None if there is none."""
    if folder is None or not folder.exists():
        return None
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def peak_rss(pids: list[int]) -> int | None:
    """The peak resident memory (VmHWM) of the processes and their descendants, summed: an upper
    bound of the tree's peak (the peaks of two processes need not be at the same moment)."""
    import psutil

    total, seen = 0, False
    for pid in pids:
        try:
            root = psutil.Process(pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for process in tree:
            try:
                status = Path(f"/proc/{process.pid}/status").read_text()
            except OSError:
                continue
            kb = next((int(s.split()[1]) for s in status.splitlines() if s.startswith("VmHWM")), 0)
            total, seen = total + kb * 1024, True
    return total if seen else None


def virtuoso_pid(folder: Path) -> list[int]:
    """The pid of the Virtuoso whose ini is in `folder` (tests/virtuoso.py keeps its Popen)."""
    import psutil

    ini = str(folder / "virtuoso.ini")
    return [p.pid for p in psutil.process_iter(["cmdline"]) if ini in (p.info["cmdline"] or [])]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ready(url: str, procs: list[subprocess.Popen], seconds: float) -> bool:
    """Wait until `url` answers ASK {} (a SPARQL endpoint that is up), or a process exits, or time runs out."""
    probe = url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and all(p.poll() is None for p in procs):
        try:
            with urllib.request.urlopen(
                urllib.request.Request(
                    probe, headers={"Accept": "application/sparql-results+json"}
                ),
                timeout=5,
            ) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def spawn(command: list[str], log: Path, **kw) -> subprocess.Popen:
    """A server in a process group of its own (so stop() ends its workers too), logging to a file."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kw
        )


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the server's process group, SIGKILL if it is still there after 15 s."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)
    except ProcessLookupError:
        pass


def started(
    name: str,
    sparql: str,
    procs: list[subprocess.Popen],
    log: Path,
    load_seconds: float,
    pages: str | None = None,
) -> Server:
    up = False
    try:
        up = ready(sparql, procs, START_SECONDS)
    finally:  # also on Ctrl-C while waiting: nothing may be left running
        if not up:
            for p in procs:
                stop(p)
    if not up:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"{name} did not start at {sparql}:\n{tail}")
    return Server(name, sparql, load_seconds, pages, procs)


# ---------------------------------------------------------------- ours


def make_home(nq: Path, home: Path, version: str, timings: dict | None = None) -> float:
    """A sipkg home whose store in service is the file's quads (no NLP pipeline), with the data its pages
    derive written beside it as `sipkg build` writes it; returns seconds taken to load the store (the
    derivation's go to `timings["derive"]`)."""
    began = time.perf_counter()
    root = home / "store"
    build = builds.new_build_dir(root)
    (build / "dumps").mkdir()
    shutil.copyfile(nq, build / "dumps" / "sipkg.nq")
    builds.write_store(
        build, nq.read_bytes(), {"version": version, "built": time.strftime("%Y-%m-%dT%H:%M:%S")}
    )
    loaded = time.perf_counter() - began
    began = time.perf_counter()
    derived.write(build / builds.DERIVED, builds.select(build), version)
    if timings is not None:
        timings["derive"] = time.perf_counter() - began
    builds.publish(root, build)
    return loaded


def ours(name: str, home: Path, logs: Path, load_seconds: float, *options: str) -> Server:
    port = free_port()
    log = logs / f"{name}.log"
    # --no-throttle: every simulated user comes from 127.0.0.1, which the per-client limits would count as one
    command = [
        sys.executable,
        "-m",
        "sipkg",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--home",
        str(home),
        "--timeout",
        str(QUERY_TIMEOUT),
        "--no-throttle",
        *options,
    ]
    proc = spawn(command, log, env={**os.environ, "SIPKG_HOME": str(home)})
    base = f"http://127.0.0.1:{port}"
    server = started(name, base + "/sparql", [proc], log, load_seconds, pages=base)
    server.store = builds.current(home / "store").path / "oxigraph"
    return server


# ---------------------------------------------------------------- oxigraph


def oxigraph(nq: Path, folder: Path, logs: Path) -> Server:
    """The file loaded into an Oxigraph store and served with a time-out (see oxigraph_serve)."""
    binary = str(Path(sys.executable).parent / "oxigraph")
    log = logs / "oxigraph.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    with log.open("ab") as out:
        subprocess.run(
            [binary, "load", "--location", str(folder), "--file", str(nq)],
            check=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return oxigraph_serve(folder, logs, time.perf_counter() - began, timeout=True)


def oxigraph_serve(folder: Path, logs: Path, load_seconds: float, *, timeout: bool) -> Server:
    """The Oxigraph server on a loaded store, with our time-out or (under load) without one.

    The latency and page rounds need the time-out: at 10^5 quads some competency queries run for
    minutes. Under load it cannot be used: oxigraph 0.5.13 starts a thread per query that sleeps out
    the whole time-out, so at ~1 600 q/s it holds ~16 000 threads, runs out of memory maps
    (vm.max_map_count), answers 500 and then panics. The throughput rounds, whose templates all
    answer in milliseconds, get a server started again without it.
    """
    binary = str(Path(sys.executable).parent / "oxigraph")
    log = logs / "oxigraph.log"
    port = free_port()
    options = ["--timeout-s", str(QUERY_TIMEOUT)] if timeout else []
    proc = spawn(
        [
            binary,
            "serve-read-only",
            "--location",
            str(folder),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
            *options,
        ],
        log,
    )
    server = started("oxigraph", f"http://127.0.0.1:{port}/query", [proc], log, load_seconds)
    server.store = folder
    return server


# ---------------------------------------------------------------- rdflib-endpoint


def rdflib_endpoint(nq: Path, logs: Path) -> Server:
    binary = PEERS_VENV / "bin" / "rdflib-endpoint"
    if not binary.exists():
        raise RuntimeError(
            f"{binary} is missing: `make bench` creates it (pip install rdflib-endpoint[cli])"
        )
    log = logs / "rdflib.log"
    port = free_port()
    began = (
        time.perf_counter()
    )  # it parses the file before it listens: time to first answer is its load
    proc = spawn([str(binary), "serve", str(nq), "--host", "127.0.0.1", "--port", str(port)], log)
    server = started("rdflib", f"http://127.0.0.1:{port}/", [proc], log, 0.0)
    server.load_seconds = time.perf_counter() - began
    return server


# ---------------------------------------------------------------- virtuoso


@contextmanager
def virtuoso(nq: Path, folder: Path, version: str, pushed: bool, tuning: dict | None = None):
    """A private Virtuoso holding the file's quads. Bare (`pushed` false) it holds them alone and answers
    from Virtuoso's own default graph, all graphs together, as a user of Virtuoso would query it.
    `pushed`, it also holds what `sipkg push` adds so `sipkg serve --endpoint` can use it: the merge as a
    graph of its own (UNION_GRAPH, the default graph of our queries) and the build record; those would
    double every answer of a bare query, hence two instances."""
    folder.mkdir(parents=True, exist_ok=True)
    with private_virtuoso.running(folder, VIRTUOSO_TUNING if tuning is None else tuning) as v:
        data = folder / "load"
        data.mkdir(exist_ok=True)
        shutil.copyfile(nq, data / "graph.nq")
        files = ["graph.nq"]
        if pushed:
            with (
                nq.open(encoding="utf-8") as lines,
                (data / "union.nq").open("w", encoding="utf-8") as union,
            ):
                graphs = set()
                for line in filter(
                    str.strip, lines
                ):  # s p o <g> . -> s p o <UNION> . (a graph is a set)
                    triple, graph, _ = line.rsplit(" ", 2)
                    graphs.add(graph.strip("<>"))
                    union.write(f"{triple} <{UNION_GRAPH}> .\n")
            record = remote.build_record(version, sorted(graphs))
            (data / "build.nq").write_text(
                "".join(f"{t} <{BUILD_GRAPH}> .\n" for t in record), encoding="utf-8"
            )
            files += ["union.nq", "build.nq"]
        began = time.perf_counter()
        isql(v, f"ld_dir('{data}', '*.nq', 'urn:bench:unused'); rdf_loader_run(); checkpoint;")
        load_seconds = time.perf_counter() - began
        errors = isql(
            v, "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;"
        )
        if any(name in errors for name in files):
            raise RuntimeError(f"Virtuoso could not load {nq}: {errors}")
        yield Server(
            "virtuoso",
            v.sparql,
            load_seconds,
            store=v.folder,
            root_pids=virtuoso_pid(v.folder),
        )


def isql(v, sql: str) -> str:
    done = subprocess.run(
        ["isql-vt", f"127.0.0.1:{v.sql_port}", v.user, v.password, f"exec={sql}"],
        check=False,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0 or "*** Error" in done.stdout:
        raise RuntimeError(f"isql failed ({sql}): {done.stdout[-1500:]} {done.stderr[-500:]}")
    return done.stdout


class Fleet(ExitStack):
    """The servers of one size; leaving the block stops every one of them."""

    def add(self, server: Server) -> Server:
        for proc in server.procs:
            self.callback(stop, proc)
        return server
