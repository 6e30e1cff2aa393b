"""The query service: what every page and the endpoint ask of the data, whichever store answers.

Queries are screened (nesting, SERVICE allow-list, LOAD) before they run, answered from the
result cache where they may be, and otherwise by the embedded store or the external SPARQL store.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from sipkg.namespaces import (
    ASSERTED_GRAPH,
    BUILD_GRAPH,
    GRAPH,
    HISTORY_GRAPH,
    INFERRED_GRAPH,
    UNION_GRAPH,
    sparql_prologue,
)
from sipkg.store import builds, results
from sipkg.store.cache import Key, PerVersion, ResultCache, cacheable
from sipkg.store.embedded import LocalBackend
from sipkg.store.query import StoreError, plain
from sipkg.store.remote import RemoteBackend
from sipkg.store.sparqltext import expand_graph, refuse_deep, refuse_remote

T = TypeVar("T")
SCREENED_MAX = 8192  # characters: longer query texts are screened every time rather than remembered


def screen(query: str, allowed_services: tuple[str, ...]) -> bool:
    """Refuse what must not run (deep nesting, SERVICE off the allow-list, LOAD); True if its answer may be cached.

    The verdict of a text never changes, and pages and users repeat the same texts: short ones are
    screened once per process (a refusal is not remembered, it raises again).
    """
    if len(query) > SCREENED_MAX:
        return _screen(query, allowed_services)
    return _screen_remembered(query, allowed_services)


def _screen(query: str, allowed_services: tuple[str, ...]) -> bool:
    refuse_deep(query)
    refuse_remote(query, allowed_services)
    return cacheable(query)


_screen_remembered = lru_cache(maxsize=2048)(_screen)


class Service:
    """What every page and the endpoint ask of the data, whichever store answers.

    It lives in app.extensions["sipkg"]; pages never open a store themselves. Queries from
    pages get our prefixes preloaded and the same time-out as the endpoint's; what pages derive
    from the data is kept here too, once per dataset version (`per_version`).
    """

    def __init__(
        self,
        backend,
        *,
        timeout: float,
        allowed_services=(),
        cache: ResultCache | None = None,
        root: Path | None = None,
    ):
        self.backend = backend
        self.root = root  # where the builds are kept (their derived data with them)
        self.timeout = timeout
        self.allowed_services = tuple(allowed_services)
        self.cache = cache  # answers by dataset version; None: every query runs
        self.derived = PerVersion()

    @property
    def version(self) -> str:
        return self.backend.version

    def per_version(self, name: str, make: Callable[[], T]) -> T:
        """The value `name` made by `make()` for the dataset in service, remade when its version changes."""
        return self.derived.get(name, self.version, make)

    def derived_file(self) -> Path | None:
        """The file of what pages derive from the data in service, written by the build of this
        version (`sipkg.derived`); None when no kept build of this version has one: a writable store,
        or an external store pushed from another home."""
        return builds.derived(self.root, self.version) if self.root else None

    def asserted_graphs(self) -> list[str]:
        """Our named graphs but the derived ones (the reasoner's, the history's): what
        ASSERTED_GRAPH stands for, read once per dataset version."""

        def read() -> list[str]:
            rows = self.select(
                f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                f'FILTER(STRSTARTS(STR(?g), "{GRAPH}")) }}'
            )
            derived = (INFERRED_GRAPH, HISTORY_GRAPH, UNION_GRAPH, BUILD_GRAPH)
            return sorted(r["g"].value for r in rows or [] if r["g"].value not in derived)

        return self.per_version("asserted-graphs", read)

    def _explicit(self, query: str, default_graphs, named_graphs):
        """ASSERTED_GRAPH, given as FROM, FROM NAMED or a protocol parameter, as the graphs it stands for."""
        if ASSERTED_GRAPH not in query and ASSERTED_GRAPH not in (*default_graphs, *named_graphs):
            return query, default_graphs, named_graphs

        def expand(iris):
            return [
                g for i in iris for g in (self.asserted_graphs() if i == ASSERTED_GRAPH else [i])
            ]

        return (
            expand_graph(query, ASSERTED_GRAPH, self.asserted_graphs()),
            expand(default_graphs),
            expand(named_graphs),
        )

    def execute(
        self,
        query: str,
        *,
        media: str,
        limit: int,
        default_graphs=(),
        named_graphs=(),
        base_iri: str | None = None,
    ) -> results.Answer:
        """Run a query; one that would reach outside the store (SERVICE off the allow-list, LOAD) never runs."""
        may_cache = screen(query, self.allowed_services) and self.cache is not None
        key = Key(
            self.version, query, media, limit, tuple(default_graphs), tuple(named_graphs), base_iri
        )
        answer = self.cache.get(key) if may_cache else None
        if answer is None:
            query, default_graphs, named_graphs = self._explicit(
                query, default_graphs, named_graphs
            )
            answer = self.backend.execute(
                query,
                default_graphs=default_graphs,
                named_graphs=named_graphs,
                media=media,
                limit=limit,
                timeout=self.timeout,
                base_iri=base_iri,
            )
            if may_cache:
                self.cache.put(key, answer)
        return answer

    def close(self) -> None:
        """Stop the query processes (the app's users are gone: end of a test, server shutdown)."""
        self.backend.close()

    def _run(self, query: str, media: str):
        answer = self.execute(sparql_prologue() + query, media=media, limit=PAGE_LIMIT)
        if (
            answer.truncated
        ):  # a page built on part of the data would look whole: say so instead (503)
            raise StoreError(
                f"the store cut an answer this page needs at {answer.count} rows; raise the store's "
                "row limit (Virtuoso: ResultSetMaxRows in virtuoso.ini)"
            )
        return results.parse(answer.body, answer.media)

    def select(self, query: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        """Rows of a SELECT (our prefixes preloaded) as {variable: term}; unbound variables are absent."""
        return results.rows_of(self._run(query, results.JSON))

    def rows(self, query: str) -> list[dict[str, str]]:
        """Rows of a SELECT as plain strings (see `query.plain`), for pages and pure functions."""
        return [plain(row) for row in self.select(query)]

    def ask(self, query: str) -> bool:
        return bool(self._run(query, results.JSON))

    def graph(self, query: str) -> list[ox.Triple]:
        """Triples of a CONSTRUCT or DESCRIBE (our prefixes preloaded)."""
        return self._run(query, "application/n-triples")


PAGE_LIMIT = 1_000_000  # pages ask for what they show; this only bounds a mistake


def make_backend(config: dict):
    """The embedded store (default) or the external SPARQL store named by ENDPOINT."""
    if config["ENDPOINT"]:
        return RemoteBackend(
            config["ENDPOINT"]
        )  # reading needs no credentials; `sipkg push` writes
    return LocalBackend(
        Path(config["STORE"]), workers=config["QUERY_WORKERS"], writable=config["WRITABLE"]
    )
