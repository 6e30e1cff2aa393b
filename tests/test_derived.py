"""What the pages derive from the graph is written by the build and read at request time without SPARQL;
long lists come a page at a time with their counts."""

from __future__ import annotations

import re

import pytest

from sipkg import derived, network
from sipkg.namespaces import ID
from sipkg.store import builds
from sipkg.web import browse, create_app, explore

PAGES = [
    "/explore",
    "/explore?entity=管委会",
    "/explore.json?entity=org/community-workstations&depth=2",
    "/timeline",
    "/timeline.json?lang=en",
    "/statistics",
    "/statistics.json?lang=en",
    "/practices",
    "/practices.json",
]


def sent_queries(app) -> list[str]:
    """Record every query the app's service runs from now on."""
    svc, sent = app.extensions["sipkg"], []
    execute = svc.execute

    def recording(query, **kw):
        sent.append(query)
        return execute(query, **kw)

    svc.execute = recording
    return sent


def test_the_build_writes_the_derived_data_beside_its_store(paths, report):
    info = builds.current(paths.store)
    assert (info.path / builds.DERIVED).is_file()
    assert builds.derived(paths.store, info.version) == info.path / builds.DERIVED
    assert builds.derived(paths.store, "no-such-version") is None
    assert derived.Derived(info.path / builds.DERIVED).version == info.version
    assert "derive" in report.seconds


@pytest.mark.parametrize("url", PAGES)
def test_a_cold_page_sends_no_sparql(app, url):
    sent = sent_queries(app)
    response = app.test_client().get(url)
    assert response.status_code == 200, url
    assert sent == []


@pytest.mark.parametrize("url", [*PAGES, "/", "/index.json"])
def test_pages_answer_with_the_sparql_path_broken(app, url):
    client = app.test_client()
    client.get("/")  # the home page's catalogue (names, sentences, search) is read once per version
    svc = app.extensions["sipkg"]

    def broken(query, **kw):
        raise AssertionError(f"a page queried the store at request time: {query[:200]}")

    svc.execute = broken
    assert client.get(url).status_code == 200, url


def test_the_home_page_once_warm_sends_no_sparql(app, select):
    client = app.test_client()
    client.get("/")
    sent = sent_queries(app)
    data = client.get("/index.json").get_json()
    assert sent == []
    connected = [(r["e"], int(r["facts"])) for r in select(derived.CONNECTED)]
    assert [(e["iri"], e["facts"]) for e in data["key_institutions"]] == connected
    assert len(connected) == 8 and data["headline_statistics"]


def test_without_a_derived_file_the_pages_derive_it_once_with_the_same_content(
    paths, app, monkeypatch, tmp_path
):
    """A store with no build of its version on disk (an external store pushed from another home):
    the data are derived from SPARQL once per version and kept beside the builds, same pages."""
    expected = {url: app.test_client().get(url).get_json() for url in PAGES if ".json" in url}
    other = create_app({"STORE": paths.store, "TESTING": True})
    svc = other.extensions["sipkg"]
    monkeypatch.setattr(svc, "root", tmp_path)
    try:
        for url, data in expected.items():  # a client each: ?lang= is remembered in a cookie
            assert other.test_client().get(url).get_json() == data, url
        assert (tmp_path / "derived" / f"{svc.version}.sqlite").is_file()
    finally:
        svc.close()


def test_stored_neighbourhoods_and_names_are_the_relation_graph_s(app, paths):
    with app.test_request_context("/"):
        whole = explore.relation_graph()
        stored = explore.derived()
    for text in (
        "管委会",
        "社区工作站",
        "org/community-workstations",
        "workstation",
        "nothing-like-it",
    ):
        assert stored.resolve(text) == network.resolve(whole, text), text
    centre = f"{ID}org/community-workstations"
    for depth in (1, 2, 3):
        expected = network.neighbourhood(whole, centre, depth)
        got = stored.neighbourhood(centre, depth)
        assert sorted(got) == sorted(expected)
        assert sorted(got.edges(keys=True)) == sorted(expected.edges(keys=True))
    assert stored.centrality() == network.centrality(whole)


