"""Time on the structure: periods of relations and lifespans of bodies, derived from dated events.

A relation that holds for a period (part of, unit of, dispatched agency of, located in, under the
leadership of, leads, jurisdiction) becomes a `sip:DatedRelation` (a qualified relation, as
org:Membership is with org:memberDuring) whose `sip:during` is a `time:Interval`. Its beginning
is the founding of whichever side began later (or the transfer that put the subject under the
object), its end the abolition, renaming or replacement of whichever side ended first. A body's
or area's own `sip:lifespan` runs from its founding (or the renaming, restructuring or merger it
resulted from, or a stated start date) to its abolition (or its renaming, restructuring, or the
founding of what replaced it).

Each endpoint is a `time:Instant` per date the sources state, with its date at the stated
precision, the day range that precision allows (`sip:notBefore`, `sip:notAfter`), the event it is
the date of and the statement (with its evidence sentence) it was read from. An interval the
sources leave open is typed `sip:OpenBeginningInterval` / `sip:OpenEndInterval`; two dates that
cannot both be true are both kept and the interval is a `sip:DisputedInterval`. A relation is
also `sip:attestedAt` the publication date of each document stating it.
"""

from __future__ import annotations

import calendar
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, XSD

from sipkg.build.rdf import digest
from sipkg.namespaces import DATA, HISTORY_GRAPH, SIP, SOURCE_GRAPHS, TIME

GRAPH = URIRef(HISTORY_GRAPH)
PERIOD_RELATIONS = (
    SIP.partOf,
    SIP.subOrganisationOf,
    SIP.unitOf,
    SIP.dispatchedAgencyOf,
    SIP.locatedIn,
    SIP.underLeadershipOf,
    SIP.leads,
    SIP.jurisdiction,
)
# roles by which an event begins or ends what it names
BEGINS = {
    SIP.Founding: (SIP.establishes, ORG.resultingOrganization),
    SIP.Renaming: (ORG.resultingOrganization,),
    SIP.Restructuring: (ORG.resultingOrganization, SIP.establishes),
    SIP.Merger: (ORG.resultingOrganization,),
    SIP.Reform: (ORG.resultingOrganization,),
}
ENDS = {
    SIP.Abolition: (SIP.concerns, ORG.originalOrganization),
    SIP.Renaming: (ORG.originalOrganization,),
    SIP.Restructuring: (ORG.originalOrganization,),
    SIP.Merger: (ORG.originalOrganization,),
    SIP.Reform: (ORG.originalOrganization,),
}
TRANSFER_TO = (SIP.agent, SIP.participant, ORG.resultingOrganization)
PRECISION = {
    XSD.gYear: TIME.inXSDgYear,
    XSD.gYearMonth: TIME.inXSDgYearMonth,
    XSD.date: TIME.inXSDDate,
}


def day_range(date: Literal) -> tuple[str, str] | None:
    """The first and last day a date at its precision can be: 1994 -> (1994-01-01, 1994-12-31)."""
    text = str(date)
    sign = "-" if text.startswith("-") else ""
    parts = text.lstrip("-").split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else None
        day = int(parts[2][:2]) if len(parts) > 2 else None
    except ValueError:
        return None
    y = f"{sign}{parts[0]}"
    if month is None:
        return f"{y}-01-01", f"{y}-12-31"
    last = calendar.monthrange(year if not sign else 2000, month)[1]
    if day is None:
        return f"{y}-{month:02d}-01", f"{y}-{month:02d}-{last:02d}"
    return f"{y}-{month:02d}-{day:02d}", f"{y}-{month:02d}-{day:02d}"


@dataclass(frozen=True)
class Stated:
    """One date the sources give an endpoint: its literal, the event it dates (if any) and the
    statements (one per document) it was read from."""

    date: Literal
    event: URIRef | None
    statements: frozenset[URIRef]

    @property
    def iri(self) -> URIRef:
        anchor = self.event or min(self.statements)
        return DATA[f"history/instant/{digest(anchor, self.date, self.date.datatype)}"]


@dataclass
class Ends:
    begins: dict[tuple, Stated] = field(default_factory=dict)
    ends: dict[tuple, Stated] = field(default_factory=dict)


def _add(target: dict[tuple, Stated], date: Literal, event: URIRef | None, statements) -> None:
    key = (event, date, date.datatype)
    before = target.get(key)
    merged = frozenset(statements) | (before.statements if before else frozenset())
    target[key] = Stated(date, event, merged)


