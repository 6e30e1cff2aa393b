"""SPARQL text read without a parser: its tokens, what it would reach, the protocol's dataset.

What a query may make the server do beyond reading its own store: the engine would follow `SERVICE <iri>` and `LOAD <iri>` to any address, which makes a
public endpoint a tool for reaching the network behind it (SSRF). Before a query runs, its
tokens are read (comments, strings and IRIs told apart, prefixes expanded, `\\u` escapes
decoded as SPARQL does before parsing) and it is refused if it names a SERVICE that is not
on the allow-list, a SERVICE given by a variable, or LOAD.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from urllib.parse import urljoin

from .store import QueryRefused

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<pname>[^\W\d][\w.\-]*?:(?:[\w:%\\\-]|\.(?=[\w:%\\\-]))*|:(?:[\w:%\\\-]|\.(?=[\w:%\\\-]))*)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>\S)
""", re.VERBOSE)


def decode_escapes(text: str) -> str:
    """SPARQL's code-point escapes (\\u + 4 hex digits, \\U + 8) are decoded before the query is parsed."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) for each token outside comments."""
    for kind, value, _ in _spans(decode_escapes(text)):
        yield kind, value


def _spans(text: str) -> Iterator[tuple[str, str, int]]:
    for m in _TOKEN.finditer(text):
        if m.lastgroup != "comment":
            yield m.lastgroup, m.group(), m.start()


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first of them after the prologue; None if there is none."""
    for kind, value in tokens(text):
        if kind == "word" and value.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return value.upper()
    return None


def remote_targets(text: str) -> list[tuple[str, str | None]]:
    """(keyword, IRI) for each SERVICE or LOAD in the text; the IRI is None when a variable or unresolvable."""
    found: list[tuple[str, str | None]] = []
    prefixes: dict[str, str] = {}
    base: str | None = None
    toks = list(tokens(text))
    for i, (kind, value) in enumerate(toks):
        if kind != "word":
            continue
        keyword = value.upper()
        following = toks[i + 1:i + 4]
        if keyword == "PREFIX" and len(following) >= 2 and following[0][0] == "pname" and following[1][0] == "iri":
            prefixes[following[0][1][:-1]] = _resolve(following[1][1][1:-1], base)
        elif keyword == "BASE" and following and following[0][0] == "iri":
            base = _resolve(following[0][1][1:-1], base)
        elif keyword in ("SERVICE", "LOAD"):
            rest = following
            if rest and rest[0][0] == "word" and rest[0][1].upper() == "SILENT":
                rest = rest[1:]
            found.append((keyword, _target(rest[0] if rest else None, prefixes, base)))
    return found


def _target(token: tuple[str, str] | None, prefixes: dict[str, str], base: str | None) -> str | None:
    if token is None:
        return None
    kind, value = token
    if kind == "iri":
        return _resolve(value[1:-1], base)
    if kind == "pname":
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


def _resolve(iri: str, base: str | None) -> str | None:
    if re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", iri):
        return iri
    return urljoin(base, iri) if base else None


def refuse_remote(text: str, allowed_services: Collection[str] = ()) -> None:
    """Refuse (QueryRefused) a query or update that would reach outside the store, unless allowed."""
    for keyword, iri in remote_targets(text):
        if keyword == "LOAD":
            raise QueryRefused("LOAD is not allowed here: this endpoint never fetches data from elsewhere")
        if iri is None:
            raise QueryRefused("SERVICE needs a fixed endpoint IRI here (a variable or an unresolvable name "
                               "could send the query anywhere)")
        if iri not in allowed_services:
            allowed = ", ".join(sorted(allowed_services)) or "none"
            raise QueryRefused(f"SERVICE <{iri}> is not on this endpoint's allow-list (allowed: {allowed})")


class DatasetConflict(ValueError):
    """The protocol names a dataset (using-graph-uri, …) and the update names one too (USING, WITH)."""


def with_using(update: str, using: list[str], using_named: list[str]) -> str:
    """The update with the protocol's using-graph-uri / using-named-graph-uri written in as USING clauses.

    They go before the WHERE of every INSERT/DELETE … WHERE operation (the only operations
    that take USING); an update that has USING or WITH itself is a DatasetConflict, as the
    protocol says.
    """
    if not using and not using_named:
        return update
    text = decode_escapes(update)
    clause = "".join(f" USING <{g}>" for g in using) + "".join(f" USING NAMED <{g}>" for g in using_named) + " "
    depth, previous, cuts = 0, None, []
    for kind, value, start in _spans(text):
        word = value.upper() if kind == "word" else None
        if word in ("USING", "WITH") and depth == 0:
            raise DatasetConflict(f"the update has its own {word} clause and the request gives "
                                  "using-graph-uri / using-named-graph-uri: give the dataset one way only")
        if value == "{":
            depth += 1
        elif value == "}":
            depth -= 1
        elif word == "WHERE" and depth == 0 and previous == "}":
            cuts.append(start)
        previous = value
    for at in reversed(cuts):
        text = text[:at] + clause + text[at:]
    return text
