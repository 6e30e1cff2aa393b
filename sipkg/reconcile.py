"""Reconciliation (W3C Reconciliation Service API 0.2): candidates, scores, type and property constraints.

Pure, built on `search.Index`: the web tier hands over what the graph says (names, types with their
super-classes, property values) as a `Known`, and gets scored candidates back. Entity ids are the
part of the IRI after `{base}/id/` ("org/community-work-committees"); any other IRI is its own id.
Scores run 0–100 and rank an exact label (100) above an exact alias (95), full pinyin (90),
an English fragment that names one entity only (85), pinyin initials (80) and any other fragment
of a name (at most 75); each property constraint is averaged in
with weight PROPERTY_WEIGHT. `match` is true only for an exact name, every property agreeing, and a
lead of MATCH_MARGIN over the runner-up.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from sipkg.search import Index, compact, has_cjk, pinyin_forms, pinyin_query

PROPERTY_WEIGHT = 0.5  # a property constraint counts half as much as the name
PARTIAL_SCORE = (
    85.0  # an English fragment of the names of one entity only ("Administrative Committee")
)
MATCH_MARGIN = 10  # points the best candidate must lead the next by to be a match
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
SEARCH_DEPTH = 500  # name hits looked at before constraints narrow them
TYPE_STRICT = ("any", "all", "should")
QUERY_FIELDS = {"query", "type", "limit", "properties", "type_strict"}


class BadQuery(ValueError):
    """A query the client got wrong: the message says what and where."""


@dataclass(frozen=True)
class Value:
    """One value of a property on an entity: an IRI, or a literal with its datatype or language."""

    text: str
    is_iri: bool = False
    datatype: str = ""
    language: str = ""


@dataclass
class Known:
    """What reconciliation needs to know about the graph, read once per dataset version."""

    index: Index
    labels: dict[
        str, list[tuple[str, str]]
    ]  # iri -> [(text, language)]; labels of entities and terms
    aliases: dict[str, list[tuple[str, str]]]
    types: dict[str, frozenset[str]]  # entity -> its classes and all their super-classes
    facts: dict[str, dict[str, list[Value]]]  # entity -> property -> values
    id_space: str  # `{base}/id/`
    prefixes: dict[str, str] = field(default_factory=dict)  # for CURIEs: org:Organization
    local_space: str = ""  # the ontology namespace whose terms are named by their local name alone
    derived: frozenset[str] = (
        frozenset()
    )  # properties computed for the API (founded, name_zh…): named as is
    _names: dict[str, frozenset[str]] = field(default_factory=dict, init=False, repr=False)
    _terms: frozenset[str] = field(default=frozenset(), init=False, repr=False)

    def is_term(self, iri: str) -> bool:
        """Whether `iri` is a class or property the graph uses or the ontology labels."""
        if not self._terms:
            used = {c for cs in self.types.values() for c in cs} | {
                p for ps in self.facts.values() for p in ps
            }
            self._terms = frozenset(used) | frozenset(self.labels)
        return iri in self._terms and not iri.startswith(self.id_space)

    def names(self, iri: str) -> frozenset[str]:
        """Every label and alias of `iri`, compacted, for comparing values by name."""
        if iri not in self._names:
            texts = [t for t, _ in self.labels.get(iri, []) + self.aliases.get(iri, [])]
            self._names[iri] = frozenset(compact(t) for t in texts) - {""}
        return self._names[iri]

    # ---------------------------------------------------------------- ids

    def entity_id(self, iri: str) -> str:
        return iri.removeprefix(self.id_space)

    def entity_iri(self, id_: str) -> str:
        return id_ if re.match(r"https?://", id_) else self.id_space + id_.strip("/")

    def term_id(self, iri: str) -> str:
        """A class or property as the API names it: our local name, a CURIE, or the IRI."""
        if iri in self.derived:
            return iri
        if self.local_space and iri.startswith(self.local_space):
            return iri[len(self.local_space) :]
        for prefix, ns in self.prefixes.items():
            rest = iri[len(ns) :]
            if iri.startswith(ns) and rest and re.fullmatch(r"[\w-]+", rest):
                return f"{prefix}:{rest}"
        return iri

    def term_iri(self, id_: str) -> str:
        """The IRI of a class or property given as a local name, a CURIE or an IRI."""
        if re.match(r"https?://", id_) or id_ in self.derived:
            return id_
        prefix, colon, rest = id_.partition(":")
        if colon and prefix in self.prefixes:
            return self.prefixes[prefix] + rest
        return self.local_space + id_


@dataclass(frozen=True)
class Query:
    """One reconciliation query, checked: text, types (IRIs), limit, property constraints."""

    text: str = ""
    types: tuple[str, ...] = ()
    type_strict: str = "any"
    limit: int = DEFAULT_LIMIT
    properties: tuple[tuple[str, tuple], ...] = ()  # (property IRI, wanted values)


@dataclass
class Candidate:
    iri: str
    score: float
    match: bool = False
    exact: bool = False
    name_score: float = 0.0
    matched: str = ""
    features: list[dict] = field(default_factory=list)


# ---------------------------------------------------------------- parsing


def parse_batch(batch: object, known: Known, max_size: int) -> dict[str, Query]:
    """The queries of a batch ({"q0": {...}, …}), or BadQuery saying what is wrong with it."""
    if not isinstance(batch, dict):
        raise BadQuery(
            'queries must be a JSON object of named queries, e.g. {"q0": {"query": "社工委"}}'
        )
    if len(batch) > max_size:
        raise OverflowError(f"a batch holds at most {max_size} queries (got {len(batch)})")
    return {str(key): parse_query(q, known, str(key)) for key, q in batch.items()}


def parse_query(q: object, known: Known, key: str = "q") -> Query:
    if not isinstance(q, dict):
        raise BadQuery(f"{key}: a query must be a JSON object")
    unknown = set(q) - QUERY_FIELDS
    if unknown:
        raise BadQuery(
            f"{key}: unknown field(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(QUERY_FIELDS))}"
        )
    text = q.get("query", "")
    if not isinstance(text, str):
        raise BadQuery(f"{key}: query must be a string")
    if len(text) > 200:
        raise BadQuery(f"{key}: query is at most 200 characters")
    types = q.get("type", [])
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or not all(isinstance(t, str) and t for t in types):
        raise BadQuery(f"{key}: type must be a type id or a list of type ids")
    strict = q.get("type_strict", "any")
    if strict not in TYPE_STRICT:
        raise BadQuery(f"{key}: type_strict must be one of {', '.join(TYPE_STRICT)}")
    limit = q.get("limit", DEFAULT_LIMIT)
    if (
        isinstance(limit, bool)
        or not isinstance(limit, (int, float))
        or limit < 1
        or limit != int(limit)
    ):
        raise BadQuery(f"{key}: limit must be a positive whole number")
    props = q.get("properties", [])
    if not isinstance(props, list):
        raise BadQuery(f'{key}: properties must be a list of {{"pid": …, "v": …}}')
    properties = tuple(_parse_property(p, known, key) for p in props)
    if not compact(text) and not properties:
        raise BadQuery(f"{key}: give a non-empty query or at least one property")
    type_iris = tuple(known.term_iri(t) for t in types)
    for t, iri in zip(types, type_iris):
        if not known.is_term(iri):
            raise BadQuery(f"{key}: unknown type {t!r} (see /reconcile/suggest/type)")
    return Query(text.strip(), type_iris, strict, min(int(limit), MAX_LIMIT), properties)


def _parse_property(p: object, known: Known, key: str) -> tuple[str, tuple]:
    if not isinstance(p, dict) or not isinstance(p.get("pid"), str) or not p["pid"] or "v" not in p:
        raise BadQuery(
            f'{key}: each property is {{"pid": "a property id", "v": a value or list of values}}'
        )
    values = p["v"] if isinstance(p["v"], list) else [p["v"]]
    for v in values:
        ok = isinstance(v, (str, int, float)) or (
            isinstance(v, dict) and isinstance(v.get("id"), str)
        )
        if not ok:
            raise BadQuery(
                f'{key}: property {p["pid"]}: a value is a string, a number, a boolean or {{"id": …}}'
            )
    pid = known.term_iri(p["pid"])
    if not known.is_term(pid):
        raise BadQuery(f"{key}: unknown property {p['pid']!r} (see /reconcile/suggest/property)")
    return pid, tuple(values)


# ---------------------------------------------------------------- scoring


def name_score(
    query: str, name: str, is_label: bool, search_score: float, how: str = ""
) -> tuple[float, bool]:
    """(score 0–100, exact?) for a name the search index matched: exact > alias > pinyin > the one
    entity an English fragment names > initials > fragment."""
    if compact(query) == compact(name):
        return (100.0 if is_label else 95.0), True
    if how == "partial":
        return PARTIAL_SCORE, False
    if has_cjk(name) and not has_cjk(query):
        full, initials = pinyin_forms(name)
        roman = pinyin_query(query)
        if roman == full:
            return (90.0 if is_label else 88.0), False
        if roman == initials:
            return (80.0 if is_label else 78.0), False
    return round(min(75.0, search_score * 0.75), 1), False


def value_matches(wanted: object, have: Value, known: Known) -> bool:
    """Whether a value given in a query agrees with a value in the graph (IRIs by identity or by name)."""
    if isinstance(wanted, dict):
        if have.is_iri and known.entity_iri(wanted["id"]) == have.text:
            return True
        wanted = wanted.get("name") or ""
    if isinstance(wanted, bool):
        return not have.is_iri and have.text.lower() == str(wanted).lower()
    if isinstance(wanted, (int, float)):
        try:
            return not have.is_iri and math.isclose(float(have.text), float(wanted), rel_tol=1e-9)
        except ValueError:
            return False
    wanted = str(wanted).strip()
    if have.is_iri:
        return wanted in (have.text, known.entity_id(have.text)) or compact(wanted) in known.names(
            have.text
        )
    if have.datatype.endswith(("#date", "#gYear", "#gYearMonth", "#dateTime")):
        return bool(wanted) and (have.text.startswith(wanted) or wanted.startswith(have.text))
    return bool(compact(wanted)) and compact(wanted) == compact(have.text)


def type_ok(query: Query, types: frozenset[str]) -> bool | None:
    """True or False under the query's type strictness; None when 'should' and none of the types fit."""
    if not query.types:
        return True
    hits = [t in types for t in query.types]
    if query.type_strict == "all":
        return all(hits)
    if any(hits):
        return True
    return None if query.type_strict == "should" else False


