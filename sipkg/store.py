"""The only module that knows the backend: an embedded Oxigraph store on disk.

A build writes a new store beside the one in service and swaps a `current` link to it
in one atomic rename, so a failed or killed build leaves the previous store serving.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

CURRENT = "current"
KEEP = 2  # builds kept on disk: the one in service and the one before
PUBLISHED = "published"  # a build's marker that it was put in service (so it is complete)
BUILDING = ".building"  # a build's lock file, locked (flock) while its builder runs; the kernel drops it at death
_building: dict[Path, int] = {}  # the locks this process holds on the folders it is building


class StoreError(RuntimeError):
    """No usable store: says where it looked and what to do."""


@dataclass(frozen=True)
class StoreInfo:
    path: Path
    version: str
    built: str
    quads: int


def new_build_dir(root: Path) -> Path:
    """A fresh folder for a build, beside the store in service, locked while this process builds it."""
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    path = builds / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    path.mkdir()
    lock = os.open(path / BUILDING, os.O_CREAT | os.O_WRONLY, 0o644)
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    _building[path] = lock
    return path


def _release(build_dir: Path) -> None:
    lock = _building.pop(build_dir, None)
    if lock is not None:
        os.close(lock)
    (build_dir / BUILDING).unlink(missing_ok=True)


def write_store(build_dir: Path, nquads: bytes, meta: dict) -> StoreInfo:
    """Load N-Quads into a new Oxigraph store in build_dir/oxigraph and record its metadata.

    The default graph is the merge of all named graphs (a set: a triple two documents
    state is there once), as users of Fuseki's union graph or Virtuoso expect.
    """
    store = ox.Store(str(build_dir / "oxigraph"))
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    store.optimize()
    quads = len(store)
    del store
    info = {**meta, "quads": quads}
    (build_dir / "build.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    return StoreInfo(build_dir, meta["version"], meta["built"], quads)


def publish(root: Path, build_dir: Path) -> None:
    """Put a finished build in service atomically, then prune what is no longer needed.

    Both the new build and the one it replaces are marked published: a build killed between
    the swap and its mark is still in service, and gets its mark when the next one replaces it.
    """
    link = root / CURRENT
    outgoing = link.resolve() if link.exists() else None
    tmp = root / f".{CURRENT}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(build_dir.relative_to(root))
    os.replace(tmp, link)
    for served in (outgoing, build_dir):
        if served is not None and not (served / PUBLISHED).exists():
            (served / PUBLISHED).write_text(time.strftime("%Y-%m-%dT%H:%M:%S%z") + "\n", encoding="utf-8")
    _release(build_dir)
    prune(root)


def prune(root: Path) -> list[Path]:
    """Keep the build in service and the one published before it; remove older ones and leftovers of dead builds.

    Only complete builds (build.json written and put in service once) count as "the one before":
    a half-written folder of a killed build is newer than the real previous build, and sorting
    by age alone would keep it and delete the build a rollback needs. Returns what was removed.
    """
    in_service = (root / CURRENT).resolve()
    complete, orphans = [], []
    for folder in (root / "builds").iterdir():
        if folder.resolve() == in_service:
            continue
        if (folder / "build.json").is_file() and (folder / PUBLISHED).is_file():
            complete.append(folder)
        elif not _still_building(folder):
            orphans.append(folder)
    complete.sort(key=lambda p: (p / PUBLISHED).stat().st_mtime)
    removed = complete[:-(KEEP - 1)] + orphans
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def _still_building(folder: Path) -> bool:
    """Whether a build is still writing this folder: its builder holds the lock (a pid could be reused)."""
    try:
        lock = os.open(folder / BUILDING, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(lock)
    return False


def discard(build_dir: Path) -> None:
    """Remove a build that failed; the store in service is untouched."""
    _release(build_dir)
    shutil.rmtree(build_dir, ignore_errors=True)


def builds(root: Path) -> list[StoreInfo]:
    """The complete builds kept on disk, the one in service first, then newest first (for listing their dumps)."""
    folder = root / "builds"
    in_service = (root / CURRENT).resolve() if (root / CURRENT).exists() else None
    found = []
    for path in folder.iterdir() if folder.is_dir() else ():
        if path.resolve() != in_service and not (path / PUBLISHED).is_file():
            continue  # still being written, or a build that failed
        try:
            meta = json.loads((path / "build.json").read_text(encoding="utf-8"))
            found.append(StoreInfo(path.resolve(), meta["version"], meta["built"], meta["quads"]))
        except (OSError, ValueError, KeyError):
            continue
    return sorted(found, key=lambda b: (b.path == in_service, b.built), reverse=True)


def current(root: Path) -> StoreInfo:
    """The build in service, or a StoreError saying how to make one."""
    link = root / CURRENT
    if link.is_symlink() and not link.exists():
        raise StoreError(f"the store link {link} points to {os.readlink(link)}, which is gone; "
                         "rebuild with `sipkg build`")
    if not link.exists():
        raise StoreError(f"no store at {root}: run `sipkg build` first")
    path = link.resolve()
    try:
        meta = json.loads((path / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise StoreError(f"the store at {path} has no readable build.json ({e}); rebuild with `sipkg build`") from e
    if not (path / "oxigraph").is_dir():
        raise StoreError(f"the store at {path} is missing its oxigraph folder; rebuild with `sipkg build`")
    return StoreInfo(path, meta["version"], meta["built"], meta["quads"])


def open_read_only(root: Path) -> tuple[ox.Store, StoreInfo]:
    """A read-only handle on the store in service (a snapshot; several processes may hold one)."""
    info = current(root)
    try:
        return ox.Store.read_only(str(info.path / "oxigraph")), info
    except (OSError, RuntimeError) as e:  # RocksDB reports a damaged store as RuntimeError ("Corruption: …")
        raise StoreError(f"cannot open the store at {info.path}: {e}; rebuild with `sipkg build`") from e


def check(root: Path) -> StoreInfo:
    """The build in service, opened and counted: a StoreError unless it holds what its build.json says."""
    handle, info = open_read_only(root)
    try:
        quads = len(handle)
    except (OSError, RuntimeError) as e:
        raise StoreError(f"cannot read the store at {info.path}: {e}; rebuild with `sipkg build`") from e
    if quads != info.quads:
        raise StoreError(f"the store at {info.path} holds {quads} quads but its build.json says {info.quads}: "
                         "it is damaged; rebuild with `sipkg build`")
    return info


# ------------------------------------------------------------------ queries

class QuerySyntaxError(ValueError):
    """The client's query does not parse; the message is the parser's, with its position."""


class QueryRefused(ValueError):
    """The query asks for something this endpoint does not allow (a SERVICE off the allow-list, LOAD, …)."""


class QueryTimeout(RuntimeError):
    """The query ran past the time-out and was stopped."""


class QueryFailed(RuntimeError):
    """The query parsed but failed while running (a SERVICE endpoint that did not answer, a store error)."""


@dataclass
class QueryResult:
    kind: str  # "solutions", "boolean" or "graph"
    value: object

    def serialize(self, media_type: str) -> bytes:
        from .results import answer

        return answer(self.value, media_type).body

    def rows(self) -> tuple[list[str], list[list[str | None]]]:
        """Variables and rows as plain strings (for tables in a terminal or a page)."""
        if self.kind == "boolean":
            return ["result"], [[str(bool(self.value)).lower()]]
        if self.kind == "graph":
            return ["subject", "predicate", "object"], [[str(t.subject), str(t.predicate), str(t.object)] for t in self.value]
        variables = [v.value for v in self.value.variables]
        return variables, [[_plain(s[v]) for v in variables] for s in self.value]


def _plain(term) -> str | None:
    return None if term is None else term.value


def run_query(handle: ox.Store, sparql: str, default_graphs: list[str] = (), named_graphs: list[str] = (),
              base_iri: str | None = None) -> QueryResult:
    """Run a SPARQL query; without default-graph-uri the default graph is the merge of all graphs.

    Relative IRIs in the query resolve against base_iri (the endpoint's own address, as the protocol allows).
    """
    kwargs: dict = {"base_iri": base_iri}
    if default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    if named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        result = handle.query(sparql, **kwargs)
    except SyntaxError as e:
        raise QuerySyntaxError(str(e)) from None
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("boolean", result)
    if isinstance(result, ox.QueryTriples):
        return QueryResult("graph", result)
    return QueryResult("solutions", result)


def ask_endpoint(endpoint: str, sparql: str, timeout: float = 60) -> QueryResult:
    """Run a query on any SPARQL 1.1 endpoint through SPARQLWrapper (for `sipkg query --endpoint`)."""
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

    from .sparqltext import query_form

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
