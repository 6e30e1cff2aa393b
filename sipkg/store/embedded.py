"""The embedded store as a service: queries in processes that a time-out can stop.

`LocalBackend` answers the endpoint and the pages from the build in service (or, in the
local writable mode, from a store of the researcher's own that SPARQL Update and the Graph
Store Protocol write to). Each query runs in a pool process with its own read-only handle;
the writer, when there is one, lives in this process.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pyoxigraph as ox

from sipkg.store import builds, results
from sipkg.store.pool import Pool, WorkerDied
from sipkg.store.query import QueryFailed, QuerySyntaxError, QueryTimeout, StoreError, run_query
from sipkg.store.results import Answer


def _query(
    state: dict,
    path: str,
    generation: int,
    query: str,
    default_graphs: list[str],
    named_graphs: list[str],
    base_iri: str | None,
    media: str,
    limit: int,
) -> Answer:
    """In a pool process: run one query on a read-only handle, reopened when the store changed."""
    key = (path, generation)
    if key not in state:
        state.clear()
        state[key] = ox.Store.read_only(path)

    def run():
        return run_query(state[key], query, default_graphs, named_graphs, base_iri).value

    try:
        return results.answer(run(), media, limit, again=run)
    except OSError as e:  # the engine's evaluation errors: SERVICE calls, reading the store
        raise QueryFailed(f"the query failed while running: {e}") from None


def _check(state: dict, root: str) -> builds.StoreInfo:
    return builds.check(Path(root))


def check_store(root: Path, timeout: float = 60.0) -> builds.StoreInfo:
    """builds.check in a throwaway child process, for a process that will fork (gunicorn's master).

    A RocksDB handle opened before a fork makes the forked processes crash (SIGSEGV) as they exit.
    """
    pool = Pool(1)
    try:
        return pool.run(timeout, _check, str(root))
    except (WorkerDied, QueryTimeout) as e:
        raise StoreError(
            f"opening the store at {root} failed ({e}); rebuild with `sipkg build`"
        ) from None
    finally:
        pool.close()


class LocalBackend:
    """Queries over the build in service under `root`, or over a writable store at `writable`."""

    def __init__(self, root: Path, *, workers: int = 4, writable: Path | None = None):
        self.root = Path(root)
        self._link = str(self.root / builds.CURRENT)
        self._target: str | None = None  # where the link pointed when _info was read
        self.pool = Pool(workers)
        self._lock = threading.Lock()
        self._info: builds.StoreInfo | None = None
        self._where: tuple[str, str] = ("", "")  # (store folder, version) of _info
        self.writer: ox.Store | None = None
        self.generation = 0  # bumped by every write, so pool processes reopen their snapshot
        if writable is not None:
            Path(writable).mkdir(parents=True, exist_ok=True)
            self.writable_path = Path(writable).resolve()
            try:
                self.writer = ox.Store(str(self.writable_path))
            except OSError as e:
                raise StoreError(f"cannot open the writable store at {writable}: {e}") from e

    # ---------------------------------------------------------------- reading

    def _path(self) -> tuple[str, str]:
        """(store folder, dataset version) to query now; follows a build that swapped `current`."""
        if self.writer is not None:
            return str(self.writable_path), f"local-{self.generation}"
        try:  # a build swaps the link atomically: reading it (not resolving the path) is cheap enough for every query
            target = os.readlink(self._link)
        except OSError:
            target = None  # no link: builds.current says what is wrong
        with self._lock:
            if self._info is None or self._target != target:
                self._info = builds.current(self.root)
                self._target = target
                self._where = (str(self._info.path / "oxigraph"), self._info.version)
            return self._where

    @property
    def version(self) -> str:
        return self._path()[1]

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
        path, _ = self._path()
        return self.pool.run(
            timeout,
            _query,
            path,
            self.generation,
            query,
            list(default_graphs),
            list(named_graphs),
            base_iri,
            media,
            limit,
        )

    # ---------------------------------------------------------------- writing (local writable mode only)

    def update(self, text: str, base_iri: str | None = None) -> None:
        """Run a SPARQL Update on the writable store (atomic: all of it or nothing)."""
        with self._lock:
            try:
                self._writable().update(text, base_iri=base_iri)
            except SyntaxError as e:
                raise QuerySyntaxError(str(e)) from None
            self.generation += 1

    def graph_exists(self, graph: str | None) -> bool:
        return graph is None or self._writable().contains_named_graph(ox.NamedNode(graph))

    def graph_get(self, graph: str | None, media: str) -> bytes:
        name = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
        triples = [q.triple for q in self._writable().quads_for_pattern(None, None, None, name)]
        return ox.serialize(triples, format=results.GRAPH_FORMATS[media])

    def graph_load(self, graph: str | None, body: bytes, media: str, *, replace: bool) -> bool:
        """Add (or with replace, put) the triples of body into a graph; True when the graph is new."""
        formats = {**results.GRAPH_FORMATS, "text/plain": ox.RdfFormat.N_TRIPLES}
        name = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
        try:  # parse all of it before touching the store, so a bad body loses nothing
            triples = list(ox.parse(body, format=formats[media]))
        except SyntaxError as e:
            raise QuerySyntaxError(f"the {media} body does not parse: {e}") from None
        with self._lock:
            writer = self._writable()
            created = not self.graph_exists(graph)
            if replace and not created:
                writer.clear_graph(name)
            if graph is not None and created:
                writer.add_graph(name)
            writer.extend([ox.Quad(t.subject, t.predicate, t.object, name) for t in triples])
            self.generation += 1
            return created

    def graph_delete(self, graph: str | None) -> None:
        with self._lock:
            writer = self._writable()
            if graph is None:
                writer.clear_graph(ox.DefaultGraph())
            else:
                writer.remove_graph(ox.NamedNode(graph))
            self.generation += 1

    def _writable(self) -> ox.Store:
        if self.writer is None:
            raise StoreError("this endpoint is read-only")
        return self.writer

    def close(self) -> None:
        self.pool.close()
