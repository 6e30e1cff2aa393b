"""Home, search, entity pages with evidence, documents — through the Flask test client."""

from __future__ import annotations

import re

import pytest
import rdflib
from flask import render_template_string

from sipkg.namespaces import BASE
from sipkg.web.catalogue import Text
from sipkg.web.i18n import Label, pick

ID = f"{BASE}/id/"
CWC = "org/community-work-committees"


@pytest.fixture()
def counted(app):
    """How many queries the pages run, once the per-version catalogue is warm."""
    svc = app.extensions["sipkg"]
    calls = []
    original = svc.select

    def select(query):
        calls.append(query)
        return original(query)

    svc.select = select
    with app.test_request_context():
        from sipkg.web.catalogue import catalogue

        catalogue()
    calls.clear()
    return calls


@pytest.fixture(scope="module")
def service_window(select):
    """A fact the sources state, with its evidence: quote, sentence, document."""
    rows = select("""
    SELECT ?s ?o ?exact ?n ?doc WHERE {
      ?st rdf:subject ?s ; rdf:predicate sip:serviceWindowOf ; rdf:object ?o ; prov:wasDerivedFrom ?ev .
      ?ev oa:hasTarget ?t . ?t oa:hasScope ?sent ; oa:hasSelector ?q . ?q oa:exact ?exact .
      ?sent sip:index ?n ; sip:sentenceOf ?doc .
    } LIMIT 1""")
    assert rows, "the graph should state a service window with evidence"
    return rows[0]


def local(iri: str) -> str:
    return iri[len(ID) :]


# ---------------------------------------------------------------- linked data


def test_id_answers_303_to_the_document_about_it(client):
    r = client.get(f"/id/{CWC}")
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/doc/{CWC}")


@pytest.mark.parametrize(
    "how, media, rdflib_format",
    [
        ({"headers": {"Accept": "text/turtle"}}, "text/turtle", "turtle"),
        ({"headers": {"Accept": "application/ld+json"}}, "application/ld+json", "json-ld"),
        ({"headers": {"Accept": "application/n-triples"}}, "application/n-triples", "nt"),
        ({"headers": {"Accept": "application/rdf+xml"}}, "application/rdf+xml", "xml"),
        ({"suffix": ".ttl"}, "text/turtle", "turtle"),
        ({"suffix": ".jsonld"}, "application/ld+json", "json-ld"),
        ({"suffix": ".nt"}, "application/n-triples", "nt"),
        ({"suffix": ".rdf"}, "application/rdf+xml", "xml"),
    ],
)
def test_each_rdf_format_parses_and_has_the_labels(client, how, media, rdflib_format):
    r = client.get(f"/doc/{CWC}{how.get('suffix', '')}", headers=how.get("headers", {}))
    assert r.status_code == 200 and r.mimetype == media
    g = rdflib.Graph().parse(data=r.get_data(as_text=True), format=rdflib_format)
    labels = {str(o) for o in g.objects(rdflib.URIRef(ID + CWC), rdflib.RDFS.label)}
    assert {
        "苏州工业园区社区工作委员会",
        "community work committees of Suzhou Industrial Park",
    } <= labels
    linked = rdflib.URIRef(
        ID + "org/sip-finance"
    )  # funded by: its label travels with the description
    assert (linked, rdflib.RDFS.label, None) in g


def test_accept_q_values_choose_the_format(client):
    r = client.get(
        f"/doc/{CWC}", headers={"Accept": "text/html;q=0.5, text/turtle;q=0.9, */*;q=0.1"}
    )
    assert r.mimetype == "text/turtle"
    r = client.get(f"/doc/{CWC}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.mimetype == "text/html"


def test_unacceptable_accept_is_a_406(client):
    assert client.get(f"/doc/{CWC}", headers={"Accept": "image/png"}).status_code == 406


def test_html_advertises_every_format(client):
    html = client.get(f"/doc/{CWC}").get_data(as_text=True)
    for media, suffix in [
        ("application/json", "json"),
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "rdf"),
    ]:
        assert f'<link rel="alternate" type="{media}" href="/doc/{CWC}.{suffix}">' in html


def test_unknown_entity_is_a_404_page(client):
    r = client.get("/doc/org/no-such-body", headers={"Accept": "text/html"})
    assert r.status_code == 404 and "404" in r.get_data(as_text=True)
    assert client.get("/doc/org/no-such-body.ttl").status_code == 404
    assert client.get("/doc/nosuchtype/x").status_code == 404


