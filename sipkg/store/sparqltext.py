"""SPARQL text read without a parser: its tokens, what it would reach, the protocol's dataset.

What a query may make the server do beyond reading its own store: the engine would follow `SERVICE <iri>` and `LOAD <iri>` to any address, which makes a
public endpoint a tool for reaching the network behind it (SSRF). Before a query runs, its
tokens are read (comments, strings and IRIs told apart, prefixes expanded, `\\u` escapes
decoded as SPARQL does before parsing) and it is refused if it names a SERVICE that is not
on the allow-list, a SERVICE given by a variable, LOAD, or a store's own DEFINE pragma; and if it
nests brackets deeper than the engine's parser can take without overflowing its stack.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from urllib.parse import urljoin

import pyoxigraph as ox

from sipkg.store.query import QueryRefused, QuerySyntaxError

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<pname>[^\W\d][\w.\-]*?:(?:[\w:%\\\-]|\.(?=[\w:%\\\-]))*|:(?:[\w:%\\\-]|\.(?=[\w:%\\\-]))*)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>\S)
""",
    re.VERBOSE,
)


def decode_escapes(text: str) -> str:
    """SPARQL's code-point escapes (\\u + 4 hex digits, \\U + 8) are decoded before the query is parsed.

    One that names no character (past U+10FFFF, or a surrogate) is left as written: the
    engine then refuses the query as a syntax error, and nothing it could spell is hidden.
    """
    if "\\" not in text:
        return text
    return _ESCAPE.sub(_decode_escape, text)


