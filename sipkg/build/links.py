"""Curated links out (data/links/*.yaml): Wikidata items and GB/T 2260 codes of our entities, each cited.

A table entry names an entity of the registry and either a Wikidata Q-number (linked with
owl:sameAs for places, skos:exactMatch for anything else) or a six-digit administrative
division code (GB/T 2260, published as skos:notation typed {base}/def/datatype/gbt2260-code).
Every entry cites where the identifier was verified. No link comes from a source sentence,
so its provenance is not a sip:FactStatement with a quote: it is a statement node that is
prov:wasDerivedFrom the cited pages, with the citation text as dct:source and the day of the
check as dct:date.

The link triples go to {base}/graph/links, alone, so that a linkset's triple count is exact;
the codes and the provenance of every link and code go to {base}/graph/identifiers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, SKOS, XSD

from sipkg import namespaces, yamlfile
from sipkg.build.extract.model import EntityInfo, Ref
from sipkg.build.rdf import digest, iri
from sipkg.namespaces import DATA, DEF, WD
from sipkg.yamlfile import InputError

LINKS_GRAPH = URIRef(namespaces.LINKS_GRAPH)  # as rdflib terms, for the build's quads
IDENTIFIERS_GRAPH = URIRef(namespaces.IDENTIFIERS_GRAPH)
PREDICATES = {"owl:sameAs": OWL.sameAs, "skos:exactMatch": SKOS.exactMatch}
SAME_AS_TYPES = {
    "place"
}  # an owl:sameAs claims one individual: only for places (README.md says why)
QID = re.compile(r"Q[1-9][0-9]*")
GBT2260 = re.compile(r"[1-9][0-9]{5}")
URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
KINDS = ("wikidata", "gbt2260")
GBT2260_CODE = DEF["datatype/gbt2260-code"]  # declared in ontology/sip.ttl


class LinkError(InputError):
    """A links table entry is wrong: file, line and reason."""


@dataclass(frozen=True)
class Citation:
    """Where an identifier was verified: the page, what it says, and when it was checked."""

    page: str
    says: str
    checked: dt.date


@dataclass(frozen=True)
class Link:
    """One curated identifier of an entity: a link to a Wikidata item, or a GB/T 2260 code."""

    entity: Ref
    kind: str  # "wikidata" or "gbt2260"
    value: str  # the Q-number or the code
    predicate: URIRef
    citations: tuple[Citation, ...]
    file: str
    line: int

    @property
    def object(self) -> URIRef | Literal:
        if self.kind == "wikidata":
            return WD[self.value]
        return Literal(self.value, datatype=GBT2260_CODE)


def load(folder: Path, entities: dict[Ref, EntityInfo]) -> list[Link]:
    """Every entry of every table in `folder` (none if there is no folder), checked; LinkError names the first bad one."""
    links: list[Link] = []
    seen: dict[tuple, str] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        raw = yamlfile.load(path, LinkError) or []
        if not isinstance(raw, list):
            raise LinkError(path, 1, "expected a list of entries")
        links.extend(_entry(path, item, entities, seen) for item in raw)
    return links


def _entry(path: Path, item, entities: dict[Ref, EntityInfo], seen: dict[tuple, str]) -> Link:
    line = item.get(yamlfile.LINE) if isinstance(item, dict) else None

    def err(reason: str) -> LinkError:
        return LinkError(path, line, reason)

    if not isinstance(item, dict):
        raise err("each entry must be a mapping")
    raw_entity = str(item.get("entity") or "")
    if "/" not in raw_entity:
        raise err(f"entity {raw_entity!r} must be type/key, a key of the registry")
    entity = Ref(*raw_entity.split("/", 1))
    if entity not in entities:
        raise err(f"unknown entity {raw_entity!r} (not in the registry)")
    kinds = [k for k in KINDS if k in item]
    if len(kinds) != 1:
        raise err(
            "an entry needs exactly one of 'wikidata' (a Q-number) or 'gbt2260' (a six-digit code)"
        )
    kind = kinds[0]
    value = str(item[kind]).strip()
    if kind == "wikidata":
        if not QID.fullmatch(value):
            raise err(f"wikidata {value!r} is not a Q-number (Q followed by digits, e.g. Q42622)")
        predicate = _predicate(item.get("predicate"), entity, err)
    else:
        if not GBT2260.fullmatch(value):
            raise err(f"gbt2260 {value!r} is not a six-digit administrative division code")
        if entity.type != "place":
            raise err(
                f"a GB/T 2260 code names an administrative division: {raw_entity} is not a place"
            )
        predicate = SKOS.notation
    citations = _citations(item.get("cited"), err)
    where = f"{path.name}:{line}"
    for key, what in (
        ((kind, entity), f"{raw_entity} already has a {kind} identifier"),
        ((kind, value), f"{kind} {value} is already given to another entity"),
    ):
        if key in seen:
            raise err(f"duplicate: {what} ({seen[key]})")
        seen[key] = where
    return Link(entity, kind, value, predicate, citations, path.name, line or 0)


def _predicate(raw, entity: Ref, err) -> URIRef:
    """owl:sameAs for places, skos:exactMatch for the rest; the table says which, and it must agree."""
    if raw not in PREDICATES:
        raise err(f"predicate {raw!r} must be one of {', '.join(PREDICATES)}")
    if raw == "owl:sameAs" and entity.type not in SAME_AS_TYPES:
        raise err(f"owl:sameAs is for places; link this {entity.type} with skos:exactMatch")
    return PREDICATES[raw]


def _citations(raw, err) -> tuple[Citation, ...]:
    if not raw or not isinstance(raw, list):
        raise err(
            "missing 'cited': a list of {page, says, checked}, where the identifier was verified"
        )
    citations = []
    for c in raw:
        if not isinstance(c, dict) or not all(c.get(f) for f in ("page", "says", "checked")):
            raise err("each citation needs 'page' (a URL), 'says' and 'checked' (YYYY-MM-DD)")
        if not URL.fullmatch(str(c["page"])):
            raise err(f"citation page {c['page']!r} is not an http(s) URL")
        checked = c["checked"]
        if isinstance(checked, dt.datetime) or not isinstance(checked, dt.date):
            try:
                checked = dt.date.fromisoformat(str(checked))
            except ValueError:
                raise err(f"citation checked {checked!r} must be a date, YYYY-MM-DD") from None
        citations.append(Citation(str(c["page"]), str(c["says"]), checked))
    return tuple(citations)


def statement(link: Link) -> URIRef:
    """The node that says where a link or code was verified."""
    return DATA[f"statement/{digest(LINKS_GRAPH, iri(link.entity), link.predicate, link.object)}"]


def quads(links: Iterable[Link]) -> Iterable[tuple]:
    """The links in the links graph; codes and every statement of provenance in the identifiers graph."""
    for link in links:
        s, p, o = iri(link.entity), link.predicate, link.object
        yield s, p, o, LINKS_GRAPH if link.kind == "wikidata" else IDENTIFIERS_GRAPH
        st = statement(link)
        for t in (
            (st, RDF.type, RDF.Statement),
            (st, RDF.type, PROV.Entity),
            (st, RDF.subject, s),
            (st, RDF.predicate, p),
            (st, RDF.object, o),
            (
                st,
                DCTERMS.date,
                Literal(max(c.checked for c in link.citations).isoformat(), datatype=XSD.date),
            ),
            *((st, PROV.wasDerivedFrom, URIRef(c.page)) for c in link.citations),
            *(
                (st, DCTERMS.source, Literal(f"{c.page} (checked {c.checked}): {c.says}"))
                for c in link.citations
            ),
        ):
            yield (*t, IDENTIFIERS_GRAPH)
