"""IRIs of the vocabularies we use and of our own base; constants only.

`SIP` lists every term of ontology/sip.ttl: a misspelt term fails at import time
(tests/test_ontology.py checks the list and the ontology agree).
"""

from __future__ import annotations

import os

from rdflib import Namespace
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SKOS,
    VOID,
    XSD,
    DefinedNamespace,
)
from rdflib.term import URIRef

DEFAULT_BASE = "https://data.sipac.gov.cn"


def base() -> str:
    """The configured base IRI (environment `SIPKG_BASE`), without a trailing slash."""
    return os.environ.get("SIPKG_BASE", DEFAULT_BASE).rstrip("/")


BASE = base()
SIP_NS = f"{BASE}/def/sip#"


class SIP(DefinedNamespace):
    """The sipkg ontology, `{base}/def/sip#`."""

    _NS = Namespace(SIP_NS)
    _fail = True

    # organisations
    Organisation: URIRef
    PublicBody: URIRef
    Committee: URIRef
    AdministrativeCommittee: URIRef
    PartyOrganisation: URIRef
    PartyWorkingCommittee: URIRef
    CoordinationCommittee: URIRef
    CommunityWorkCommittee: URIRef
    CommunityWorkstation: URIRef
    ResidentsCommittee: URIRef
    Government: URIRef
    Ministry: URIRef
    Bureau: URIRef
    Office: URIRef
    Court: URIRef
    Council: URIRef
    Alliance: URIRef
    Association: URIRef
    ResearchInstitute: URIRef
    Hospital: URIRef
    School: URIRef
    Company: URIRef
    Cooperative: URIRef
    VolunteerGroup: URIRef
    # facilities
    Facility: URIRef
    NeighbourhoodCentre: URIRef
    CommunityCentre: URIRef
    ServiceCentre: URIRef
    ServiceStation: URIRef
    CulturalStation: URIRef
    # places
    Place: URIRef
    Country: URIRef
    Province: URIRef
    City: URIRef
    DevelopmentZone: URIRef
    CooperationZone: URIRef
    Subdistrict: URIRef
    District: URIRef
    County: URIRef
    Town: URIRef
    Community: URIRef
    # people
    Person: URIRef
    # programmes, plans, publications
    Programme: URIRef
    Pilot: URIRef
    Project: URIRef
    Plan: URIRef
    ActionPlan: URIRef
    StrategicPlan: URIRef
    ImplementationPlan: URIRef
    Policy: URIRef
    Publication: URIRef
    # designations and events
    Designation: URIRef
    Event: URIRef
    ChangeEvent: URIRef
    Founding: URIRef
    Reform: URIRef
    Restructuring: URIRef
    Meeting: URIRef
    Abolition: URIRef
    Merger: URIRef
    Transfer: URIRef
    Renaming: URIRef
    Approval: URIRef
    Signing: URIRef
    Launch: URIRef
    ConstructionStart: URIRef
    Completion: URIRef
    Inauguration: URIRef
    Expansion: URIRef
    Listing: URIRef
    Award: URIRef
    Conferral: URIRef
    # statistics
    Statistic: URIRef
    # provenance
    SourceDocument: URIRef
    Paragraph: URIRef
    Sentence: URIRef
    Evidence: URIRef
    FactStatement: URIRef
    # SKOS concept classes
    InstitutionKind: URIRef
    ProgrammeKind: URIRef
    DesignationKind: URIRef
    SingaporePractice: URIRef
    Indicator: URIRef
    Function: URIRef
    ExtractionMethod: URIRef

    # organisational structure and leadership
    subOrganisationOf: URIRef
    hasSubOrganisation: URIRef
    unitOf: URIRef
    hasUnit: URIRef
    dispatchedAgencyOf: URIRef
    underLeadershipOf: URIRef
    leads: URIRef
    serviceWindowOf: URIRef
    hasServiceWindow: URIRef
    replaces: URIRef
    serves: URIRef
    servedBy: URIRef
    jurisdiction: URIRef
    fundedBy: URIRef
    memberOf: URIRef
    hasMember: URIRef
    cooperatesWith: URIRef
    exercisesFunction: URIRef
    # facilities and places
    siteOf: URIRef
    hasSite: URIRef
    hosts: URIRef
    hostedIn: URIRef
    locatedIn: URIRef
    contains: URIRef
    basedIn: URIRef
    # programmes, plans
    issuedBy: URIRef
    issued: URIRef
    proposedBy: URIRef
    definesProgramme: URIRef
    implementsPlan: URIRef
    ledBy: URIRef
    partOf: URIRef
    hasPart: URIRef
    partOfTransitive: URIRef
    hasPartTransitive: URIRef
    modelledOn: URIRef
    inspired: URIRef
    # designations
    confers: URIRef
    conferredIn: URIRef
    conferredBy: URIRef
    conferred: URIRef
    recipient: URIRef
    received: URIRef
    designationKind: URIRef
    # events
    approvedBy: URIRef
    organisedBy: URIRef
    heldIn: URIRef
    agent: URIRef
    participant: URIRef
    concerns: URIRef
    establishes: URIRef
    establishedBy: URIRef
    mergedFunction: URIRef
    affected: URIRef
    # classification and kinds
    kind: URIRef
    # statistics
    refArea: URIRef
    refPeriod: URIRef
    indicator: URIRef
    value: URIRef
    statedValue: URIRef
    approximation: URIRef
    subject: URIRef
    # dates and periods
    startDate: URIRef
    endDate: URIRef
    # documents and evidence
    sentenceOf: URIRef
    paragraphOf: URIRef
    inParagraph: URIRef
    index: URIRef
    isFurniture: URIRef
    mentions: URIRef
    mentionedIn: URIRef
    method: URIRef
    confidence: URIRef
    statementAbout: URIRef
    # time on the structure
    DatedRelation: URIRef
    OpenBeginningInterval: URIRef
    OpenEndInterval: URIRef
    DisputedInterval: URIRef
    during: URIRef
    lifespan: URIRef
    attestedAt: URIRef
    relationSubject: URIRef
    relationObject: URIRef
    relationProperty: URIRef
    markedBy: URIRef
    notBefore: URIRef
    notAfter: URIRef


