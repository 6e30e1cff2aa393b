"""Each conferral of a designation is its own dated event with its own conferrer and evidence."""

from __future__ import annotations

from texts import text_document

from sipkg.build.conferrals import conferrals
from sipkg.build.documents import Document
from sipkg.build.extract.model import EntityInfo, Evidence, Fact, Ref, Value
from sipkg.namespaces import BASE

TEXT = "2012年9月,两国政府将园区确定为试点单位。2013年1月,中央综治办授予园区“试点单位”称号。"
PILOT = Ref("designation", "pilot")
PARK = Ref("place", "park")
GOVERNMENT, OFFICE = Ref("org", "government"), Ref("org", "office")


def document() -> Document:
    return text_document(TEXT, key="d", published="2016-01-01")


def said(subject: Ref, predicate: str, obj, quote: str) -> Fact:
    start = TEXT.index(quote)
    return Fact(subject, predicate, obj, Evidence("d", start, start + len(quote), "rule:t", 0.9))


ENTITIES = {PILOT: EntityInfo(PILOT, "Designation", "试点单位", "Pilot unit")}


def test_one_designation_conferred_twice_is_two_conferrals_each_with_its_own_conferrer():
    facts = [
        said(PILOT, "recipient", PARK, "两国政府将园区确定为试点单位"),
        said(PILOT, "conferredBy", GOVERNMENT, "两国政府将园区确定为试点单位"),
        said(PILOT, "dct:date", Value("2012-09", "gYearMonth"), "2012年9月"),
        said(PILOT, "recipient", PARK, "中央综治办授予园区“试点单位”称号"),
        said(PILOT, "conferredBy", OFFICE, "中央综治办授予园区“试点单位”称号"),
        said(PILOT, "dct:date", Value("2013-01", "gYearMonth"), "2013年1月"),
    ]
    out, names = conferrals(facts, {"d": document()}, ENTITIES)
    by = {(f.subject.key, f.predicate): f.object for f in out if f.predicate != "rdf:type"}
    assert by == {
        ("conferral-2012-09-pilot", "confers"): PILOT,
        ("conferral-2012-09-pilot", "recipient"): PARK,
        ("conferral-2012-09-pilot", "conferredBy"): GOVERNMENT,
        ("conferral-2012-09-pilot", "dct:date"): Value("2012-09", "gYearMonth"),
        ("conferral-2013-01-pilot", "confers"): PILOT,
        ("conferral-2013-01-pilot", "recipient"): PARK,
        ("conferral-2013-01-pilot", "conferredBy"): OFFICE,
        ("conferral-2013-01-pilot", "dct:date"): Value("2013-01", "gYearMonth"),
    }
    assert not [f for f in out if f.subject == PILOT]  # the designation carries neither date
    assert {i.zh for i in names} == {
        "授予“试点单位”称号(2012年9月)",
        "授予“试点单位”称号(2013年1月)",
    }
    office = next(f for f in out if f.object == OFFICE)
    assert TEXT[office.evidence.start : office.evidence.end] == "中央综治办授予园区“试点单位”称号"


def test_an_award_read_from_the_same_sentence_is_the_conferral_told_once():
    award = Ref("event", "award-2013-01-park")
    facts = [
        said(PILOT, "recipient", PARK, "中央综治办授予园区“试点单位”称号"),
        said(PILOT, "dct:date", Value("2013-01", "gYearMonth"), "2013年1月"),
        said(award, "rdf:type", Value("Award", "class"), "中央综治办授予园区"),
        said(award, "dct:date", Value("2013-01", "gYearMonth"), "2013年1月"),
        said(award, "concerns", PARK, "中央综治办授予园区"),
        said(award, "agent", OFFICE, "中央综治办授予园区"),
    ]
    out, _ = conferrals(facts, {"d": document()}, ENTITIES)
    assert not [f for f in out if f.subject == award]
    assert (
        Fact(Ref("event", "conferral-2013-01-pilot"), "conferredBy", OFFICE, facts[5].evidence)
        in out
    )


def test_an_undated_conferral_is_named_after_its_sentence():
    facts = [said(PILOT, "recipient", PARK, "中央综治办授予园区“试点单位”称号")]
    out, _ = conferrals(facts, {"d": document()}, ENTITIES)
    assert {f.subject.key for f in out} == {"conferral-pilot-d-2"}


def test_the_pilot_unit_is_conferred_by_whom_conferred_it_then(select):
    rows = select(f"""SELECT ?date ?by WHERE {{
        ?c a sip:Conferral ; sip:confers <{BASE}/id/designation/china-singapore-pilot-unit> ;
           dct:date ?date ; sip:conferredBy ?by }}""")
    found = {(r["date"], r["by"].rsplit("/", 1)[-1]) for r in rows}
    assert found == {
        ("2012-09", "government-of-china"),
        ("2012-09", "government-of-singapore"),
        ("2013-01", "central-comprehensive-management-office"),
    }
    assert select(f"""ASK {{ <{BASE}/id/designation/china-singapore-pilot-unit>
        dct:date|sip:conferredBy|sip:recipient ?x }}""") == [{"result": "false"}]


def test_each_conferral_has_evidence(select):
    rows = select("""SELECT ?c ?p WHERE { ?c a sip:Conferral ; ?p ?o .
        FILTER(?p IN (sip:confers, sip:recipient, sip:conferredBy, dct:date))
        FILTER NOT EXISTS { GRAPH ?g { ?st rdf:subject ?c ; rdf:predicate ?p ; rdf:object ?o ;
                                          prov:wasDerivedFrom ?ev } } }""")
    assert rows == []


def test_the_designation_list_gives_each_conferral_its_date_and_conferrer(client):
    data = client.get("/kind/designation.json").get_json()
    pilot = next(e for e in data["entities"] if e["iri"].endswith("/china-singapore-pilot-unit"))
    shown = [
        (c.get("date"), [b["iri"].rsplit("/", 1)[-1] for b in c["conferrers"]])
        for c in pilot["conferrals"]
    ]
    assert shown == [
        ("2012", []),
        ("2012-09", ["government-of-china", "government-of-singapore"]),
        ("2013-01", ["central-comprehensive-management-office"]),
    ]
    html = client.get("/kind/designation").get_data(as_text=True)
    assert '<time datetime="2013-01">2013年1月</time>' in html
    assert "中央社会治安综合治理委员会办公室" in html


def test_the_timeline_shows_each_conferral_with_its_own_conferrer(client):
    entries = client.get("/timeline.json").get_json()["entries"]
    pilot = {
        e["date"]: sorted(i["node"]["id"].rsplit("/", 1)[-1] for i in e["involves"])
        for e in entries
        if "conferral-" in e["entity"]["id"]
        and e["entity"]["id"].endswith("china-singapore-pilot-unit")
    }
    assert "central-comprehensive-management-office" in pilot["2013-01"]
    assert "central-comprehensive-management-office" not in pilot["2012-09"]
    assert "government-of-china" in pilot["2012-09"]


def test_the_ontology_documents_the_conferral_and_its_date(client):
    page = client.get("/def/sip", headers={"Accept": "text/html"}).get_data(as_text=True)
    i = page.index('id="Conferral"')
    assert "dct:date" in page[i : i + 4000]