def reconcile(query: Query, known: Known) -> list[Candidate]:
    """The best candidates for one query, best first, with scores, features and the match decision."""
    found: dict[str, Candidate] = {}
    if query.text:
        direct = known.entity_iri(query.text)
        if direct in known.types and " " not in query.text:
            found[direct] = Candidate(
                direct, 100.0, exact=True, name_score=100.0, matched=query.text
            )
        for hit in known.index.search(query.text, limit=SEARCH_DEPTH):
            if hit.kind != "entity" or hit.iri in found:
                continue
            is_label = any(t == hit.matched for t, _ in known.labels.get(hit.iri, []))
            score, exact = name_score(query.text, hit.matched, is_label, hit.score, hit.how)
            found[hit.iri] = Candidate(
                hit.iri, score, exact=exact, name_score=score, matched=hit.matched
            )
    else:
        found = {iri: Candidate(iri, 0.0) for iri in known.facts}
    out = []
    for c in found.values():
        fits = type_ok(query, known.types.get(c.iri, frozenset()))
        if fits is False:
            continue
        c.features = [{"id": "name", "value": c.name_score}, {"id": "name_exact", "value": c.exact}]
        if query.types:
            c.features.append({"id": "type_match", "value": bool(fits)})
        agree = _score_properties(query, known, c)
        if not query.text and not agree:
            continue
        if fits is None:
            c.score = round(c.score / 2, 1)
        out.append(c)
    out.sort(key=lambda c: (-c.score, -c.exact, c.iri))
    out = out[: query.limit]
    if out and query.text:
        top, runner = out[0], out[1] if len(out) > 1 else None
        all_agree = all(f["value"] == 100 for f in top.features if f["id"].startswith("property:"))
        clear = runner is None or (not runner.exact and runner.score <= top.score - MATCH_MARGIN)
        top.match = top.exact and all_agree and clear and top.score >= 80
    return out


def _score_properties(query: Query, known: Known, c: Candidate) -> bool:
    """Average the property agreements into the score (as features too); True when any property agrees."""
    if not query.properties:
        return False
    total, weight, any_agree = (
        c.name_score if query.text else 0.0,
        1.0 if query.text else 0.0,
        False,
    )
    have = known.facts.get(c.iri, {})
    for pid, wanted in query.properties:
        agree = any(value_matches(w, v, known) for w in wanted for v in have.get(pid, []))
        any_agree |= agree
        c.features.append({"id": f"property:{known.term_id(pid)}", "value": 100 if agree else 0})
        total += PROPERTY_WEIGHT * (100 if agree else 0)
        weight += PROPERTY_WEIGHT
    c.score = round(total / weight, 1)
    return any_agree


def suggest(
    index: Index, prefix: str, cursor: int = 0, size: int = 10, keep=lambda iri: True
) -> list[tuple[str, str]]:
    """(iri, matched name) of what `index` knows by a name starting with or containing `prefix`, a page at a time."""
    hits = [
        h for h in index.search(prefix, limit=SEARCH_DEPTH) if h.kind == "entity" and keep(h.iri)
    ]
    return [(h.iri, h.matched) for h in hits[cursor : cursor + size]]
