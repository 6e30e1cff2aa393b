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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from sipkg.namespaces import sparql_prologue
from sipkg.store import changes
from sipkg.store.query import StoreError, run_query

CURRENT = "current"
DERIVED = "derived.sqlite"  # what the pages derive from the graph, written with the build (`sipkg.derived`)
KEEP = 2  # builds kept on disk: the one in service and the one before
PUBLISHED = "published"  # a build's marker that it was put in service (so it is complete)
BUILDING = ".building"  # a build's lock file, locked (flock) while its builder runs; the kernel drops it at death
_building: dict[Path, int] = {}  # the locks this process holds on the folders it is building


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
    (build_dir / "build.json").write_text(
        json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return StoreInfo(build_dir, meta["version"], meta["built"], quads)


def select(build_dir: Path) -> Callable[[str], list[dict[str, str]]]:
    """A SELECT's rows (our prefixes preloaded, plain strings) over the store a build just wrote:
    what the build derives from its own data before it is put in service."""
    handle = ox.Store.read_only(str(build_dir / "oxigraph"))

    def rows(query: str) -> list[dict[str, str]]:
        return run_query(handle, sparql_prologue() + query).records()

    return rows


def derived(root: Path, version: str) -> Path | None:
    """The derived-data file of the kept build of `version` under `root`, if it has one."""
    for info in builds(root) if root.is_dir() else ():
        if info.version == version and (info.path / DERIVED).is_file():
            return info.path / DERIVED
    return None


def publish(root: Path, build_dir: Path) -> None:
    """Put a finished build in service atomically, then prune what is no longer needed.

    Both the new build and the one it replaces are marked published: a build killed between
    the swap and its mark is still in service, and gets its mark when the next one replaces it.
    What the build changed against the one it replaces is recorded first (`changes`) and put
    in place once it serves.
    """
    link = root / CURRENT
    outgoing = link.resolve() if link.exists() else None
    staged = changes.record(root, build_dir, outgoing)
    tmp = root / f".{CURRENT}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(build_dir.relative_to(root))
    os.replace(tmp, link)
    if staged is not None:
        changes.settle(staged)
    for served in (outgoing, build_dir):
        if served is not None and not (served / PUBLISHED).exists():
            (served / PUBLISHED).write_text(
                time.strftime("%Y-%m-%dT%H:%M:%S%z") + "\n", encoding="utf-8"
            )
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
    removed = complete[: -(KEEP - 1)] + orphans
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
        raise StoreError(
            f"the store link {link} points to {os.readlink(link)}, which is gone; "
            "rebuild with `sipkg build`"
        )
    if not link.exists():
        raise StoreError(f"no store at {root}: run `sipkg build` first")
    path = link.resolve()
    try:
        meta = json.loads((path / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise StoreError(
            f"the store at {path} has no readable build.json ({e}); rebuild with `sipkg build`"
        ) from e
    if not (path / "oxigraph").is_dir():
        raise StoreError(
            f"the store at {path} is missing its oxigraph folder; rebuild with `sipkg build`"
        )
    return StoreInfo(path, meta["version"], meta["built"], meta["quads"])


def open_read_only(root: Path) -> tuple[ox.Store, StoreInfo]:
    """A read-only handle on the store in service (a snapshot; several processes may hold one)."""
    info = current(root)
    try:
        return ox.Store.read_only(str(info.path / "oxigraph")), info
    except (
        OSError,
        RuntimeError,
    ) as e:  # RocksDB reports a damaged store as RuntimeError ("Corruption: …")
        raise StoreError(
            f"cannot open the store at {info.path}: {e}; rebuild with `sipkg build`"
        ) from e


def check(root: Path) -> StoreInfo:
    """The build in service, opened and counted: a StoreError unless it holds what its build.json says."""
    handle, info = open_read_only(root)
    try:
        quads = len(handle)
    except (OSError, RuntimeError) as e:
        raise StoreError(
            f"cannot read the store at {info.path}: {e}; rebuild with `sipkg build`"
        ) from e
    if quads != info.quads:
        raise StoreError(
            f"the store at {info.path} holds {quads} quads but its build.json says {info.quads}: "
            "it is damaged; rebuild with `sipkg build`"
        )
    return info
