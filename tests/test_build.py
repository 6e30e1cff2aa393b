"""The built graph: provenance for every fact, one graph per document, curation, atomic swap."""

from __future__ import annotations

import shutil

import pytest
from rdflib import URIRef
from rdflib.namespace import PROV

from sipkg.build.curation import CurationError
from sipkg.build.stages import BuildError, BuildReport, Paths, assemble, build
from sipkg.namespaces import SIP
from sipkg.paths import PROJECT
from sipkg.store import builds
from sipkg.yamlfile import InputError

DOCS = ("b8b52a2e8e474372", "f193373a2751c50a")


def test_the_report_counts_rules_and_curation(report):
    assert report.documents == len(list((PROJECT / "data" / "sources").glob("*.txt"))) == 18
    assert report.facts_from_rules > 100
    assert report.facts_from_curation >= 10
    assert report.evidence == report.evidence_verified > 0
    assert report.validation.ok
    assert report.entities_by_class["Designation"] >= 5


def test_the_report_says_what_each_document_gave(report):
    rows = {d.key: d for d in report.by_document}
    assert len(rows) == report.documents
    assert sum(d.observations for d in rows.values()) == report.observations
    assert sum(d.sentences for d in rows.values()) == report.sentences
    assert all(d.entities > 0 for d in rows.values())  # every document names something
    assert rows[DOCS[1]].events > 0 and rows[DOCS[1]].facts > 0
    text = report.to_text()
    assert "by document:" in text and DOCS[0][:8] in text
    assert report.to_dict()["by_document"][0]["key"] == report.by_document[0].key


