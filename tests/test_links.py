"""Curated links out (data/links/): checked tables, link triples in their own graph, every link cited."""

from __future__ import annotations

import shutil

import pytest

from sipkg import yamlfile
from sipkg.build.extract.registry import parse_registry
from sipkg.build.links import LinkError, load
from sipkg.build.stages import Paths, build
from sipkg.namespaces import BASE
from sipkg.paths import PROJECT
from sipkg.store import builds

LINKS = f"{BASE}/graph/links"
IDENTIFIERS = f"{BASE}/graph/identifiers"
CODE = f"{BASE}/def/datatype/gbt2260-code"
CITED = """  cited:
  - {page: "https://www.wikidata.org/wiki/Q42622", says: test, checked: 2026-11-23}
"""


@pytest.fixture(scope="module")
def entities():
    return parse_registry(yamlfile.load(PROJECT / "data" / "registry.yaml")).entities


def table(tmp_path, body: str):
    folder = tmp_path / "links"
    folder.mkdir(exist_ok=True)
    (folder / "test.yaml").write_text(body, encoding="utf-8")
    return folder


# ------------------------------------------------------------------ the tables, checked


@pytest.mark.parametrize(
    "body, message",
    [
        (
            "- entity: place/atlantis\n  wikidata: Q1\n  predicate: owl:sameAs\n" + CITED,
            r"test.yaml:1: unknown entity 'place/atlantis'",
        ),
        (
            "- entity: suzhou\n  wikidata: Q1\n  predicate: owl:sameAs\n" + CITED,
            r"test.yaml:1: entity 'suzhou' must be type/key",
        ),
        (
            "- entity: place/suzhou\n  wikidata: 42622\n  predicate: owl:sameAs\n" + CITED,
            r"test.yaml:1: wikidata '42622' is not a Q-number",
        ),
        (
            "- entity: place/suzhou\n  wikidata: Q04\n  predicate: owl:sameAs\n" + CITED,
            r"wikidata 'Q04' is not a Q-number",
        ),
        (
            "- entity: place/suzhou\n  wikidata: Q42622\n  predicate: owl:sameAs\n",
            r"test.yaml:1: missing 'cited'",
        ),
        (
            "- entity: place/suzhou\n  wikidata: Q42622\n  predicate: owl:sameAs\n  cited:\n  - {page: x, says: y, checked: 2026-11-23}\n",
            r"citation page 'x' is not an http\(s\) URL",
        ),
        (
            "- entity: place/suzhou\n  wikidata: Q42622\n  predicate: owl:sameAs\n  cited:\n  - {page: 'https://a.example/', says: y}\n",
            r"each citation needs 'page' \(a URL\), 'says' and 'checked'",
        ),
        (
            (
                "- entity: place/suzhou\n  wikidata: Q42622\n  predicate: owl:sameAs\n  cited:\n"
                "  - {page: 'https://a.example/', says: y, checked: last week}\n"
            ),
            r"checked 'last week' must be a date",
        ),
        (
            "- entity: place/suzhou\n  wikidata: Q42622\n  predicate: owl:sameAs\n"
            + CITED
            + "- entity: place/suzhou\n  wikidata: Q42622\n  predicate: owl:sameAs\n"
            + CITED,
            r"test.yaml:6: duplicate: place/suzhou already has a wikidata identifier \(test.yaml:1\)",
        ),
        (
            "- entity: place/suzhou\n  wikidata: Q42622\n  predicate: owl:sameAs\n"
            + CITED
            + "- entity: place/jiangsu\n  wikidata: Q42622\n  predicate: owl:sameAs\n"
            + CITED,
            r"test.yaml:6: duplicate: wikidata Q42622 is already given to another entity",
        ),
        (
            "- entity: org/state-council\n  wikidata: Q1\n  predicate: owl:sameAs\n" + CITED,
            r"owl:sameAs is for places; link this org with skos:exactMatch",
        ),
        (
            "- entity: place/suzhou\n  wikidata: Q1\n  predicate: rdfs:seeAlso\n" + CITED,
            r"predicate 'rdfs:seeAlso' must be one of",
        ),
        (
            "- entity: place/suzhou\n  gbt2260: '32050'\n" + CITED,
            r"gbt2260 '32050' is not a six-digit",
        ),
        (
            "- entity: org/state-council\n  gbt2260: '320500'\n" + CITED,
            r"org/state-council is not a place",
        ),
        (
            "- entity: place/suzhou\n  gbt2260: '320500'\n  wikidata: Q42622\n" + CITED,
            r"exactly one of 'wikidata'",
        ),
        ("entity: place/suzhou\n", r"test.yaml:1: expected a list of entries"),
        ("- entity: [\n", r"invalid YAML"),
    ],
)
def test_a_bad_table_entry_is_refused_with_file_line_and_reason(tmp_path, entities, body, message):
    with pytest.raises(LinkError, match=message):
        load(table(tmp_path, body), entities)


