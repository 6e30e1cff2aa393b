"""What a query is and what can go wrong with it: the error types, QueryResult and run_query.

It imports nothing else of sipkg, so every other module of the store (and the web tier) can
depend on it without pulling in the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox


class StoreError(RuntimeError):
    """No usable store: says where it looked and what to do."""


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

    def rows(self) -> tuple[list[str], list[list[str | None]]]:
        """Variables and rows as plain strings (for tables in a terminal or a page)."""
        if self.kind == "boolean":
            return ["result"], [[str(bool(self.value)).lower()]]
        if self.kind == "graph":
            return ["subject", "predicate", "object"], [
                [str(t.subject), str(t.predicate), str(t.object)] for t in self.value
            ]
        variables = [v.value for v in self.value.variables]
        return variables, [[row.get(v) for v in variables] for row in self.records()]

    def records(self) -> list[dict[str, str]]:
        """A SELECT's solutions as {variable: plain string}, unbound variables left out."""
        variables = [v.value for v in self.value.variables]
        return [plain({v: s[v] for v in variables}) for s in self.value]


def plain(row: Mapping[str, object]) -> dict[str, str]:
    """A row of terms as plain strings, for templates, JSON and pure functions: an IRI's text, a
    literal's lexical form, a blank node's id; unbound (None) variables are left out."""
    return {k: v.value for k, v in row.items() if v is not None}


def run_query(
    handle: ox.Store,
    sparql: str,
    default_graphs: list[str] = (),
    named_graphs: list[str] = (),
    base_iri: str | None = None,
) -> QueryResult:
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
