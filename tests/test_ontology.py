"""The ontology and its code lists, the materialiser, and the HermiT consistency check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, QB, RDF, RDFS, SKOS

from sipkg.build.ontology import check_consistency, load_ontology, materialise
from sipkg.namespaces import (
    BASE,
    CV,
    DEFAULT_BASE,
    ELI,
    GEO,
    OA,
    ORG,
    SCHEMA,
    SDMX_ATTRIBUTE,
    SDMX_DIMENSION,
    SDMX_MEASURE,
    SIP,
    SIP_NS,
    TIME,
    VANN,
)

FIXTURES = Path(__file__).parent / "fixtures"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # rdflib's XSD warns when pytest inspects it
TERMS = sorted(SIP.__annotations__)
DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
STANDARD = (ORG, CV, PROV, SKOS, QB, SCHEMA, DCTERMS, FOAF, OA, GEO, ELI, TIME)
STANDARD_NAMESPACES = tuple(
    str(ns) for ns in (*STANDARD, SDMX_DIMENSION, SDMX_MEASURE, SDMX_ATTRIBUTE)
)
RESERVED_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))
KEBAB = r"[a-z0-9]+(-[a-z0-9]+)*"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def declared(ontology: Graph, *kinds: URIRef) -> set[URIRef]:
    return {s for kind in kinds for s in ontology.subjects(RDF.type, kind)}


def languages(ontology: Graph, subject: URIRef, predicate: URIRef) -> set[str]:
    return {(o.language or "").lower() for o in ontology.objects(subject, predicate)}


def ancestors(ontology: Graph, term: URIRef) -> set[URIRef]:
    up = set(ontology.transitive_objects(term, RDFS.subClassOf))
    up |= set(ontology.transitive_objects(term, RDFS.subPropertyOf))
    return up - {term}


# --------------------------------------------------------------------------- the SIP contract


def test_namespace_lists_exactly_the_declared_terms(ontology: Graph) -> None:
    ours = {
        str(t)[len(SIP_NS) :]
        for t in declared(ontology, *DECLARATION_TYPES)
        if str(t).startswith(SIP_NS)
    }
    assert sorted(ours - set(TERMS)) == [], "declared in sip.ttl but missing from SIP"
    assert sorted(set(TERMS) - ours) == [], "listed in SIP but not declared in sip.ttl"


def test_every_sip_iri_used_in_the_ontology_is_declared(ontology: Graph) -> None:
    used = {
        str(node)
        for triple in ontology
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(SIP_NS)
    }
    assert sorted(used - {str(SIP[t]) for t in TERMS}) == []


@pytest.mark.parametrize("term", TERMS)
def test_term_is_described_in_chinese_and_english(ontology: Graph, term: str) -> None:
    for predicate in (RDFS.label, SKOS.prefLabel, SKOS.definition):
        assert {"zh-hans", "en"} <= languages(ontology, SIP[term], predicate), predicate


@pytest.mark.parametrize("term", TERMS)
def test_term_specialises_a_standard_term(ontology: Graph, term: str) -> None:
    """Directly or through sip: ancestors, every term has an ancestor in a standard vocabulary."""
    standard = {a for a in ancestors(ontology, SIP[term]) if str(a).startswith(STANDARD_NAMESPACES)}
    assert standard, f"sip:{term} has no ancestor in a standard vocabulary"


def test_bureau_inherits_the_standard_organisation_classes(ontology: Graph) -> None:
    assert {
        ORG.FormalOrganization,
        ORG.Organization,
        CV.PublicOrganisation,
        SCHEMA.GovernmentOrganization,
        FOAF.Agent,
    } <= ancestors(ontology, SIP.Bureau)


def test_residents_committee_is_not_a_public_body(ontology: Graph) -> None:
    assert SIP.PublicBody not in ancestors(ontology, SIP.ResidentsCommittee)
    assert (SIP.ResidentsCommittee, OWL.disjointWith, SIP.PublicBody) in ontology


# --------------------------------------------------------------------------- OWL 2 DL


def test_properties_have_one_owl_kind(ontology: Graph) -> None:
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    clashes = [
        p
        for p in declared(ontology, *kinds)
        if sum((p, RDF.type, k) in ontology for k in kinds) > 1
    ]
    assert clashes == []


def test_subproperties_keep_their_superproperty_kind(ontology: Graph) -> None:
    kind = {
        p: k
        for k in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for p in ontology.subjects(RDF.type, k)
    }
    mixed = [
        (s, o)
        for s, o in ontology.subject_objects(RDFS.subPropertyOf)
        if kind.get(s) != kind.get(o)
    ]
    assert mixed == []


def test_no_reserved_vocabulary_is_used_as_a_class_or_property(ontology: Graph) -> None:
    terms = declared(ontology, *DECLARATION_TYPES) | {
        o
        for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, OWL.inverseOf)
        for o in ontology.objects(None, p)
        if isinstance(o, URIRef)
    }
    reserved = [t for t in terms if str(t).startswith(RESERVED_NAMESPACES) and t != OWL.Thing]
    assert reserved == []


def test_every_referenced_class_and_property_is_declared(ontology: Graph) -> None:
    known = declared(ontology, *DECLARATION_TYPES)
    referenced = {
        node
        for p in (
            RDFS.subClassOf,
            RDFS.subPropertyOf,
            RDFS.domain,
            RDFS.range,
            OWL.inverseOf,
            OWL.disjointWith,
        )
        for s, o in ontology.subject_objects(p)
        for node in (s, o)
        if isinstance(node, URIRef) and not str(node).startswith(str(XSD))
    }
    assert sorted(referenced - known) == []


def test_no_transitive_property_or_its_ancestors_is_functional(ontology: Graph) -> None:
    """OWL 2 DL: non-simple properties (transitive, their inverses and super-properties)."""
    non_simple = set(ontology.subjects(RDF.type, OWL.TransitiveProperty))
    while True:
        grown = non_simple | {
            o for p in non_simple for o in ontology.objects(p, RDFS.subPropertyOf)
        }
        grown |= {q for p in grown for q in ontology.objects(p, OWL.inverseOf)}
        grown |= {q for p in grown for q in ontology.subjects(OWL.inverseOf, p)}
        if grown == non_simple:
            break
        non_simple = grown
    functional = declared(ontology, OWL.FunctionalProperty, OWL.InverseFunctionalProperty)
    assert non_simple & functional == set()


# --------------------------------------------------------------------------- header


def test_header_publishes_version_licence_and_prefix(ontology: Graph) -> None:
    header = URIRef(f"{BASE}/def/sip")
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionIRI) == URIRef(f"{BASE}/def/sip/0.1.0")
    assert str(ontology.value(header, OWL.versionInfo)) == "0.1.0"
    assert ontology.value(header, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert str(ontology.value(header, VANN.preferredNamespacePrefix)) == "sip"
    assert str(ontology.value(header, VANN.preferredNamespaceUri)) == SIP_NS
    assert {"zh-hans", "en"} <= languages(ontology, header, DCTERMS.title)


def test_ontology_moves_to_another_base() -> None:
    moved = load_ontology("http://localhost:8080/")
    assert not [t for t in moved for n in t if DEFAULT_BASE in str(n)]
    header = URIRef("http://localhost:8080/def/sip")
    assert moved.value(header, OWL.versionIRI) == URIRef("http://localhost:8080/def/sip/0.1.0")


# --------------------------------------------------------------------------- code lists


def concepts(ontology: Graph) -> set[URIRef]:
    kinds = {SKOS.Concept} | set(ontology.subjects(RDFS.subClassOf, SKOS.Concept))
    return {c for k in kinds for c in ontology.subjects(RDF.type, k) if isinstance(c, URIRef)}


def test_every_concept_is_bilingual_and_in_its_scheme(ontology: Graph) -> None:
    for concept in sorted(concepts(ontology)):
        scheme = ontology.value(concept, SKOS.inScheme)
        assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology, concept
        assert re.fullmatch(re.escape(f"{scheme}/") + KEBAB, str(concept)), concept
        assert {"zh-hans", "en"} <= languages(ontology, concept, SKOS.prefLabel), concept
        assert {"zh-hans", "en"} <= languages(ontology, concept, SKOS.definition), concept
        is_top = (concept, SKOS.topConceptOf, scheme) in ontology
        assert is_top or ontology.value(concept, SKOS.broader) is not None, concept


def test_every_scheme_is_bilingual(ontology: Graph) -> None:
    for scheme in ontology.subjects(RDF.type, SKOS.ConceptScheme):
        assert re.fullmatch(re.escape(f"{BASE}/def/") + KEBAB, str(scheme)), scheme
        assert {"zh-hans", "en"} <= languages(ontology, scheme, SKOS.prefLabel), scheme


def kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def test_institution_kinds_match_organisation_and_facility_classes(ontology: Graph) -> None:
    classes = {
        c
        for root in (SIP.Organisation, SIP.Facility)
        for c in ontology.transitive_subjects(RDFS.subClassOf, root)
    }
    for cls in classes:
        code = kebab(str(cls)[len(SIP_NS) :])
        concept = URIRef(f"{BASE}/def/institution-kind/{code}")
        assert (concept, RDF.type, SIP.InstitutionKind) in ontology, code
        assert (concept, RDFS.seeAlso, cls) in ontology, code
    assert len(set(ontology.subjects(RDF.type, SIP.InstitutionKind))) == len(classes)


PIPELINE_CODES = [
    (
        "indicator",
        (
            "area resident-population gdp gdp-growth public-budget-revenue "
            "public-budget-revenue-growth retail-sales retail-sales-growth foreign-investment-utilised "
            "import-export-total fixed-asset-investment disposable-income-growth average-annual-growth "
            "land-share population-share economy-share facility-count organisation-count person-count "
            "household-count floor-area share-of-area funding per-capita-net-income average-age "
            "share-with-degree event-count suggestion-count duration-years disposable-income "
            "community-count relocated-community-count social-organisation-count volunteer-count "
            "member-count social-worker-count patrol-team-count programme-count place-count"
        ),
    ),
    (
        "unit",
        (
            "cny usd eur hkd jpy sgd gbp square-metre metre kilogram percent percentage-point "
            "item person household session occurrence year month week day hour minute times"
        ),
    ),
    ("approximation", "about nearly more-than at-least at-most less-than"),
    (
        "function",
        (
            "community-management judicial-administration petitions regional-integration "
            "social-affairs economic-promotion grassroots-self-governance community-party-building"
        ),
    ),
    ("method", "registry recogniser"),
    ("programme-kind", "pilot project initiative campaign reform-programme system-building"),
    (
        "designation-kind",
        "pilot-unit demonstration-zone experimental-zone honour excellence-award ranking",
    ),
    (
        "singapore-practice",
        (
            "neighbourhood-centre community-club small-government-big-society "
            "meet-the-people-session community-management tripartism neighbourhood-watch night-court "
            "community-service public-administration community-building"
        ),
    ),
]


@pytest.mark.parametrize(("scheme", "codes"), PIPELINE_CODES)
def test_code_lists_hold_the_codes_the_pipeline_uses(
    ontology: Graph, scheme: str, codes: str
) -> None:
    present = {
        str(c).rsplit("/", 1)[1]
        for c in ontology.subjects(SKOS.inScheme, URIRef(f"{BASE}/def/{scheme}"))
    }
    assert sorted(set(codes.split()) - present) == []


def test_statistics_structure_lists_its_components(ontology: Graph) -> None:
    structure = URIRef(f"{BASE}/data/statistics/structure")
    components = {
        (p, ontology.value(spec, p))
        for spec in ontology.objects(structure, QB.component)
        for p in (QB.dimension, QB.measure, QB.attribute)
        if ontology.value(spec, p) is not None
    }
    assert components == {
        (QB.dimension, SIP.refArea),
        (QB.dimension, SIP.refPeriod),
        (QB.dimension, SIP.indicator),
        (QB.measure, SIP.value),
        (QB.attribute, SDMX_ATTRIBUTE.unitMeasure),
        (QB.attribute, SIP.approximation),
        (QB.attribute, SIP.statedValue),
    }
    assert ontology.value(URIRef(f"{BASE}/data/statistics"), QB.structure) == structure


# --------------------------------------------------------------------------- materialise

A, B, C = (URIRef(f"{BASE}/id/org/{key}") for key in ("a", "b", "c"))
P, Q, R, S = (URIRef(f"{BASE}/id/place/{key}") for key in ("p", "q", "r", "s"))
OBS = URIRef(f"{BASE}/data/obs/1")
YEAR = Literal("2013", datatype=XSD.gYear)

MATERIALISE_CASES = [
    pytest.param(
        [(A, RDF.type, SIP.Bureau)],
        {
            (A, RDF.type, SIP.PublicBody),
            (A, RDF.type, SIP.Organisation),
            (A, RDF.type, ORG.Organization),
            (A, RDF.type, ORG.FormalOrganization),
            (A, RDF.type, CV.PublicOrganisation),
            (A, RDF.type, FOAF.Agent),
        },
        id="subclass-types-up-to-standard-classes",
    ),
    pytest.param(
        [(A, SIP.serviceWindowOf, B)],
        {(B, SIP.hasServiceWindow, A), (A, ORG.linkedTo, B), (B, ORG.linkedTo, A)},
        id="inverse-forwards",
    ),
    pytest.param(
        [(B, SIP.hasServiceWindow, A)],
        {(A, SIP.serviceWindowOf, B)},
        id="inverse-backwards",
    ),
    pytest.param(
        [(P, SIP.locatedIn, Q), (Q, SIP.locatedIn, R), (R, SIP.locatedIn, S)],
        {
            (P, SIP.locatedIn, R),
            (P, SIP.locatedIn, S),
            (Q, SIP.locatedIn, S),
            (S, SIP.contains, P),
            (R, SIP.contains, P),
        },
        id="transitive-chain-of-three",
    ),
    pytest.param(
        [(A, SIP.dispatchedAgencyOf, B), (B, SIP.unitOf, C)],
        {
            (A, SIP.subOrganisationOf, B),
            (A, ORG.subOrganizationOf, B),
            (A, SIP.subOrganisationOf, C),
            (C, SIP.hasSubOrganisation, A),
            (C, ORG.hasUnit, B),
            (A, ORG.transitiveSubOrganizationOf, C),
        },
        id="subproperty-to-org-suborganizationof-and-transitivity",
    ),
    pytest.param(
        [(A, SIP.cooperatesWith, B)],
        {(B, SIP.cooperatesWith, A), (B, ORG.linkedTo, A)},
        id="symmetric",
    ),
    pytest.param(
        [(OBS, SIP.refPeriod, YEAR)],
        {(OBS, SDMX_DIMENSION.refPeriod, YEAR)},
        id="literal-values-get-superproperties",
    ),
]


@pytest.mark.parametrize(("data", "entailed"), MATERIALISE_CASES)
def test_materialise_derives(ontology: Graph, data: list, entailed: set) -> None:
    inferred = materialise(data, ontology)
    assert sorted(entailed - inferred) == []
    assert not inferred & set(data), "only what the data does not already say"


def test_materialise_derives_no_types_from_domains_and_ranges(ontology: Graph) -> None:
    inferred = materialise([(A, SIP.locatedIn, P)], ontology)
    assert [t for t in inferred if t[1] == RDF.type] == []


def test_materialise_emits_no_self_loops(ontology: Graph) -> None:
    inferred = materialise(
        [(A, SIP.cooperatesWith, B), (P, SIP.partOf, Q), (Q, SIP.partOf, P)], ontology
    )
    assert [t for t in inferred if t[0] == t[2]] == []


def test_part_of_stays_direct_and_its_closure_is_on_the_transitive_super_property(
    ontology: Graph,
) -> None:
    inferred = materialise([(A, SIP.partOf, B), (B, SIP.partOf, P)], ontology)
    assert (A, SIP.partOf, P) not in inferred and (P, SIP.hasPart, A) not in inferred
    assert {(A, SIP.partOfTransitive, P), (P, SIP.hasPartTransitive, A)} <= inferred
    assert (B, SIP.hasPart, B) not in inferred and (P, SIP.hasPart, B) in inferred


def test_materialise_leaves_literals_out_of_inverses(ontology: Graph) -> None:
    inferred = materialise([(OBS, SIP.value, Literal("1.5", datatype=XSD.decimal))], ontology)
    assert all(not isinstance(s, Literal) for s, _, _ in inferred)


# --------------------------------------------------------------------------- HermiT


@pytest.mark.integration
def test_ontology_and_code_lists_are_consistent(ontology: Graph) -> None:
    result = check_consistency([ontology])
    assert result.consistent, result.message
    assert result.unsatisfiable == []


@pytest.mark.integration
def test_contradictory_data_is_reported_with_its_reason(ontology: Graph) -> None:
    data = Graph().parse(FIXTURES / "contradictory.ttl")
    result = check_consistency([ontology, data])
    assert not result.consistent
    assert "id:org/social-administration-bureau" in result.message
    assert "sip:Organisation and sip:Place are disjoint" in result.message
    assert "sip:Bureau" in result.message and "sip:City" in result.message
