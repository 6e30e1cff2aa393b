"""SHACL shapes and the validation report a user reads when the build fails."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from sipkg.build.ontology import ConsistencyResult, load_ontology
from sipkg.build.validate import ValidationReport, load_shapes, validate, validate_shacl
from sipkg.namespaces import BASE, OA, SIP

FIXTURES = Path(__file__).parent / "fixtures"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # rdflib's XSD warns when pytest inspects it
ADMIN = URIRef(f"{BASE}/id/org/sip-admin-committee")
STATEMENT = URIRef(f"{BASE}/data/statement/9f01")
POSITION = URIRef(f"{BASE}/data/evidence/3101#position")
OBSERVATION = URIRef(f"{BASE}/data/obs/5c01")
FOUNDING = URIRef(f"{BASE}/id/event/sip-founding")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def fixture(name: str) -> Graph:
    return Graph().parse(FIXTURES / name)


def test_valid_fixture_conforms(ontology: Graph, shapes: Graph) -> None:
    result = validate_shacl(fixture("valid.ttl"), shapes, ontology)
    assert result.conforms, result.lines
    assert result.violations == 0


BROKEN_FIXTURES = [
    (
        "missing-en-label.ttl",
        "id:org/social-administration-bureau — rdfs:label — Entity needs an English name",
    ),
    (
        "bad-iri-key.ttl",
        "id:org/Social_Bureau — (the node itself) — Entity IRI must be {base}/id/{type}/{key}",
    ),
    (
        "statement-without-evidence.ttl",
        "statement/9f02> — prov:wasDerivedFrom — Fact statement has no evidence",
    ),
    (
        "evidence-without-position.ttl",
        (
            "evidence/3102> — oa:hasTarget/oa:hasSelector — "
            "Evidence target needs exactly one oa:TextPositionSelector"
        ),
    ),
]


@pytest.mark.parametrize(("name", "expected"), BROKEN_FIXTURES)
def test_broken_fixture_gets_one_readable_violation(
    ontology: Graph, shapes: Graph, name: str, expected: str
) -> None:
    result = validate_shacl(fixture(name), shapes, ontology)
    assert not result.conforms
    assert result.violations == 1, result.lines
    assert expected in result.lines[0]


MUTATIONS = [
    pytest.param(
        (ADMIN, RDFS.label, None),
        [
            (ADMIN, RDFS.label, Literal("管委会", lang="zh-Hans")),
            (ADMIN, RDFS.label, Literal("园区管委会", lang="zh-Hans")),
        ],
        "Entity needs exactly one Chinese name",
        id="two-chinese-labels",
    ),
    pytest.param(
        (STATEMENT, SIP.confidence, None),
        [(STATEMENT, SIP.confidence, Literal(0.9))],
        "sip:confidence, an xsd:decimal between 0 and 1",
        id="confidence-as-double",
    ),
    pytest.param(
        (STATEMENT, SIP.confidence, None),
        [(STATEMENT, SIP.confidence, Literal(Decimal("1.5")))],
        "sip:confidence, an xsd:decimal between 0 and 1",
        id="confidence-above-one",
    ),
    pytest.param(
        (POSITION, OA.end, None),
        [(POSITION, OA.end, Literal(0))],
        "oa:start must be less than its oa:end",
        id="empty-quote-position",
    ),
    pytest.param(
        (OBSERVATION, SIP.value, None),
        [(OBSERVATION, SIP.value, Literal(191000000000))],
        "sip:value, an xsd:decimal in the base unit",
        id="value-as-integer",
    ),
    pytest.param(
        (OBSERVATION, SIP.refPeriod, None),
        [(OBSERVATION, SIP.refPeriod, Literal("2013"))],
        "sip:refPeriod, an xsd:gYear, xsd:gYearMonth or xsd:date",
        id="period-as-plain-string",
    ),
    pytest.param(
        (FOUNDING, DCTERMS.date, None),
        [(FOUNDING, DCTERMS.date, Literal("1994年2月"))],
        "dct:date must be an xsd:gYear, xsd:gYearMonth or xsd:date",
        id="date-as-chinese-text",
    ),
]


@pytest.mark.parametrize(("remove", "add", "expected"), MUTATIONS)
def test_broken_valid_fixture_is_reported(
    ontology: Graph, shapes: Graph, remove: tuple, add: list, expected: str
) -> None:
    data = fixture("valid.ttl")
    data.remove(remove)
    for triple in add:
        data.add(triple)
    result = validate_shacl(data, shapes, ontology)
    assert not result.conforms
    assert any(expected in line for line in result.lines), result.lines


def test_entity_typed_only_by_subclass_is_targeted_through_the_ontology(shapes: Graph) -> None:
    """Without the ontology's class hierarchy a sip:Bureau is not known to be an organisation."""
    assert validate_shacl(fixture("missing-en-label.ttl"), shapes).conforms


