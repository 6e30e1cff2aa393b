"""Reading a built store in tests: SELECT rows as dicts of plain strings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sipkg.namespaces import sparql_prologue
from sipkg.store import builds
from sipkg.store.query import run_query


def selector(store_root: Path) -> Callable[[str], list[dict[str, str | None]]]:
    """A function running a SELECT (our prefixes preloaded) on the build in service under store_root."""
    handle, _ = builds.open_read_only(store_root)

    def select(query: str) -> list[dict[str, str | None]]:
        variables, rows = run_query(handle, sparql_prologue() + query).rows()
        return [dict(zip(variables, row, strict=True)) for row in rows]

    return select
