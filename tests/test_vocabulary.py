"""The vocabularies at their namespace: /def/sip by content negotiation with pyLODE docs, the SKOS
schemes, the /def index and the JSON-LD context."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SKOS

from sipkg import ontodocs
from sipkg.namespaces import BASE, PREFIXES, SIP_NS
from sipkg.paths import PROJECT

SIP = f"{BASE}/def/sip"
KIND = f"{BASE}/def/institution-kind"
FORMATS = [  # (Accept, suffix, rdflib parser)
    ("text/turtle", ".ttl", "turtle"),
    ("application/rdf+xml", ".rdf", "xml"),
    ("application/ld+json", ".jsonld", "json-ld"),
    ("application/n-triples", ".nt", "nt"),
]


def same_graph(a: Graph, b: Graph) -> bool:
    """Isomorphic, with language tags compared case-insensitively as RDF says (Oxigraph writes "zh-hans")."""
    return isomorphic(lower_language_tags(a), lower_language_tags(b))


def lower_language_tags(g: Graph) -> Graph:
    out = Graph()
    for s, p, o in g:
        out.add(
            (
                s,
                p,
                Literal(str(o), lang=o.language.lower())
                if isinstance(o, Literal) and o.language
                else o,
            )
        )
    return out


def ontology_file_graph() -> Graph:
    return Graph().parse(data=ontodocs.ontology_text(), format="turtle")


def scheme_file_graph(scheme: str) -> Graph:
    """The scheme and its concepts as ontology/schemes.ttl states them."""
    source = Graph().parse(PROJECT / "ontology" / "schemes.ttl", format="turtle")
    out = Graph()
    out += source.triples((URIRef(scheme), None, None))
    for concept in source.subjects(SKOS.inScheme, URIRef(scheme)):
        out += source.triples((concept, None, None))
    return out


@pytest.mark.parametrize("accept, suffix, parser", FORMATS)
def test_ontology_in_every_rdf_format_is_the_ontology_file(client, accept, suffix, parser):
    by_accept = client.get("/def/sip", headers={"Accept": accept})
    by_suffix = client.get("/def/sip" + suffix)
    for r in (by_accept, by_suffix):
        assert r.status_code == 200 and r.mimetype == accept
        assert same_graph(Graph().parse(data=r.data, format=parser), ontology_file_graph())
    assert "Accept" in by_accept.headers["Vary"]


def test_ontology_turtle_is_the_file_as_published(client):
    r = client.get("/def/sip", headers={"Accept": "text/turtle"})
    assert r.get_data(as_text=True) == ontodocs.ontology_text()
    assert f"<{SIP}> a owl:Ontology" in r.get_data(as_text=True)


def test_ontology_version_iri_answers_with_the_ontology(client):
    version = ontodocs.version_iri(ontology_file_graph())
    r = client.get(version[len(BASE) :], headers={"Accept": "application/n-triples"})
    assert r.status_code == 200
    assert same_graph(Graph().parse(data=r.data, format="nt"), ontology_file_graph())


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("text/turtle;q=0.5, application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json;q=0.9, text/turtle;q=0.2", "application/ld+json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("*/*", "text/html"),
    ],
)
def test_ontology_honours_accept_q_values(client, accept, expected):
    assert client.get("/def/sip", headers={"Accept": accept}).mimetype == expected


def test_ontology_unsupported_accept_is_406(client):
    r = client.get("/def/sip", headers={"Accept": "image/png"})
    assert r.status_code == 406 and "text/turtle" in r.get_data(as_text=True)


def test_ontology_advertises_its_formats(client):
    r = client.get("/def/sip")
    links = r.headers["Link"]
    for media, suffix in (("text/turtle", ".ttl"), ("application/ld+json", ".jsonld")):
        assert f'</def/sip{suffix}>; rel="alternate"; type="{media}"' in links
        assert f'<link rel="alternate" type="{media}" href="/def/sip{suffix}">' in r.get_data(
            as_text=True
        )


def test_ontology_page_shows_a_class_in_chinese_and_english(client):
    html = client.get("/def/sip").get_data(as_text=True)
    section = html[html.index('id="Organisation"') :]
    section = section[: section.index('class="property entity"')]
    assert "组织机构" in section and "Organisation" in section
    assert "具有正式结构、能作为行为主体的组织" in section  # zh definition
    assert "A formally constituted organisation that can act as an agent" in section
    assert "<h3>组织机构 · Organisation" in section  # one heading, Chinese first


def test_ontology_page_anchors_are_the_terms_local_names(client):
    html = client.get("/def/sip").get_data(as_text=True)
    ids = set(re.findall(r'id="([^"]+)"', html))
    terms = {
        str(s)[len(SIP_NS) :]
        for s in ontology_file_graph().subjects(RDF.type, None)
        if str(s).startswith(SIP_NS)
    }
    assert terms and terms <= ids


def test_ontology_page_is_self_contained_and_in_the_site_frame(client):
    html = client.get("/def/sip").get_data(as_text=True)
    loaded = re.findall(r'<(?:script|img)[^>]*\bsrc="([^"]*)"', html)
    loaded += re.findall(r'<link[^>]*rel="(?:stylesheet|icon)"[^>]*href="([^"]*)"', html)
    assert loaded and not [u for u in loaded if re.match(r"(https?:)?//", u)]
    assert '<a class="site-name" href="/">' in html and 'href="/def"' in html
    assert f'href="{BASE}/def/' not in html  # our own IRIs link to this server


def test_pylode_input_escapes_what_it_passes_through_markdown():
    g = Graph()
    term = URIRef(SIP_NS + "Evil")
    g.add((term, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")))
    g.add((term, SKOS.definition, Literal("<script>alert(1)</script>", lang="en")))
    defined = list(ontodocs.pylode_input(g).objects(term, SKOS.definition))
    assert [str(d) for d in defined] == ["&lt;script&gt;alert(1)&lt;/script&gt;"]


@pytest.mark.parametrize("accept, suffix, parser", FORMATS)
def test_scheme_in_every_rdf_format_is_the_schemes_file(client, accept, suffix, parser):
    for r in (
        client.get("/def/institution-kind", headers={"Accept": accept}),
        client.get("/def/institution-kind" + suffix),
    ):
        assert r.status_code == 200 and r.mimetype == accept
        assert same_graph(Graph().parse(data=r.data, format=parser), scheme_file_graph(KIND))


def test_scheme_page_lists_concepts_bilingually_chinese_first(client):
    html = client.get("/def/institution-kind").get_data(as_text=True)
    assert '<h1><span lang="zh-Hans">机构类型</span></h1>' in html
    row = html[html.index('<tr id="public-body">') :]
    row = row[: row.index("</tr>")]
    assert "公共机构" in row and "Public body" in row and "行使公共行政职能" in row
    assert 'href="/def/institution-kind/public-body"' in row
    english = client.get("/def/institution-kind?lang=en").get_data(as_text=True)
    assert '<h1><span lang="en">Institution kinds</span></h1>' in english
    assert "exercises public administrative authority" in english


def test_scheme_json_twin(client):
    data = client.get("/def/institution-kind.json").get_json()
    codes = {c["code"]: c for c in data["concepts"]}
    assert codes["public-body"]["labels"] == {"zh-hans": ["公共机构"], "en": ["Public body"]}
    assert codes["public-body"]["see_also"] == [SIP_NS + "PublicBody"]
    assert len(codes) == len(set(scheme_file_graph(KIND).subjects(SKOS.inScheme, URIRef(KIND))))


def test_scheme_shows_concepts_the_build_generates(client, select):
    methods = select(f"SELECT ?c WHERE {{ ?c skos:inScheme <{BASE}/def/method> }}")
    data = client.get("/def/method.json").get_json()
    assert len(data["concepts"]) == len(methods) > 2
    assert any(c["notations"] for c in data["concepts"])


def test_unknown_scheme_is_404(client):
    for path in ("/def/no-such-scheme", "/def/no-such-scheme.ttl", "/def/Bad%20Name"):
        r = client.get(path, headers={"Accept": "text/plain"})
        assert r.status_code == 404, path
        assert "404" in r.get_data(as_text=True)


def test_concepts_keep_their_entity_pages(client):
    r = client.get("/def/institution-kind/public-body")
    assert r.status_code == 200 and "公共机构" in r.get_data(as_text=True)
    assert client.get("/def/institution-kind/no-such-code").status_code == 404


def test_index_lists_the_ontology_and_every_scheme(client, select):
    schemes = {r["s"] for r in select("SELECT ?s WHERE { ?s a skos:ConceptScheme }")}
    html = client.get("/def").get_data(as_text=True)
    assert 'href="/def/sip"' in html
    for s in schemes:
        assert f'href="/def/{s.rsplit("/", 1)[1]}"' in html
    data = client.get("/def.json").get_json()
    assert {s["iri"] for s in data["schemes"]} == schemes
    assert data["ontology"]["titles"]["zh-hans"] == "苏州工业园区知识图谱本体"


def test_context_is_json_ld_generated_from_the_ontology(client):
    r = client.get("/def/context.jsonld")
    assert r.mimetype == "application/ld+json"
    context = r.get_json()["@context"]
    assert {k: context[k] for k in PREFIXES} == PREFIXES
    assert context["subOrganisationOf"] == {"@id": "sip:subOrganisationOf", "@type": "@id"}
    assert context["value"] == {"@id": "sip:value", "@type": "xsd:decimal"}
    assert context["label"] == {"@id": "rdfs:label", "@container": "@language"}


def test_context_expands_a_document_to_our_iris(client):
    context = client.get("/def/context.jsonld").get_json()
    doc = {
        **context,
        "@id": "id:org/a",
        "@type": "Committee",
        "subOrganisationOf": "id:org/b",
        "label": {"zh-Hans": "甲委员会", "en": "Committee A"},
        "value": "12.5",
    }
    g = Graph().parse(data=json.dumps(doc), format="json-ld")
    a, b = URIRef(f"{BASE}/id/org/a"), URIRef(f"{BASE}/id/org/b")
    assert (a, RDF.type, URIRef(SIP_NS + "Committee")) in g
    assert (a, URIRef(SIP_NS + "subOrganisationOf"), b) in g
    assert (
        a,
        URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
        Literal("甲委员会", lang="zh-Hans"),
    ) in g
    assert (
        a,
        URIRef(SIP_NS + "value"),
        Literal("12.5", datatype=URIRef(PREFIXES["xsd"] + "decimal")),
    ) in g


def test_documentation_is_generated_once_per_ontology_text():
    text = ontodocs.ontology_text()
    assert ontodocs.documentation(text) is ontodocs.documentation(text)


@pytest.mark.integration
def test_curl_gets_turtle_from_a_live_server(live_server):
    out = subprocess.run(
        ["curl", "-sS", "-i", "-H", "Accept: text/turtle", live_server + "/def/sip"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    head, _, body = out.replace("\r\n", "\n").partition("\n\n")
    assert head.startswith("HTTP/1.1 200") and "content-type: text/turtle" in head.lower()
    assert same_graph(Graph().parse(data=body, format="turtle"), ontology_file_graph())