def _statements(ds: Dataset) -> dict[tuple, set[URIRef]]:
    """(s, p, o) -> the statement nodes that assert it, over the source graphs."""
    parts: dict[URIRef, dict[URIRef, object]] = defaultdict(dict)
    for p in (RDF.subject, RDF.predicate, RDF.object):
        for st, _, o, g in ds.quads((None, p, None, None)):
            if str(g).startswith(SOURCE_GRAPHS):
                parts[st][p] = o
    out: dict[tuple, set[URIRef]] = defaultdict(set)
    for st, spo in parts.items():
        if len(spo) == 3:
            out[(spo[RDF.subject], spo[RDF.predicate], spo[RDF.object])].add(st)
    return out


def derive(ds: Dataset) -> int:
    """Write the history graph into `ds` from its source graphs; returns the number of intervals."""
    stated = _statements(ds)
    types: dict[URIRef, set[URIRef]] = defaultdict(set)
    for e, _, cls in ((s, p, o) for (s, p, o) in stated if p == RDF.type):
        types[e].add(cls)
    dates: dict[URIRef, list[tuple[Literal, set[URIRef]]]] = defaultdict(list)
    for (s, p, o), sts in stated.items():
        if p == DCTERMS.date and isinstance(o, Literal) and o.datatype in PRECISION:
            dates[s].append((o, sts))
    roles: dict[URIRef, list[tuple[URIRef, URIRef]]] = defaultdict(list)
    for s, p, o in stated:
        if s in dates:
            roles[s].append((p, o))

    life: dict[URIRef, Ends] = defaultdict(Ends)
    transfers: dict[tuple, list[tuple[URIRef, Literal, set]]] = defaultdict(list)
    for event, when in dates.items():
        results = {o for p, o in roles[event] if p in (ORG.resultingOrganization, SIP.establishes)}
        for cls in types[event]:
            for p, o in roles[event]:
                # a renaming or restructuring ends what it changed only when it names what came of it
                ends = p in ENDS.get(cls, ()) and (cls == SIP.Abolition or results - {o})
                for date, sts in when:
                    if p in BEGINS.get(cls, ()):
                        _add(life[o].begins, date, event, sts)
                    if ends:
                        _add(life[o].ends, date, event, sts)
            if cls == SIP.Transfer:
                moved = [o for p, o in roles[event] if p == SIP.concerns]
                to = [o for p, o in roles[event] if p in TRANSFER_TO]
                for m in moved:
                    for t in to:
                        for date, sts in when:
                            transfers[(m, t)].append((event, date, sts))
    for (s, p, o), sts in stated.items():
        if isinstance(o, Literal) and o.datatype in PRECISION:
            if p == SIP.startDate:
                _add(life[s].begins, o, None, sts)
            elif p == SIP.endDate:
                _add(life[s].ends, o, None, sts)
    for (new, p, old), sts in stated.items():
        if p == SIP.replaces and life[new].begins:
            for b in list(life[new].begins.values()):
                _add(life[old].ends, b.date, b.event, b.statements | sts)

    g = ds.graph(GRAPH)
    intervals = 0
    for thing, span in sorted(life.items()):
        if not span.begins and not span.ends:
            continue
        interval = DATA[f"history/lifespan/{digest(thing)}"]
        g.add((thing, SIP.lifespan, interval))
        _interval(g, interval, span.begins.values(), span.ends.values())
        intervals += 1
    issued = _issued(ds)
    for (s, p, o), sts in sorted(stated.items()):
        if p not in PERIOD_RELATIONS or not isinstance(o, URIRef):
            continue
        rel = DATA[f"history/relation/{digest(s, p, o)}"]
        interval = DATA[f"history/interval/{digest(s, p, o)}"]
        g.add((rel, RDF.type, SIP.DatedRelation))
        g.add((rel, SIP.relationSubject, s))
        g.add((rel, SIP.relationProperty, p))
        g.add((rel, SIP.relationObject, o))
        g.add((rel, SIP.during, interval))
        for st in sorted(sts):
            g.add((rel, PROV.wasDerivedFrom, st))
        for doc, date in sorted({issued[st] for st in sts if st in issued}):
            instant = DATA[f"history/instant/{digest(doc, date, date.datatype)}"]
            g.add((rel, SIP.attestedAt, instant))
            _instant(g, instant, date)
            g.add((instant, PROV.wasDerivedFrom, doc))
        begins = [
            Stated(date, event, frozenset(ev_sts))
            for event, date, ev_sts in transfers.get((s, o), ())
        ] or _later(life[s].begins, life[o].begins)
        ends = _earlier(life[s].ends, life[o].ends)
        _interval(g, interval, begins, ends)
        intervals += 1
    return intervals