def test_an_organisation_is_linked_with_exact_match_and_a_code_is_a_typed_notation(
    tmp_path, entities
):
    links = load(
        table(
            tmp_path,
            "- entity: org/state-council\n  wikidata: Q1\n  predicate: skos:exactMatch\n"
            + CITED
            + "- entity: place/suzhou\n  gbt2260: 320500\n"
            + CITED,
        ),
        entities,
    )
    org, code = links
    assert str(org.predicate) == "http://www.w3.org/2004/02/skos/core#exactMatch"
    assert str(org.object) == "http://www.wikidata.org/entity/Q1"
    assert str(code.predicate) == "http://www.w3.org/2004/02/skos/core#notation"
    assert str(code.object) == "320500" and str(code.object.datatype) == CODE


def test_no_links_folder_means_no_links(tmp_path, entities):
    assert load(tmp_path / "absent", entities) == []


# ------------------------------------------------------------------ the built graph


def test_the_links_graph_holds_only_links_to_wikidata(select):
    found = select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{LINKS}> {{ ?s ?p ?o }} }}")
    got = {
        (
            r["s"].removeprefix(f"{BASE}/id/"),
            r["p"].rsplit("#", 1)[1],
            r["o"].removeprefix("http://www.wikidata.org/entity/"),
        )
        for r in found
    }
    assert got == {
        ("place/suzhou", "sameAs", "Q42622"),
        ("place/jiangsu", "sameAs", "Q16963"),
        ("place/china", "sameAs", "Q148"),
        ("place/singapore", "sameAs", "Q334"),
    }
    assert len(found) == len(got)  # nothing else in the graph: a linkset's count is exact


def test_the_issue_s_division_codes_are_typed_notations(select):
    found = select(f"""SELECT ?place ?code WHERE {{ GRAPH <{IDENTIFIERS}> {{
        ?place skos:notation ?code FILTER(datatype(?code) = <{CODE}>) }} }}""")
    assert {(r["place"].removeprefix(f"{BASE}/id/"), r["code"]) for r in found} >= {
        ("place/suzhou-industrial-park", "320571")
    }


def test_no_link_or_code_lacks_its_citation(select):
    found = select(f"""SELECT ?s ?p ?o (COUNT(DISTINCT ?page) AS ?pages) (COUNT(DISTINCT ?source) AS ?sources)
                              (SAMPLE(?date) AS ?checked) WHERE {{
        {{ GRAPH <{LINKS}> {{ ?s ?p ?o }} }} UNION {{ GRAPH <{IDENTIFIERS}> {{ ?s skos:notation ?o }} }}
        OPTIONAL {{ GRAPH <{IDENTIFIERS}> {{ ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
                    OPTIONAL {{ ?st prov:wasDerivedFrom ?page }} OPTIONAL {{ ?st dct:source ?source }}
                    OPTIONAL {{ ?st dct:date ?date }} }} }}
    }} GROUP BY ?s ?p ?o""")
    assert len(found) >= 5
    for r in found:
        assert int(r["pages"]) >= 1 and int(r["sources"]) == int(r["pages"]) and r.get("checked"), r


def test_a_link_is_not_dressed_up_as_a_fact_from_a_source_sentence(select):
    found = select(f"SELECT ?st WHERE {{ GRAPH <{IDENTIFIERS}> {{ ?st a sip:FactStatement }} }}")
    assert found == []


@pytest.mark.parametrize(
    "body, message",
    [
        (
            "- entity: place/nowhere\n  wikidata: Q1\n  predicate: owl:sameAs\n" + CITED,
            r"unknown entity 'place/nowhere'",
        ),
        (
            "- entity: place/suzhou\n  wikidata: Q-1\n  predicate: owl:sameAs\n" + CITED,
            r"is not a Q-number",
        ),
        ("- entity: place/suzhou\n  wikidata: Q1\n  predicate: owl:sameAs\n", r"missing 'cited'"),
        (
            "- entity: place/suzhou\n  wikidata: Q42622\n  predicate: owl:sameAs\n" + CITED,
            r"duplicate: place/suzhou already has a wikidata identifier \(wikidata.yaml:\d+\)",
        ),
    ],
)
def test_a_bad_links_table_fails_the_build_and_the_previous_store_keeps_serving(
    paths, tmp_path, body, message
):
    data = tmp_path / "data"
    shutil.copytree(paths.data, data)
    (data / "links" / "zz-bad.yaml").write_text(body, encoding="utf-8")
    before = builds.current(paths.store)
    with pytest.raises(LinkError, match=r"zz-bad.yaml:1: .*" + message):
        build(Paths(data=data, home=paths.home))
    after = builds.current(paths.store)
    assert after.path == before.path and after.version == before.version


# ------------------------------------------------------------------ the entity page


def test_the_entity_page_links_out_to_wikidata_and_shows_the_code(client):
    html = client.get("/doc/place/suzhou", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="http://www.wikidata.org/entity/Q42622"' in html
    assert "320500" in html
