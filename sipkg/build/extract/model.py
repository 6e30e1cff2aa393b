"""What extraction produces: references, facts with evidence, observations; no RDF."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# predicates are sip: local names ("locatedIn") or CURIEs of standard terms ("dct:date")


@dataclass(frozen=True, order=True)
class Ref:
    """An entity: `{base}/id/{type}/{key}`."""

    type: str
    key: str

    def __str__(self) -> str:
        return f"{self.type}/{self.key}"


@dataclass(frozen=True, order=True)
class Concept:
    """A code in one of our SKOS schemes: `{base}/def/{scheme}/{code}`."""

    scheme: str
    code: str


@dataclass(frozen=True, order=True)
class Value:
    """A literal: lexical form and XSD datatype name (gYear, date, decimal, string…)."""

    lexical: str
    datatype: str = "string"


Term = Ref | Concept | Value


@dataclass(frozen=True, order=True)
class Evidence:
    """A span of a document's NFC text that states a fact, and how it was read."""

    doc: str  # document key
    start: int
    end: int
    method: str  # rule id ("rule:…"), "registry", "recogniser" or curation entry ("curation:…")
    confidence: float


@dataclass(frozen=True, order=True)
class Fact:
    subject: Ref
    predicate: str
    object: Term
    evidence: Evidence


@dataclass(frozen=True, order=True)
class Observation:
    """A statistic: indicator of an area in a period, value in the base unit."""

    area: Ref
    period: Value
    indicator: Concept
    value: Decimal
    unit: str
    stated: str
    evidence: Evidence
    approximation: str | None = None
    subject: Ref | Concept | None = None
    upper: Decimal | None = None


@dataclass(frozen=True)
class EntityInfo:
    """Names and class of an entity (from the registry, or minted by extraction)."""

    ref: Ref
    cls: str  # sip: class local name
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    aliases_en: tuple[str, ...] = ()
    note_zh: str | None = None
    note_en: str | None = None
    collective: bool = False
    kind: str | None = None  # designation kind code
    minted: bool = False  # found by extraction, not listed in the registry


ROLES = ("agent", "object", "place", "original", "result", "participant")


@dataclass(frozen=True)
class Event:
    """A dated act read from one clause: its kind, its date at the stated precision, who or what
    took part in which role, and the span that states it.

    Roles: agent (who acts: founds, approves, signs, organises), object (what is set up, approved,
    signed, renamed, listed), place (where), original and result (what existed before a
    restructuring, merger or renaming, and what came of it), participant (a further party).
    """

    cls: str  # sip: class local name: Founding, Abolition, Restructuring, Signing, Approval, …
    date: Value  # gYear, gYearMonth or date
    act: str  # the act word as written (成立, signed)
    roles: tuple[tuple[str, Ref], ...]  # (role, entity), roles from ROLES
    evidence: Evidence
    end: Value | None = None  # the end of a dated span (2013-2015年), if the clause states one