def _decode_escape(m: re.Match) -> str:
    code = int(m.group(1) or m.group(2), 16)
    return m.group() if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF else chr(code)


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) for each token outside comments."""
    for kind, value, _ in _spans(decode_escapes(text)):
        yield kind, value


def _spans(text: str) -> Iterator[tuple[str, str, int]]:
    for m in _TOKEN.finditer(text):
        if m.lastgroup != "comment":
            yield m.lastgroup, m.group(), m.start()


MAX_NESTING = (
    500  # brackets open at once; the engine's parser overflows its stack at a few thousand
)
_OPENS, _CLOSES = "{([", "})]"


class QueryTooDeep(QuerySyntaxError):
    """Groups, sub-queries or brackets nested deeper than MAX_NESTING: refused before any parser sees them."""


def nesting_depth(text: str) -> int:
    """The most brackets ({ ( [) open at once outside strings, IRIs and comments."""
    depth = deepest = 0
    for kind, value in tokens(text):
        if kind == "other" and value in _OPENS:
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "other" and value in _CLOSES:
            depth -= 1
    return deepest


def refuse_deep(text: str, limit: int = MAX_NESTING) -> None:
    """Refuse (QueryTooDeep) an operation nested deeper than `limit`: parsing it could crash the process."""
    decoded = decode_escapes(text)
    if sum(decoded.count(c) for c in _OPENS) <= limit:
        return  # no more brackets in all than may be open at once: no need to tell them apart
    depth = nesting_depth(text)
    if depth > limit:
        raise QueryTooDeep(
            f"the operation nests groups or brackets {depth} deep; at most {limit} are allowed"
        )


def is_iri(text: str) -> bool:
    """Whether `text` is an absolute IRI that can stand between <> in a query.

    Text from a URL that fails this (a `>`, `"`, `}`, space, backslash for a `\\u` escape, …) could
    close the brackets and add patterns of its own, so pages refuse it before building a query.
    """
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*+>"  # as _TOKEN reads an IRI
# Possessive throughout: each piece of a prologue can be read one way only, so a text that is not
# one fails at once instead of trying every split of, say, a line of `#`s.
_FORM_AFTER_PROLOGUE = re.compile(
    r"(?:\s|\#[^\n\r]*+|BASE\s*+" + _IRI + r"|PREFIX\s*+(?:[^\W\d][\w.\-]*+)?:\s*+" + _IRI + r")*+"
    r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
    re.IGNORECASE,
)


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first of them after the prologue; None if there is none."""
    if "\\" not in text and (m := _FORM_AFTER_PROLOGUE.match(text)):
        return m.group(1).upper()  # a plain prologue, read in one match instead of token by token
    for kind, value in tokens(text):
        if kind == "word" and value.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return value.upper()
    return None


def undeclared_prefixes(text: str) -> list[tuple[str, int, int]]:
    """(prefix, line, column) where each prefix a query uses without declaring it is first used."""
    declared: set[str] = set()
    found: dict[str, tuple[str, int, int]] = {}
    spans = list(_spans(decode_escapes(text)))
    decoded = decode_escapes(text)
    for i, (kind, value, at) in enumerate(spans):
        if kind != "pname":
            continue
        prefix = value.partition(":")[0]
        before = spans[i - 1] if i else None
        if before and before[0] == "word" and before[1].upper() == "PREFIX":
            declared.add(prefix)
        elif prefix not in declared and prefix not in found:
            line = decoded.count("\n", 0, at) + 1
            column = at - (decoded.rfind("\n", 0, at) + 1) + 1
            found[prefix] = (prefix, line, column)
    return list(found.values())


def expand_graph(text: str, iri: str, graphs: list[str]) -> str:
    """The query with `FROM <iri>` (or `FROM NAMED <iri>`) replaced by one clause per graph of
    `graphs`: how a graph name that stands for several graphs (the asserted ones) is given to the
    engine. A text that does not name `iri` is returned as it is."""
    if iri not in text:
        return text
    decoded = decode_escapes(text)
    spans = list(_spans(decoded))
    out, at = [], 0
    for i, (kind, value, start) in enumerate(spans):
        if kind != "iri" or value[1:-1] != iri or i == 0:
            continue
        keyword = spans[i - 1][1].upper()
        named = keyword == "NAMED" and i > 1 and spans[i - 2][1].upper() == "FROM"
        if keyword != "FROM" and not named:
            continue
        joiner = " FROM NAMED " if named else " FROM "
        out += [decoded[at:start], joiner.join(f"<{g}>" for g in graphs) or "<urn:x-sipkg:none>"]
        at = start + len(value)
    return "".join(out) + decoded[at:] if out else text


def remote_targets(text: str) -> list[tuple[str, str | None]]:
    """(keyword, IRI) for each SERVICE or LOAD in the text; the IRI is None when a variable or unresolvable."""
    return _keyword_targets(text, ("SERVICE", "LOAD"))


def graph_targets(text: str) -> list[str | None]:
    """The graph each GRAPH clause of a query names; None where a variable or unresolvable."""
    return [iri for _, iri in _keyword_targets(text, ("GRAPH",))]


def _keyword_targets(text: str, keywords: tuple[str, ...]) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    words = decode_escapes(text).upper()  # a token's upper case is in the text's upper case
    if not any(keyword in words for keyword in keywords):
        return found
    prefixes: dict[str, str] = {}
    base: str | None = None
    toks = list(tokens(text))
    for i, (kind, value) in enumerate(toks):
        if kind != "word":
            continue
        keyword = value.upper()
        following = toks[i + 1 : i + 4]
        if (
            keyword == "PREFIX"
            and len(following) >= 2
            and following[0][0] == "pname"
            and following[1][0] == "iri"
        ):
            prefixes[following[0][1][:-1]] = _resolve(following[1][1][1:-1], base)
        elif keyword == "BASE" and following and following[0][0] == "iri":
            base = _resolve(following[0][1][1:-1], base)
        elif keyword in keywords:
            rest = following
            if rest and rest[0][0] == "word" and rest[0][1].upper() == "SILENT":
                rest = rest[1:]
            found.append((keyword, _target(rest[0] if rest else None, prefixes, base)))
    return found


def _target(
    token: tuple[str, str] | None, prefixes: dict[str, str], base: str | None
) -> str | None:
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
    if "DEFINE" in decode_escapes(text).upper() and any(
        kind == "word" and value.upper() == "DEFINE" for kind, value in tokens(text)
    ):
        raise QueryRefused(
            "DEFINE pragmas are not SPARQL and are refused: on an external store one can make "
            "it fetch FROM IRIs from the network (Virtuoso's get:soft, input:grab-all)"
        )
    for keyword, iri in remote_targets(text):
        if keyword == "LOAD":
            raise QueryRefused(
                "LOAD is not allowed here: this endpoint never fetches data from elsewhere"
            )
        if iri is None:
            raise QueryRefused(
                "SERVICE needs a fixed endpoint IRI here (a variable or an unresolvable name "
                "could send the query anywhere)"
            )
        if iri not in allowed_services:
            allowed = ", ".join(sorted(allowed_services)) or "none"
            raise QueryRefused(
                f"SERVICE <{iri}> is not on this endpoint's allow-list (allowed: {allowed})"
            )


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
    clause = (
        "".join(f" USING <{g}>" for g in using)
        + "".join(f" USING NAMED <{g}>" for g in using_named)
        + " "
    )
    depth, previous, cuts = 0, None, []
    for kind, value, start in _spans(text):
        word = value.upper() if kind == "word" else None
        if word in ("USING", "WITH") and depth == 0:
            raise DatasetConflict(
                f"the update has its own {word} clause and the request gives "
                "using-graph-uri / using-named-graph-uri: give the dataset one way only"
            )
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
