"""Time on the structure: periods of relations and lifespans derived from dated events.

A small dataset in the shape the pipeline writes (facts with statement nodes in source graphs)
goes through `history.derive`; the corpus graph is checked by tests/test_asof.py.
"""

from __future__ import annotations

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, XSD

from sipkg.build.history import GRAPH, day_range, derive
from sipkg.namespaces import DATA, ID, SIP, SOURCE_GRAPHS, TIME


@pytest.mark.parametrize(
    ("lexical", "datatype", "expected"),
    [
        ("1994", XSD.gYear, ("1994-01-01", "1994-12-31")),
        ("2012-02", XSD.gYearMonth, ("2012-02-01", "2012-02-29")),
        ("2013-02", XSD.gYearMonth, ("2013-02-01", "2013-02-28")),
        ("2021-12-10", XSD.date, ("2021-12-10", "2021-12-10")),
        ("-0513", XSD.gYear, ("-0513-01-01", "-0513-12-31")),
    ],
)
def test_day_range_follows_the_precision(lexical, datatype, expected):
    assert day_range(Literal(lexical, datatype=datatype)) == expected


def fact(ds: Dataset, doc: str, s, p, o, n: list[int]) -> URIRef:
    """The plain triple and its statement node in the document's graph, as rdf.py writes them."""
    g = ds.graph(URIRef(f"{SOURCE_GRAPHS}{doc}"))
    n[0] += 1
    st = DATA[f"statement/t{n[0]}"]
    g.add((s, p, o))
    for t in ((st, RDF.type, SIP.FactStatement), (st, RDF.subject, s)):
        g.add(t)
    g.add((st, RDF.predicate, p))
    g.add((st, RDF.object, o))
    return st


TOWN, SUBDISTRICT, PARK, CITY = (ID[f"place/{k}"] for k in ("town", "subdistrict", "park", "city"))


@pytest.fixture
def derived() -> Dataset:
    """A town turned into a subdistrict in 2012 (one document), the subdistrict founded in 2013
    according to another; the town part of the park; the park part of the city, undated."""
    ds, n = Dataset(), [0]
    renaming, founding = ID["event/renaming"], ID["event/founding"]
    fact(ds, "a", renaming, RDF.type, SIP.Renaming, n)
    fact(ds, "a", renaming, DCTERMS.date, Literal("2012", datatype=XSD.gYear), n)
    fact(ds, "a", renaming, ORG.originalOrganization, TOWN, n)
    fact(ds, "a", renaming, ORG.resultingOrganization, SUBDISTRICT, n)
    fact(ds, "b", founding, RDF.type, SIP.Founding, n)
    fact(ds, "b", founding, DCTERMS.date, Literal("2013-06", datatype=XSD.gYearMonth), n)
    fact(ds, "b", founding, SIP.establishes, SUBDISTRICT, n)
    fact(ds, "a", TOWN, SIP.partOf, PARK, n)
    fact(ds, "a", SUBDISTRICT, SIP.partOf, PARK, n)
    fact(ds, "b", PARK, SIP.partOf, CITY, n)
    derive(ds)
    return ds


def dates(ds: Dataset, interval, predicate) -> set[str]:
    g = ds.graph(GRAPH)
    return {
        str(d)
        for instant in g.objects(interval, predicate)
        for p in (TIME.inXSDgYear, TIME.inXSDgYearMonth, TIME.inXSDDate)
        for d in g.objects(instant, p)
    }


def relation(ds: Dataset, s, o):
    g = ds.graph(GRAPH)
    rel = next(r for r in g.subjects(SIP.relationSubject, s) if (r, SIP.relationObject, o) in g)
    return g.value(rel, SIP.during)


def test_a_renaming_ends_the_old_body_and_begins_the_new(derived):
    g = derived.graph(GRAPH)
    town = g.value(TOWN, SIP.lifespan)
    assert dates(derived, town, TIME.hasEnd) == {"2012"}
    assert (town, RDF.type, SIP.OpenBeginningInterval) in g


def test_contradictory_dates_from_two_documents_are_both_kept(derived):
    g = derived.graph(GRAPH)
    sub = g.value(SUBDISTRICT, SIP.lifespan)
    assert dates(derived, sub, TIME.hasBeginning) == {"2012", "2013-06"}
    assert (sub, RDF.type, SIP.DisputedInterval) in g
    sources = {
        str(st)
        for b in g.objects(sub, TIME.hasBeginning)
        for st in g.objects(b, PROV.wasDerivedFrom)
    }
    assert len(sources) == 2, "each date keeps its own statement (and so its document)"


def test_a_relation_ends_with_its_subject(derived):
    g = derived.graph(GRAPH)
    during = relation(derived, TOWN, PARK)
    assert dates(derived, during, TIME.hasEnd) == {"2012"}
    assert (during, RDF.type, SIP.OpenBeginningInterval) in g
    marked = {g.value(e, SIP.markedBy) for e in g.objects(during, TIME.hasEnd)}
    assert marked == {ID["event/renaming"]}


def test_an_undated_relation_stays_open_and_says_so(derived):
    g = derived.graph(GRAPH)
    during = relation(derived, PARK, CITY)
    assert {SIP.OpenBeginningInterval, SIP.OpenEndInterval} <= set(g.objects(during, RDF.type))
    assert not list(g.objects(during, TIME.hasBeginning))