def test_sentence_iri_leads_to_its_page_linked_to_its_anchor_in_the_document(
    client, service_window
):
    sentence = f"{local(service_window['doc'])}/sentence/{service_window['n']}"
    r = client.get(f"/id/{sentence}")
    assert r.status_code == 303
    r = client.get(r.headers["Location"], headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert f'href="/doc/{local(service_window["doc"])}#s{service_window["n"]}"' in r.get_data(
        as_text=True
    )


# ---------------------------------------------------------------- entity pages


def test_entity_page_shows_the_evidence_sentence_with_the_quote_highlighted(client, service_window):
    html = client.get("/doc/" + local(service_window["s"])).get_data(as_text=True)
    assert f'<mark class="hl">{service_window["exact"]}</mark>' in html
    assert f'href="/doc/{local(service_window["doc"])}#s{service_window["n"]}"' in html


def test_incoming_facts_are_read_through_the_inverse(client, select, service_window):
    data = client.get("/doc/" + local(service_window["o"]) + ".json").get_json()
    group = next(g for g in data["relations"] if g["predicate"].endswith("#serviceWindowOf"))
    assert group["direction"] == "in"
    fact = next(f for f in group["facts"] if f["iri"] == service_window["s"])
    assert any(e["quote"] == service_window["exact"] for e in fact["evidence"])
    inverse = select(
        'SELECT ?l WHERE { sip:hasServiceWindow rdfs:label ?l FILTER(langMatches(lang(?l), "zh-Hans")) }'
    )
    assert group["label"] == inverse[0]["l"]
    assert not any(
        g["predicate"].endswith("#hasServiceWindow") for g in data["relations"]
    )  # not twice


def test_inferred_and_curated_facts_are_marked(client, select):
    data = client.get(f"/doc/{CWC}.json").get_json()
    types = next(g for g in data["relations"] if g["predicate"].endswith("#type"))
    inferred = {f["iri"]: f["inferred"] for f in types["facts"]}
    assert inferred[f"{BASE}/def/sip#CommunityWorkCommittee"] is False
    assert inferred[f"{BASE}/def/sip#Organisation"] is True
    curated = select(f"""SELECT ?s WHERE {{ ?st rdf:subject ?s ; sip:method ?m .
        FILTER(STRSTARTS(STR(?m), "{BASE}/def/method/curation-") && STRSTARTS(STR(?s), "{ID}org/")) }} LIMIT 1""")
    page = client.get("/doc/" + local(curated[0]["s"]) + ".json").get_json()
    assert any(f["curated"] for g in page["relations"] for f in g["facts"])
    html = client.get(f"/doc/{CWC}").get_data(as_text=True)
    assert 'class="tag inferred"' in html


def test_statistics_carry_unit_period_and_evidence(client):
    data = client.get("/doc/place/suzhou-industrial-park.json").get_json()
    assert data["statistics"]
    assert all(o["unit"] and o["evidence"] for o in data["statistics"])
    assert any(o["period"] for o in data["statistics"])


def test_relations_page_beyond_the_per_relation_limit(client):
    concept = "/def/entity-kind/collective"  # a concept many entities are typed with
    data = client.get(concept + ".json").get_json()
    big = max(data["relations"], key=lambda g: g["count"])
    assert big["count"] > 10 and len(big["facts"]) == 10
    html = client.get(concept, query_string={"rel": big["id"], "page": 2}).get_data(as_text=True)
    assert f"11–{min(20, big['count'])} / {big['count']}" in html
    assert client.get(concept + "?page=0").status_code == 400


def test_entity_page_in_english_marks_a_chinese_fallback(client):
    html = client.get("/doc/org/community-workstations?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "community workstations of Suzhou Industrial Park" in html
    assert "Facts and relations" in html


def test_codes_and_ontology_terms_have_pages(client):
    r = client.get("/def/singapore-practice/community-management.json")
    assert r.status_code == 200
    assert any(g["direction"] == "in" for g in r.get_json()["relations"])


# ---------------------------------------------------------------- search


@pytest.mark.parametrize(
    "query, first",
    [
        ("社工委", CWC),
        ("管委会", "org/sip-administrative-committee"),
        ("邻里", "site/neighbourhood-centres"),
        ("蘇州工業園區", "place/suzhou-industrial-park"),
        ("shegongwei", CWC),
        ("guan wei hui", "org/sip-administrative-committee"),
        ("administrative committee", "org/sip-administrative-committee"),
        ("苏州工业园区管委会", "org/sip-administrative-committee"),
        ("SIP Administrative Committee", "org/sip-administrative-committee"),
        ("Administrative Committee of Suzhou Industrial Park", "org/sip-administrative-committee"),
    ],
)
def test_search_ranks_the_expected_entity_first(client, query, first):
    data = client.get("/search.json", query_string={"q": query}).get_json()
    assert data["results"][0]["iri"] == ID + first


@pytest.mark.parametrize(
    "query, indicator",
    [("GDP", "gdp"), ("地区生产总值", "gdp"), ("财政收入", "public-budget-revenue")],
)
def test_indicator_names_find_the_figures(client, query, indicator):
    top = client.get("/search.json", query_string={"q": query}).get_json()["results"][0]
    assert (
        top["iri"] == f"{BASE}/def/indicator/{indicator}"
        and top["url"] == f"/def/indicator/{indicator}"
    )
    figures = client.get(top["url"] + ".json").get_json()["statistics"]
    assert figures and all(f["indicator"] for f in figures)
    assert client.get("/search", query_string={"q": query}).status_code == 200


def test_search_finds_sentences_and_links_into_the_document(client):
    data = client.get("/search.json", query_string={"q": "服务窗口"}).get_json()
    sentences = [r for r in data["results"] if r["kind_of_hit"] == "sentence"]
    assert sentences and re.fullmatch(r"/doc/doc/[0-9a-f]+#s\d+", sentences[0]["url"])
    assert any(piece["match"] and piece["text"] == "服务窗口" for piece in sentences[0]["snippet"])


def test_search_page_answers_json_by_accept(client):
    r = client.get("/search", query_string={"q": "社工委"}, headers={"Accept": "application/json"})
    assert r.mimetype == "application/json" and r.get_json()["count"] >= 1


def test_search_escapes_the_query(client):
    evil = '<script>alert("x")</script>'
    html = client.get("/search", query_string={"q": evil}).get_data(as_text=True)
    assert evil not in html and "&lt;script&gt;" in html


def test_overlong_search_is_a_400(client):
    assert client.get("/search", query_string={"q": "园" * 201}).status_code == 400


# ---------------------------------------------------------------- home, lists, documents


def test_home_counts_by_kind_and_links_into_kinds(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/kind/org"' in html and 'type="application/json" href="/index.json"' in html
    data = client.get("/index.json").get_json()
    assert data["counts"]["org"] >= 10 and data["key_institutions"] and data["headline_statistics"]
    assert all(s["unit"] for s in data["headline_statistics"])
    kinds = client.get("/kind/org.json").get_json()
    assert kinds["paging"]["total"] == data["counts"]["org"]


def test_document_view_anchors_sentences_greys_furniture_and_links_mentions(client, select):
    doc = select(
        "SELECT ?d WHERE { ?d a sip:SourceDocument . ?p sip:paragraphOf ?d ; sip:isFurniture true } "
        "ORDER BY ?d LIMIT 1"
    )[0]["d"]
    n = int(select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s sip:sentenceOf <{doc}> }}")[0]["n"])
    html = client.get("/doc/" + local(doc)).get_data(as_text=True)
    assert len(re.findall(r'class="sentence[^"]*" id="s\d+"', html)) == n
    assert 'class="paragraph furniture"' in html
    assert f'class="mention" href="/doc/{CWC}"' in html or 'class="mention" href="/doc/' in html
    data = client.get("/doc/" + local(doc) + ".json").get_json()
    assert data["metadata"] and sum(len(p["sentences"]) for p in data["paragraphs"]) == n


def test_pages_run_a_handful_of_queries(client, counted, service_window):
    for url, most in [
        ("/", 3),
        ("/search?q=社工委", 0),
        (f"/doc/{CWC}", 5),
        ("/doc/" + local(service_window["doc"]), 3),
        ("/kind/org", 0),
    ]:
        counted.clear()
        assert client.get(url).status_code == 200
        assert len(counted) <= most, (url, len(counted))


# ---------------------------------------------------------------- language


def test_language_switch_is_sticky(client):
    assert '<html lang="zh-Hans">' in client.get("/").get_data(as_text=True)
    r = client.get("/?lang=en")
    assert '<html lang="en">' in r.get_data(as_text=True) and "Browse by kind" in r.get_data(
        as_text=True
    )
    assert '<html lang="en">' in client.get("/search").get_data(
        as_text=True
    )  # the cookie remembers
    assert '<html lang="zh-Hans">' in client.get("/?lang=zh").get_data(as_text=True)


@pytest.mark.parametrize(
    "literals, lang, expected",
    [
        ([Text("社工委", "zh-hans"), Text("CWC", "en")], "zh", Label("社工委", "zh", False)),
        ([Text("社工委", "zh-hans"), Text("CWC", "en")], "en", Label("CWC", "en", False)),
        ([Text("社工委", "zh-hans")], "en", Label("社工委", "zh", True)),
        ([Text("CWC", "en")], "zh", Label("CWC", "en", True)),
        ([Text("2014", "")], "en", Label("2014", "", False)),
        ([], "zh", None),
    ],
)
def test_pick_prefers_the_language_then_falls_back(literals, lang, expected):
    assert pick(literals, lang) == expected


def test_a_malicious_label_is_escaped(app):
    with app.test_request_context("/"):
        out = render_template_string(
            '{% from "macros.html" import label %}{{ label(l) }}',
            l=Label('<img src=x onerror="alert(1)">', "en", True),
        )
    assert "<img" not in out and "&lt;img" in out and 'class="fallback"' in out


def test_a_collective_entity_says_what_it_stands_for(client, select):
    rows = select(f"""SELECT ?e WHERE {{ ?e dct:type <{BASE}/def/entity-kind/collective> }}""")
    collectives = {r["e"] for r in rows}
    assert f"{BASE}/id/org/community-workstations" in collectives
    assert f"{BASE}/id/org/sip-administrative-committee" not in collectives
    page = client.get("/doc/org/community-workstations").get_data(as_text=True)
    assert "集合体" in page
    english = client.get("/doc/org/community-workstations?lang=en").get_data(as_text=True)
    assert "Collective" in english


# ---------------------------------------------------------------- asserted and inferred


def test_an_entity_page_shows_each_fact_once_and_says_what_inferred_means(client):
    d = client.get("/doc/programme/six-parks.json").get_json()
    shown = [
        (r["direction"], f.get("iri") or f["value"]) for r in d["relations"] for f in r["facts"]
    ]
    assert len(shown) == len(set(shown))  # not once as a part and again as a part (transitively)
    groups = {r["id"]: [f.get("iri") for f in r["facts"]] for r in d["relations"]}
    assert len(groups["out-hasPart"]) == 6
    assert groups["out-hasPartTransitive"] == [ID + "programme/smart-city"]
    assert "in-partOfTransitive" not in groups  # the same fact read backwards
    html = client.get("/doc/programme/six-parks", query_string={"lang": "en"}).get_data(
        as_text=True
    )
    assert "stated by no source" in html and "/graph/asserted" in html


def test_a_document_page_says_where_its_text_comes_from_and_what_it_does_not_know(client):
    wiki = client.get("/doc/doc/c4bf591332ef325e?lang=en").get_data(as_text=True)
    meta = wiki[wiki.index('<dl class="meta">') : wiki.index("</dl>")]
    # address, publisher and rights come first, in that order, the address a link out
    assert meta.index(">source<") < meta.index(">publisher<") < meta.index(">rights<")
    assert (
        'href="https://wiwiki.kfd.me/' in meta
        and "Wikipedia (zh)" in meta
        and "CC BY-SA 4.0" in meta
    )
    assert "not recorded" not in meta
    award = client.get("/doc/doc/f193373a2751c50a?lang=zh").get_data(as_text=True)
    meta = award[award.index('<dl class="meta">') : award.index("</dl>")]
    assert meta.count('class="unrecorded">未记录') == 2  # no address, no publisher
    assert meta.index("来源") < meta.index("未记录") < meta.index("使用权利")
    assert "使用权利" in meta and "no open licence stated" in meta
    data = client.get("/doc/doc/f193373a2751c50a.json").get_json()
    assert data["unrecorded"] == [
        "http://purl.org/dc/terms/source",
        "http://purl.org/dc/terms/publisher",
    ]


def test_an_entity_page_names_its_kind_once(client):
    """局 is the class (sip:Bureau) and the code list's concept: the page says it as the class only."""
    html = client.get("/doc/org/sip-social-management-bureau?lang=zh").get_data(as_text=True)
    assert 'id="out-type"' in html and 'id="out-kind"' not in html
    assert html.count('href="/def/sip#Bureau"') == 1
    assert (
        '<span class="kind"><span lang="zh-Hans">局</span></span>' in html
    )  # the heading keeps it