ORG = Namespace("http://www.w3.org/ns/org#")
CV = Namespace("http://data.europa.eu/m8g/")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
VANN = Namespace("http://purl.org/vocab/vann/")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")
TIME = Namespace("http://www.w3.org/2006/time#")

# The same namespaces as plain strings, for code that builds IRIs as text and compares them with a
# store's terms (an rdflib URIRef never equals a str, and a closed namespace refuses unknown terms).
RDF_NS, RDFS_NS, OWL_NS, XSD_NS = str(RDF), str(RDFS), str(OWL), str(XSD)
SKOS_NS, ORG_NS, PROV_NS, FOAF_NS = str(SKOS), str(ORG), str(PROV), str(FOAF)
DCT_NS, DCAT_NS, VOID_NS = str(DCTERMS), str(DCAT), str(VOID)
VCARD_NS = "http://www.w3.org/2006/vcard/ns#"
SPDX_NS = "http://spdx.org/rdf/terms#"
SD_NS = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"  # W3C format IRIs (void:feature, sd:resultFormat)
SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
EU_AUTHORITY = (
    "http://publications.europa.eu/resource/authority/"  # EU controlled vocabularies (file types …)
)
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
RDF_TYPE = f"{RDF_NS}type"
RDFS_LABEL = f"{RDFS_NS}label"


# our own IRI spaces
ID = Namespace(f"{BASE}/id/")
DEF = Namespace(f"{BASE}/def/")
DATA = Namespace(f"{BASE}/data/")
GRAPH = Namespace(f"{BASE}/graph/")
DOC = f"{BASE}/id/doc/"  # source documents and their sentences

# our named graphs (plain strings; the build wraps them in URIRef where rdflib needs one)
REGISTRY_GRAPH = f"{GRAPH}registry"  # names and kinds of entities
ONTOLOGY_GRAPH = f"{GRAPH}ontology"  # the ontology and code lists
INFERRED_GRAPH = f"{GRAPH}inferred"  # what the reasoner materialised
HISTORY_GRAPH = f"{GRAPH}history"  # periods of relations and bodies, derived from dated events
# Not a graph of the store: as a default graph (FROM, default-graph-uri) it stands for every graph
# but the reasoner's, i.e. what was asserted (GraphDB's FROM <http://www.ontotext.com/explicit>).
ASSERTED_GRAPH = f"{GRAPH}asserted"
LINKS_GRAPH = f"{GRAPH}links"  # links out to other datasets
IDENTIFIERS_GRAPH = f"{GRAPH}identifiers"  # division codes, and where each link was verified
VOID_GRAPH = f"{GRAPH}void"  # the dataset's VoID + DCAT-AP description
SOURCE_GRAPHS = f"{GRAPH}source/"  # one named graph per source document
UNION_GRAPH = (
    f"{GRAPH}union"  # on an external store: the merge of our graphs, the default graph of queries
)
BUILD_GRAPH = f"{GRAPH}build"  # on an external store: what the last push wrote

PREFIXES: dict[str, str] = {
    "sip": SIP_NS,
    "id": str(ID),
    "org": str(ORG),
    "cv": str(CV),
    "prov": str(PROV),
    "oa": str(OA),
    "skos": str(SKOS),
    "qb": str(QB),
    "dct": str(DCTERMS),
    "dcat": str(DCAT),
    "void": str(VOID),
    "foaf": str(FOAF),
    "schema": str(SCHEMA),
    "geo": str(GEO),
    "eli": str(ELI),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "vann": str(VANN),
    "sdmx-dimension": str(SDMX_DIMENSION),
    "sdmx-measure": str(SDMX_MEASURE),
    "sdmx-attribute": str(SDMX_ATTRIBUTE),
    "wd": str(WD),
    "time": str(TIME),
}


def sparql_prologue() -> str:
    """PREFIX lines for every prefix above, for queries written by the application."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