def _issued(ds: Dataset) -> dict[URIRef, tuple[URIRef, Literal]]:
    """statement node -> (its document, the document's publication date)."""
    docs = {}
    for doc, _, date, g in ds.quads((None, DCTERMS.issued, None, None)):
        if str(g).startswith(SOURCE_GRAPHS) and isinstance(date, Literal):
            docs[g] = (doc, date)
    out = {}
    for st, _, _, g in ds.quads((None, RDF.type, SIP.FactStatement, None)):
        if g in docs:
            out[st] = docs[g]
    return out


def _bound(items: Iterable[Stated], pick) -> str | None:
    days = [r for s in items if (r := day_range(s.date))]
    return pick(days) if days else None


def _sortable(day: str) -> tuple[int, str]:
    return (-int(day[1:5]), day) if day.startswith("-") else (int(day[:4]), day[4:])


def _later(a: dict, b: dict) -> list[Stated]:
    """The beginnings of whichever side began later (a relation cannot hold before both exist)."""
    if not a or not b:
        return list((a or b).values())
    first_a = min((_sortable(r[0]) for s in a.values() if (r := day_range(s.date))), default=None)
    first_b = min((_sortable(r[0]) for s in b.values() if (r := day_range(s.date))), default=None)
    return list(
        (a if first_b is None or (first_a is not None and first_a >= first_b) else b).values()
    )


def _earlier(a: dict, b: dict) -> list[Stated]:
    """The ends of whichever side ended first."""
    if not a or not b:
        return list((a or b).values())
    last_a = min((_sortable(r[1]) for s in a.values() if (r := day_range(s.date))), default=None)
    last_b = min((_sortable(r[1]) for s in b.values() if (r := day_range(s.date))), default=None)
    return list((a if last_b is None or (last_a is not None and last_a <= last_b) else b).values())


def _day(day: str) -> Literal:
    """An xsd:date literal; rdflib cannot turn a year BCE into a Python date and logs a traceback
    for each, so that one known failure is kept quiet (the lexical form is kept either way)."""
    if not day.startswith("-"):
        return Literal(day, datatype=XSD.date)
    log = logging.getLogger("rdflib.term")
    was, log.disabled = log.disabled, True
    try:
        return Literal(day, datatype=XSD.date)
    finally:
        log.disabled = was


def _instant(g, instant: URIRef, date: Literal) -> None:
    g.add((instant, RDF.type, TIME.Instant))
    g.add((instant, PRECISION[date.datatype], date))
    days = day_range(date)
    if days:
        g.add((instant, SIP.notBefore, _day(days[0])))
        g.add((instant, SIP.notAfter, _day(days[1])))


def _disputed(items: list[Stated]) -> bool:
    """Whether two of the dates cannot both be true (neither's day range holds the other's)."""
    ranges = {r for s in items if (r := day_range(s.date))}
    for a in ranges:
        for b in ranges:
            inside = _sortable(a[0]) <= _sortable(b[0]) and _sortable(b[1]) <= _sortable(a[1])
            holds = _sortable(b[0]) <= _sortable(a[0]) and _sortable(a[1]) <= _sortable(b[1])
            if not (inside or holds):
                return True
    return False


def _interval(g, interval: URIRef, begins: Iterable[Stated], ends: Iterable[Stated]) -> None:
    begins, ends = list(begins), list(ends)
    g.add((interval, RDF.type, TIME.Interval))
    for predicate, items, open_class in (
        (TIME.hasBeginning, begins, SIP.OpenBeginningInterval),
        (TIME.hasEnd, ends, SIP.OpenEndInterval),
    ):
        if not items:
            g.add((interval, RDF.type, open_class))
        if _disputed(items):
            g.add((interval, RDF.type, SIP.DisputedInterval))
        for s in items:
            g.add((interval, predicate, s.iri))
            _instant(g, s.iri, s.date)
            if s.event is not None:
                g.add((s.iri, SIP.markedBy, s.event))
            for st in sorted(s.statements):
                g.add((s.iri, PROV.wasDerivedFrom, st))