def test_shapes_follow_the_configured_base(ontology: Graph) -> None:
    other = "http://localhost:8080"
    text = (FIXTURES / "valid.ttl").read_text(encoding="utf-8").replace(BASE, other)
    data = Graph().parse(data=text, format="turtle")
    assert validate_shacl(data, load_shapes(other), load_ontology(other)).conforms
    assert not validate_shacl(data, load_shapes(), ontology).conforms


def test_report_lists_what_was_checked_and_every_problem(ontology: Graph, shapes: Graph) -> None:
    shacl = validate_shacl(fixture("missing-en-label.ttl"), shapes, ontology)
    owl = ConsistencyResult(False, "HermiT", 1.25, "Contradiction.\nid:org/x: …", [])
    text = ValidationReport(2, shacl, owl).to_text()
    assert text.splitlines()[0] == "Validation FAILED: 2 triples checked."
    assert "SHACL (shapes.ttl, " in text and "1 violation." in text
    assert "  id:org/social-administration-bureau — rdfs:label — Entity needs" in text
    assert "OWL consistency (HermiT, 1.2 s): INCONSISTENT." in text
    assert "  id:org/x: …" in text


def test_report_is_ok_only_when_everything_holds(ontology: Graph, shapes: Graph) -> None:
    shacl = validate_shacl(fixture("valid.ttl"), shapes, ontology)
    good = ConsistencyResult(True, "HermiT", 1.0, "HermiT found no contradiction.", [])
    unsatisfiable = ConsistencyResult(True, "HermiT", 1.0, "…", [str(SIP.Bureau)])
    assert ValidationReport(66, shacl, good).ok
    assert not ValidationReport(66, shacl, unsatisfiable).ok
    as_dict = ValidationReport(66, shacl, good).to_dict()
    assert as_dict["ok"] is True and as_dict["shacl"]["conforms"] is True
    json.dumps(as_dict)


def as_dataset(graph: Graph) -> Dataset:
    """The fixture split as the build splits it: entity types in one graph, the rest in another."""
    dataset = Dataset()
    registry = dataset.graph(URIRef(f"{BASE}/graph/registry"))
    source = dataset.graph(URIRef(f"{BASE}/graph/source/f193373a2751c50a"))
    for s, p, o in graph:
        is_entity_type = p == RDF.type and str(s).startswith(f"{BASE}/id/") and "/doc/" not in s
        (registry if is_entity_type else source).add((s, p, o))
    return dataset


@pytest.mark.integration
def test_validate_passes_a_valid_dataset(ontology: Graph) -> None:
    result = validate(as_dataset(fixture("valid.ttl")), ontology)
    assert result.ok, result.to_text()
    assert result.triples == len(fixture("valid.ttl"))


@pytest.mark.integration
def test_validate_explains_a_contradiction(ontology: Graph) -> None:
    result = validate(fixture("contradictory.ttl"), ontology)
    assert not result.ok
    assert result.shacl.conforms
    assert "sip:Organisation and sip:Place are disjoint" in result.to_text()