@pytest.mark.parametrize(
    "url, key", [("/timeline.json", "entries"), ("/practices.json", "practices")]
)
def test_long_lists_come_a_page_at_a_time_with_counts(client, monkeypatch, url, key):
    whole = client.get(url).get_json()
    monkeypatch.setattr(explore, "PER_PAGE", 5)
    first = client.get(url + "?page=1").get_json()
    assert first["paging"]["per_page"] == 5 and first["paging"]["total"] > 5
    assert first["paging"]["total"] == whole["paging"]["total"]
    pages = [
        client.get(f"{url}?page={n}").get_json() for n in range(1, first["paging"]["pages"] + 1)
    ]
    if key == "entries":
        assert [e for p in pages for e in p[key]] == whole[key]
    else:
        rows = [
            (p["id"], a["node"]["id"]) for page in pages for p in page[key] for a in p["adopters"]
        ]
        assert rows == [(p["id"], a["node"]["id"]) for p in whole[key] for a in p["adopters"]]
        assert all(p["count"] >= len(p["adopters"]) for page in pages for p in page[key])
    past = client.get(f"{url}?page={first['paging']['pages'] + 1}").get_json()
    assert past[key] == [] and past["paging"]["total"] == whole["paging"]["total"]


def test_statistics_pages_hold_every_observation_once(client, monkeypatch):
    def observations(data):
        return [o["id"] for i in data["indicators"] for o in i["observations"]]

    whole = observations(client.get("/statistics.json").get_json())
    monkeypatch.setattr(explore, "PER_PAGE", 7)
    first = client.get("/statistics.json").get_json()
    pages = [
        client.get(f"/statistics.json?page={n}").get_json()
        for n in range(1, first["paging"]["pages"] + 1)
    ]
    assert sorted(o for p in pages for o in observations(p)) == sorted(whole)
    assert first["paging"]["total"] == len(whole) and len(observations(first)) == 7
    html = client.get("/statistics?page=2").get_data(as_text=True)
    assert 'data-src="/statistics.json?lang=zh&amp;page=2"' in html


def test_a_page_says_which_part_of_the_list_it_shows(client, monkeypatch):
    monkeypatch.setattr(explore, "PER_PAGE", 5)
    total = client.get("/timeline.json").get_json()["paging"]["total"]
    html = client.get("/timeline?page=2&lang=en").get_data(as_text=True)
    assert f"6–10 of {total}" in html
    assert 'rel="prev" href="/timeline?lang=en&amp;page=1"' in html
    assert 'rel="next" href="/timeline?lang=en&amp;page=3"' in html
    assert "第 6–10 项，共" in client.get("/timeline?page=2&lang=zh").get_data(as_text=True)


def test_an_entity_list_is_paged_with_n_of_m(client, monkeypatch):
    whole = client.get("/kind/org.json").get_json()  # the first page of 100: more than 20
    total = whole["paging"]["total"]
    monkeypatch.setattr(browse, "PER_PAGE", 10)
    second = client.get("/kind/org.json?page=2").get_json()
    assert second["paging"] == {
        "page": 2,
        "per_page": 10,
        "pages": -(-total // 10),
        "total": total,
        "first": 11,
        "last": 20,
    }
    assert second["entities"] == whole["entities"][10:20]
    html = client.get("/kind/org?page=2&lang=en").get_data(as_text=True)
    assert re.search(rf"11–20 of {total}\b", html)


def test_the_home_page_lists_some_programmes_and_links_them_all(client, monkeypatch):
    every = client.get("/index.json").get_json()
    monkeypatch.setattr(browse, "HOME_SHOWN", 2)
    data = client.get("/index.json").get_json()
    assert data["programmes"] == every["programmes"][:2]
    listed = client.get("/kind/programme.json").get_json()["paging"]["total"]
    assert data["programmes_count"] == every["programmes_count"] == listed > 2
    assert 'href="/kind/programme"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "url", ["/timeline?page=0", "/statistics?page=x", "/practices.json?page=-1", "/kind/org?page=0"]
)
def test_a_page_number_that_is_not_one_is_a_400(client, url):
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("path", ["/timeline", "/statistics", "/practices", "/kind/org"])
@pytest.mark.parametrize("page", ["46117000000000000", "0", "²", "-1", "1.5"])
def test_a_page_number_out_of_range_or_not_a_number_is_a_400(client, path, page):
    r = client.get(path, query_string={"page": page})
    assert r.status_code == 400 and "999999999" in r.get_data(as_text=True)