def test_one_named_graph_per_source_document_plus_registry_ontology_inferred(select):
    graphs = {r["g"] for r in select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert {f"https://data.sipac.gov.cn/graph/source/{d}" for d in DOCS} <= graphs
    assert {
        f"https://data.sipac.gov.cn/graph/{g}" for g in ("registry", "ontology", "inferred")
    } <= graphs


def test_every_asserted_fact_has_a_statement_with_evidence(select):
    missing = select("""
        SELECT ?s ?p ?o WHERE {
          GRAPH ?g { ?s ?p ?o }
          FILTER(STRSTARTS(STR(?g), "https://data.sipac.gov.cn/graph/source/"))
          FILTER(STRSTARTS(STR(?s), "https://data.sipac.gov.cn/id/") && !CONTAINS(STR(?s), "/id/doc/"))
          FILTER(?p NOT IN (sip:mentions))
          FILTER NOT EXISTS {
            ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                prov:wasDerivedFrom/oa:hasTarget/oa:hasSelector/oa:exact ?quote ; sip:method ?m ; sip:confidence ?c .
          }
        }""")
    assert missing == []


def test_quotes_equal_the_document_text_at_their_offsets_in_plain_sparql(select):
    rows = select("""
        SELECT ?exact ?start ?end ?text WHERE {
          ?t oa:hasSource ?doc ; oa:hasSelector ?q, ?pos .
          ?q oa:exact ?exact . ?pos oa:start ?start ; oa:end ?end .
          ?doc rdf:value ?text .
        }""")
    assert rows
    for r in rows:
        assert r["text"][int(r["start"]) : int(r["end"])] == r["exact"]


def test_statistics_are_data_cube_observations_in_base_units(select):
    [gdp] = select("""
        SELECT ?value ?unit ?period WHERE {
          ?o a qb:Observation ; sip:indicator <https://data.sipac.gov.cn/def/indicator/gdp> ;
             sip:refArea <https://data.sipac.gov.cn/id/place/suzhou-industrial-park> ; sip:value ?value ;
             sdmx-attribute:unitMeasure ?unit ; sip:refPeriod ?period .
        }""")
    assert float(gdp["value"]) == 191_000_000_000
    assert gdp["unit"].endswith("/def/unit/cny") and gdp["period"] == "2013"


def test_inferred_triples_live_in_their_own_graph(select):
    rows = select("""
        SELECT ?g WHERE { GRAPH ?g { <https://data.sipac.gov.cn/id/org/sip-social-management-bureau> a org:Organization } }""")
    assert [r["g"] for r in rows] == ["https://data.sipac.gov.cn/graph/inferred"]


def test_a_curated_fact_cites_its_entry_and_quote(select):
    rows = select("""
        SELECT ?method ?exact WHERE {
          ?st rdf:subject <https://data.sipac.gov.cn/id/place/suzhou-industrial-park> ; rdf:predicate sip:locatedIn ;
              rdf:object <https://data.sipac.gov.cn/id/place/suzhou> ; sip:method ?method ;
              prov:wasDerivedFrom/oa:hasTarget/oa:hasSelector/oa:exact ?exact .
        }""")  # other documents state it too (苏州市工业园区, an address)
    [row] = [r for r in rows if "/def/method/curation" in r["method"]]
    assert row["method"].endswith("/def/method/curation-sip-in-suzhou")
    assert row["exact"] == "园区以占苏州市3.4%的土地"


def test_what_a_sentence_sets_up_is_what_is_modelled_on_the_practice(select):
    """将每个邻里中心15%的面积用于设立“民众联络所”: the community centres follow Singapore, not the host."""
    assert not select("""SELECT * WHERE { <https://data.sipac.gov.cn/id/site/neighbourhood-centres> sip:modelledOn
        <https://data.sipac.gov.cn/def/singapore-practice/community-service> }""")


DISPATCHED = (
    URIRef("https://data.sipac.gov.cn/id/org/sip-administrative-committee"),
    SIP.dispatchedAgencyOf,
    URIRef("https://data.sipac.gov.cn/id/org/suzhou-municipal-government"),
)


def review_entry(action: str, obj: str = "org/suzhou-municipal-government"):
    def write(d):
        (d / "curation" / "test.yaml").write_text(
            f"- id: test-{action}\n  action: {action}\n  doc: f193373a2751c50a\n"
            "  quote: 苏州工业园区管理委员会是苏州市人民政府的派出机构\n"
            "  subject: org/sip-administrative-committee\n  predicate: dispatchedAgencyOf\n"
            f"  object: {obj}\n  reason: test\n",
            encoding="utf-8",
        )

    return write


def statement_of(dataset, fact) -> tuple[set[str], int]:
    """The methods of the statement about `fact`, and how many pieces of evidence it has."""
    rows = list(
        dataset.query(
            """SELECT ?method ?ev WHERE { GRAPH ?g {
        ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; sip:method ?method ; prov:wasDerivedFrom ?ev } }""",
            initBindings=dict(zip(("s", "p", "o"), fact)),
            initNs={"sip": SIP, "prov": PROV},
        )
    )
    return {str(r[0]).rsplit("/", 1)[-1] for r in rows}, len({r[1] for r in rows})


def test_a_reject_entry_takes_an_extracted_fact_out(paths, tmp_path):
    kept = assemble(Paths(data=paths.data, home=paths.home), BuildReport())
    report = BuildReport()
    rejected = assemble(broken_copy(paths, tmp_path, review_entry("reject")), report)
    assert report.curation["reject"] == 1
    assert any(DISPATCHED in g for g in kept.dataset.graphs())
    assert not any(DISPATCHED in g for g in rejected.dataset.graphs())


def test_an_accept_entry_keeps_the_fact_with_the_reviewers_evidence(paths, tmp_path):
    report = BuildReport()
    accepted = assemble(broken_copy(paths, tmp_path, review_entry("accept")), report)
    assert report.curation["accept"] == 1
    assert any(DISPATCHED in g for g in accepted.dataset.graphs())
    methods, evidence = statement_of(accepted.dataset, DISPATCHED)
    assert (
        methods == {"curation-test-accept"} and evidence == 2
    )  # the rule's quote and the reviewer's


def test_accepting_a_fact_no_rule_found_is_an_error(paths, tmp_path):
    with pytest.raises(CurationError, match="accept 'test-accept': no extracted fact matches"):
        assemble(
            broken_copy(paths, tmp_path, review_entry("accept", "place/suzhou")), BuildReport()
        )


def test_dumps_are_written(paths):
    info = builds.current(paths.store)
    assert (info.path / "dumps" / "sipkg.trig").stat().st_size > 0
    assert (info.path / "dumps" / "sipkg.nq").stat().st_size > 0


def broken_copy(paths: Paths, tmp_path, edit) -> Paths:
    data = tmp_path / "data"
    shutil.copytree(paths.data, data)
    edit(data)
    return Paths(data=data, home=paths.home)


@pytest.mark.parametrize(
    "edit, error, message",
    [
        (
            lambda d: (d / "curation" / "bad.yaml").write_text(
                "- id: bad-quote\n  doc: f193373a2751c50a\n  quote: 这句话不在文中\n  subject: place/suzhou\n"
                "  predicate: locatedIn\n  object: place/china\n  reason: test\n",
                encoding="utf-8",
            ),
            CurationError,
            r"bad.yaml:1: quote not found",
        ),
        (
            lambda d: (d / "curation" / "bad.yaml").write_text(
                "- id: bad-entity\n  doc: f193373a2751c50a\n  quote: 苏州工业园区\n  occurrence: 1\n  subject: place/atlantis\n"
                "  predicate: locatedIn\n  object: place/china\n  reason: test\n",
                encoding="utf-8",
            ),
            CurationError,
            "unknown entity 'place/atlantis'",
        ),
        (
            lambda d: (d / "curation" / "bad.yaml").write_text(
                "- id: x\n  doc: [\n", encoding="utf-8"
            ),
            CurationError,
            "invalid YAML",
        ),
        (
            lambda d: (d / "curation" / "bad.yaml").write_text(
                "- id: bad-date\n  doc: f193373a2751c50a\n  quote: 苏州工业园区管理委员会是苏州市人民政府的派出机构\n"
                "  as_of: spring 2014\n  reason: test\n",
                encoding="utf-8",
            ),
            CurationError,
            r"bad.yaml:1: as_of 'spring 2014' must be YYYY",
        ),
        (
            lambda d: (d / "sources" / "000_b8b52a2e8e474372.txt").write_bytes(
                b"\xff\xfe\x00broken"
            ),
            InputError,
            "000_b8b52a2e8e474372.txt",
        ),
        (
            lambda d: (d / "registry.yaml").write_text(
                (d / "registry.yaml")
                .read_text(encoding="utf-8")
                .replace("key: suzhou, ", "key: Su Zhou, "),
                encoding="utf-8",
            ),
            BuildError,
            r"registry.yaml: line \d+, entity #\d+ \(Su Zhou\): key must be lowercase",
        ),
    ],
)
def test_a_bad_input_fails_the_build_and_the_previous_store_keeps_serving(
    paths, tmp_path, edit, error, message
):
    before = builds.current(paths.store)
    with pytest.raises(error, match=message):
        build(broken_copy(paths, tmp_path, edit))
    after = builds.current(paths.store)
    assert after.path == before.path and after.version == before.version
    handle, _ = builds.open_read_only(paths.store)
    assert len(handle) == before.quads


def curation_entry(d, body: str) -> None:
    (d / "curation" / "test.yaml").write_text(
        "- id: test-entry\n  doc: f193373a2751c50a\n  quote: 苏州工业园区管理委员会是苏州市人民政府的派出机构\n"
        "  subject: place/suzhou\n  reason: test\n" + body,
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    "body, message",
    [
        ("  predicate: dct:date\n  object: {value: last spring}\n", r"SHACL .* violation"),
        (
            "  predicate: rdf:type\n  object: {class: Bureau}\n",
            r"INCONSISTENT[\s\S]*id:place/suzhou",
        ),
    ],
)
def test_a_fact_that_breaks_the_shapes_or_the_ontology_fails_the_build(
    paths, tmp_path, body, message
):
    before = builds.current(paths.store)
    with pytest.raises(BuildError, match=message):
        build(broken_copy(paths, tmp_path, lambda d: curation_entry(d, body)))
    assert builds.current(paths.store).version == before.version


def test_the_default_graph_is_the_merge_each_triple_once(select):
    rows = select(
        """SELECT ?p WHERE { <https://data.sipac.gov.cn/id/site/neighbourhood-centres> sip:modelledOn ?p }"""
    )
    assert len(rows) == len({r["p"] for r in rows}) >= 2
    both = select("""SELECT ?g WHERE { GRAPH ?g { <https://data.sipac.gov.cn/id/site/community-centres>
        sip:modelledOn <https://data.sipac.gov.cn/def/singapore-practice/community-club> } }""")
    assert len(both) == 2  # both documents say so, each in its own graph
