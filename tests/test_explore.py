"""The explorer, paths, timeline, statistics and practices pages, and their JSON twins (Flask test client)."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest
from flask import render_template

from sipkg.namespaces import ID
from sipkg.web import explore

WORKSTATIONS = f"{ID}org/community-workstations"
COMMITTEE = f"{ID}org/sip-administrative-committee"


def as_json(client, url, **kwargs):
    r = client.get(url, **kwargs)
    assert r.status_code == 200 and r.mimetype == "application/json", (url, r.status_code)
    return r.get_json()


@pytest.mark.parametrize(
    "path", ["/explore", "/explore/path", "/timeline", "/statistics", "/practices"]
)
def test_every_page_is_html_and_advertises_its_json_twin(client, path):
    r = client.get(path)
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert f'rel="alternate" type="application/json" href="{path}.json' in r.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/explore?entity=管委会", "/timeline", "/statistics", "/practices"]
)
def test_json_by_suffix_and_by_accept_header_agree(client, path):
    base, _, query = path.partition("?")
    by_suffix = as_json(client, base + ".json" + ("?" + query if query else ""))
    by_accept = as_json(client, path, headers={"Accept": "application/json"})
    assert by_suffix == by_accept


def test_explorer_draws_the_neighbourhood_of_a_name(client):
    data = as_json(client, "/explore.json?entity=管委会")
    assert data["centre"] == COMMITTEE and data["nodes"][0]["id"] == COMMITTEE
    ids = {n["id"] for n in data["nodes"]}
    assert f"{ID}org/suzhou-municipal-government" in ids and len(ids) > 5
    assert all(
        e["source"] in ids and e["target"] in ids and e["label"]["text"] for e in data["edges"]
    )
    assert all(n["url"].startswith("/doc/") for n in data["nodes"] if n["kind"] != "practice")


FCOSE = (
    "layout-base",
    "cose-base",
    "cytoscape-fcose",
)  # the layout's script and what it needs, in load order


def test_explorer_page_gives_the_script_its_data_through_the_json_twin(client):
    html = client.get("/explore?entity=org/sip-administrative-committee&depth=2").get_data(
        as_text=True
    )
    assert 'data-src="/explore.json?entity=org/sip-administrative-committee&amp;depth=2' in html
    assert "/static/vendor/cytoscape/cytoscape.min.js" in html and "/static/explore.js" in html
    scripts = [html.index(f"/static/vendor/{name}/{name}.js") for name in FCOSE]
    assert scripts == sorted(scripts)  # the layout after what it is built on
    assert "<script>" not in html  # no inline script: data only through the JSON twin
    assert (
        "苏州工业园区管理委员会是苏州市人民政府的派出机构" in html
    )  # evidence in the no-script table


def test_deeper_neighbourhoods_hold_more(client):
    one = as_json(client, "/explore.json?entity=管委会&depth=1")
    two = as_json(client, "/explore.json?entity=管委会&depth=2")
    assert {n["id"] for n in one["nodes"]} < {n["id"] for n in two["nodes"]}


def test_explorer_without_an_entity_lists_key_institutions(client):
    key = as_json(client, "/explore.json")["key_institutions"]
    assert key[0]["id"] == COMMITTEE and key[0]["betweenness"] >= key[-1]["betweenness"]


@pytest.mark.parametrize(
    "text, key",
    [
        ("管委会", "sip-administrative-committee"),  # an alias
        ("社區工作站", "community-workstations"),  # traditional script, through the search index
        ("shegongwei", "community-work-committees"),  # pinyin, through the search index
        ("org/residents-committees", "residents-committees"),  # a key
    ],
)
def test_pickers_accept_names_aliases_and_what_search_understands(client, text, key):
    data = as_json(client, "/explore.json", query_string={"entity": text})
    assert data["centre"] == f"{ID}org/{key}"


def test_an_ambiguous_name_offers_choices(client):
    data = as_json(client, "/explore.json?entity=社区")
    assert WORKSTATIONS in {c["id"] for c in data["candidates"]}
    html = client.get("/explore?entity=社区").get_data(as_text=True)
    assert "/explore?entity=org/community-workstations" in html


@pytest.mark.parametrize(
    "url, status",
    [
        ("/explore?entity=没有这个机构", 404),
        ("/explore.json?entity=没有这个机构", 404),
        ("/explore?entity=管委会&depth=0", 400),
        ("/explore.json?entity=管委会&depth=x", 400),
        ("/explore/path.json?from=管委会", 400),
        ("/explore/path.json", 400),
        ("/explore/path?from=管委会&to=没有这个机构", 404),
        ("/explore.json?entity=" + "长" * 201, 400),
    ],
)
def test_bad_input_is_a_clear_4xx(client, url, status):
    r = client.get(url)
    assert r.status_code == status
    text = r.get_json()["error"] if r.mimetype == "application/json" else r.get_data(as_text=True)
    assert any(word in text for word in ("找不到", "depth", "实体", "字符")), text


def test_path_between_workstation_and_committee_has_evidence_for_every_hop(client):
    data = as_json(client, "/explore/path.json?from=社区工作站&to=管委会")
    assert data["from"]["id"] == WORKSTATIONS and data["to"]["id"] == COMMITTEE
    assert data["paths"]
    for path in data["paths"]:
        assert path[0]["from"]["id"] == WORKSTATIONS and path[-1]["to"]["id"] == COMMITTEE
        assert all(a["to"]["id"] == b["from"]["id"] for a, b in itertools.pairwise(path))
        for hop in path:
            for relation in hop["relations"]:
                assert relation["inferred"] or all(
                    e["quote"] and e["url"].startswith("/doc/doc/") and "#s" in e["url"]
                    for e in relation["evidence"]
                )
                assert relation["inferred"] or relation["evidence"]


def test_path_page_shows_each_hop_with_its_sentence(client):
    html = client.get("/explore/path?from=社区工作站&to=管委会").get_data(as_text=True)
    assert "社区工作站作为社工委的服务窗口" in html
    assert 'href="/doc/doc/' in html and "原文第" in html


def test_entities_unrelated_by_any_chain_say_so(client):
    g = explore_graph(client)
    components = sorted(nx.connected_components(g.to_undirected()), key=len)
    lone, other = next(iter(components[0])), next(iter(components[-1]))
    data = as_json(client, "/explore/path.json", query_string={"from": lone, "to": other})
    assert data["paths"] == []


def explore_graph(client):
    with client.application.test_request_context("/"):
        return explore.relation_graph()


def test_the_relation_graph_is_cached_per_dataset_version(client):
    first, second = explore_graph(client), explore_graph(client)
    assert first is second
    version = client.application.extensions["sipkg"].version
    assert client.application.extensions["sipkg"].derived.values["explore.graph"][0] == version


def test_timeline_is_in_date_order_with_evidence(client):
    entries = as_json(client, "/timeline.json")["entries"]
    keys = [explore.date_parts(e["date"]) for e in entries]
    assert keys == sorted(keys) and len(entries) >= 10
    park = [e for e in entries if e["date"] == "1994-02"]
    assert park and park[0]["display"] == "1994年2月"
    assert all(e["evidence"] and e["evidence"][0]["url"] for e in entries)
    founding = [i for e in park for i in e["involves"]]
    assert any(i["node"]["id"] == f"{ID}place/suzhou-industrial-park" for i in founding)


def test_timeline_page_in_english(client):
    html = client.get("/timeline?lang=en").get_data(as_text=True)
    assert '<time datetime="1994-02" class="precision-month">February 1994</time>' in html
    assert '<html lang="en">' in html


@pytest.mark.parametrize(
    "value, lang, shown",
    [
        ("2012", "zh", "2012年"),
        ("2012-09", "zh", "2012年9月"),
        ("2012-09-05", "zh", "2012年9月5日"),
        ("2012", "en", "2012"),
        ("2012-09", "en", "September 2012"),
        ("2013-01-05", "en", "5 January 2013"),
        ("unknown", "en", "unknown"),
    ],
)
def test_dates_are_shown_at_their_precision(value, lang, shown):
    assert explore.show_date(value, lang) == shown


def test_statistics_charts_have_units(client):
    data = as_json(client, "/statistics.json?lang=en")
    assert data["charts"] and all(c["unit"]["label"]["text"] and c["bars"] for c in data["charts"])
    units = {c["unit"]["id"].rsplit("/", 1)[-1]: c for c in data["charts"]}
    assert {"cny", "percent", "square-metre"} <= set(units)
    gdp = next(
        b
        for b in units["cny"]["bars"]
        if b["indicator"] == "Gross domestic product" and b["value"] == 191e9
    )
    assert gdp["value"] == 191e9 and gdp["stated"] == "1910亿元"
    for indicator in data["indicators"]:
        assert indicator["unit"]["label"]["text"]
        assert all(o["evidence"] for o in indicator["observations"])


def test_statistics_page_draws_charts_from_its_json_twin(client):
    html = client.get("/statistics").get_data(as_text=True)
    assert 'data-src="/statistics.json?lang=zh"' in html and "/static/charts.js" in html
    assert html.index("/static/vendor/echarts/echarts.min.js") < html.index("/static/charts.js")
    assert "1910亿元" in html  # the table: as the source writes it


def test_practices_table_lists_adopters_with_evidence(client):
    practices = as_json(client, "/practices.json")["practices"]
    counts = [len(p["adopters"]) for p in practices]
    assert counts == sorted(counts, reverse=True)
    centre = next(p for p in practices if p["key"] == "neighbourhood-centre")
    adopter = next(
        a for a in centre["adopters"] if a["node"]["id"] == f"{ID}site/neighbourhood-centres"
    )
    assert adopter["evidence"] and all(e["quote"] for e in adopter["evidence"])
    html = client.get("/practices").get_data(as_text=True)
    assert 'id="neighbourhood-centre"' in html and "邻里中心" in html


def test_labels_follow_the_chosen_language(client):
    zh = as_json(client, "/explore.json?entity=管委会")["nodes"][0]["label"]
    en = as_json(client, "/explore.json?entity=管委会&lang=en")["nodes"][0]["label"]
    assert zh == {"text": "苏州工业园区管理委员会", "lang": "zh", "fallback": False}
    assert en["text"] == "Suzhou Industrial Park Administrative Committee" and en["lang"] == "en"


HOSTILE = '<script>alert("x")</script>'


@pytest.mark.parametrize(
    "url",
    [
        "/explore?entity=" + HOSTILE,
        "/explore/path?from=" + HOSTILE + "&to=管委会",
        "/explore/path?from=管委会&to=" + HOSTILE,
    ],
)
def test_what_the_user_typed_is_escaped(client, url):
    html = client.get(url).get_data(as_text=True)
    assert HOSTILE not in html and "&lt;script&gt;" in html


def test_data_in_pages_is_escaped(app):
    """A label or quote with markup in it (a hostile source) is printed as text."""
    hostile = {"text": HOSTILE, "lang": "zh", "fallback": False}
    node = {
        "id": "x",
        "kind": "org",
        "label": hostile,
        "class": hostile,
        "url": "/doc/org/x",
        "explore": "/explore",
    }
    entry = {
        "date": "2012",
        "precision": "year",
        "display": "2012年",
        "role": "date",
        "role_label": "",
        "entity": node,
        "involves": [{"relation": hostile, "node": node}],
        "evidence": [{"quote": HOSTILE, "url": "/doc/doc/k#s1", "sentence": "k/sentence/1"}],
    }
    with app.test_request_context("/timeline"):
        html = render_template(
            "explore/timeline.html", data={"entries": [entry]}, json_url="/timeline.json"
        )
    assert HOSTILE not in html and html.count("&lt;script&gt;") >= 4
