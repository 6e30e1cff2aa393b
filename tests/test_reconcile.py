"""/reconcile: the W3C Reconciliation Service API 0.2 with the request shapes OpenRefine sends."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest

from sipkg import reconcile as rc
from sipkg.search import Index, Name
from sipkg.web import create_app

ID = "https://data.sipac.gov.cn/id/"
SIP = "https://data.sipac.gov.cn/def/sip#"
ORG = "http://www.w3.org/ns/org#"


# ---------------------------------------------------------------- pure scoring


@pytest.mark.parametrize(
    "query, name, is_label, search_score, expected",
    [
        ("社工委", "社工委", False, 100, (95.0, True)),  # exact alias
        ("苏州工业园区", "苏州工业园区", True, 102, (100.0, True)),  # exact label
        ("蘇州工業園區", "苏州工业园区", True, 102, (100.0, True)),  # traditional script folds
        (
            "suzhou industrial park",
            "Suzhou Industrial Park",
            True,
            102,
            (100.0, True),
        ),  # case folds
        ("suzhou gongye yuanqu", "苏州工业园区", True, 92, (90.0, False)),  # pinyin
        ("sū zhōu gōng yè yuán qū", "苏州工业园区", True, 92, (90.0, False)),  # pinyin with tones
        ("sgw", "社工委", False, 80, (78.0, False)),  # initials of an alias
        ("社区", "社区工作站", False, 78, (58.5, False)),  # fragment
        ("工业园区", "苏州工业园区管理委员会", True, 67, (50.2, False)),
    ],
)
def test_name_score(query, name, is_label, search_score, expected):
    assert rc.name_score(query, name, is_label, search_score) == expected


def test_name_scores_rank_label_alias_pinyin_fragment():
    label = rc.name_score("园区", "园区", True, 102)[0]
    alias = rc.name_score("园区", "园区", False, 100)[0]
    pinyin = rc.name_score("yuanqu", "园区", True, 92)[0]
    initials = rc.name_score("yq", "园区", True, 82)[0]
    fragment = rc.name_score("园", "园区", True, 92)[0]
    assert label > alias > pinyin > initials > fragment


@pytest.fixture(scope="module")
def known() -> rc.Known:
    names = [
        Name(ID + "org/cwc", "苏州工业园区社区工作委员会", "zh-hans"),
        Name(ID + "org/cwc", "社工委", "zh-hans", True),
        Name(ID + "org/ws", "苏州工业园区社区工作站", "zh-hans"),
        Name(ID + "org/ws", "社区工作站", "zh-hans", True),
        Name(ID + "org/rc", "苏州工业园区社区居民委员会", "zh-hans"),
        Name(ID + "place/park", "苏州工业园区", "zh-hans"),
        Name(ID + "place/park", "Suzhou Industrial Park", "en"),
    ]
    labels: dict = {}
    aliases: dict = {}
    for n in names:
        (aliases if n.alias else labels).setdefault(n.iri, []).append((n.text, n.lang))
    org = frozenset({SIP + "Organisation", ORG + "Organization"})
    types = {
        ID + "org/cwc": org | {SIP + "CommunityWorkCommittee"},
        ID + "org/ws": org | {SIP + "CommunityWorkstation"},
        ID + "org/rc": org,
        ID + "place/park": frozenset({SIP + "Place"}),
    }
    facts = {
        ID + "org/ws": {SIP + "serviceWindowOf": [rc.Value(ID + "org/cwc", is_iri=True)]},
        ID + "org/cwc": {ORG + "linkedTo": [rc.Value(ID + "org/ws", is_iri=True)]},
        ID + "place/park": {
            SIP + "area": [rc.Value("278", datatype="http://www.w3.org/2001/XMLSchema#decimal")],
            "founded": [
                rc.Value("1994-02", datatype="http://www.w3.org/2001/XMLSchema#gYearMonth")
            ],
        },
    }
    return rc.Known(
        Index(names, []),
        labels,
        aliases,
        types,
        facts,
        ID,
        {"org": ORG, "sip": SIP},
        SIP,
        frozenset({"founded"}),
    )


@pytest.mark.parametrize(
    "wanted, value, expected",
    [
        ("社工委", rc.Value(ID + "org/cwc", is_iri=True), True),  # by alias
        ("苏州工业园区社区工作委员会", rc.Value(ID + "org/cwc", is_iri=True), True),  # by label
        ("org/cwc", rc.Value(ID + "org/cwc", is_iri=True), True),  # by id
        (ID + "org/cwc", rc.Value(ID + "org/cwc", is_iri=True), True),  # by IRI
        (
            {"id": "org/cwc", "name": "whatever"},
            rc.Value(ID + "org/cwc", is_iri=True),
            True,
        ),  # a reconciled cell
        ("社区工作站", rc.Value(ID + "org/cwc", is_iri=True), False),
        (278, rc.Value("278.0", datatype="http://www.w3.org/2001/XMLSchema#decimal"), True),
        (279, rc.Value("278", datatype="http://www.w3.org/2001/XMLSchema#decimal"), False),
        ("1994", rc.Value("1994-02", datatype="http://www.w3.org/2001/XMLSchema#gYearMonth"), True),
        (
            "1995",
            rc.Value("1994-02", datatype="http://www.w3.org/2001/XMLSchema#gYearMonth"),
            False,
        ),
    ],
)
def test_value_matches(known, wanted, value, expected):
    assert rc.value_matches(wanted, value, known) is expected


def test_type_constraint_is_subclass_aware_and_excludes(known):
    as_org = rc.reconcile(
        rc.parse_query({"query": "社工委", "type": "org:Organization"}, known), known
    )
    assert [c.iri for c in as_org] == [ID + "org/cwc"]
    assert rc.reconcile(rc.parse_query({"query": "社工委", "type": "Place"}, known), known) == []
    softly = rc.reconcile(
        rc.parse_query({"query": "社工委", "type": "Place", "type_strict": "should"}, known), known
    )
    assert softly and softly[0].score < 95


def test_property_constraint_reranks_candidates(known):
    plain = rc.reconcile(rc.parse_query({"query": "社区"}, known), known)
    assert plain[0].iri == ID + "org/ws"
    constrained = rc.reconcile(
        rc.parse_query(
            {"query": "社区", "properties": [{"pid": "org:linkedTo", "v": "社区工作站"}]}, known
        ),
        known,
    )
    assert constrained[0].iri == ID + "org/cwc"
    assert {"id": "property:org:linkedTo", "value": 100} in constrained[0].features


def test_match_needs_exact_name_and_a_clear_lead(known):
    assert rc.reconcile(rc.parse_query({"query": "社工委"}, known), known)[0].match
    assert not rc.reconcile(rc.parse_query({"query": "shegongwei"}, known), known)[0].match
    disagreeing = rc.parse_query(
        {"query": "社工委", "properties": [{"pid": "serviceWindowOf", "v": "x"}]}, known
    )
    assert not rc.reconcile(disagreeing, known)[0].match


def test_properties_alone_find_entities(known):
    found = rc.reconcile(
        rc.parse_query({"properties": [{"pid": "founded", "v": "1994"}]}, known), known
    )
    assert [c.iri for c in found] == [ID + "place/park"]


@pytest.mark.parametrize(
    "query, message",
    [
        ([], "must be a JSON object"),
        ({"query": 3}, "query must be a string"),
        ({"query": "x", "limit": 0}, "limit must be a positive"),
        ({"query": "x", "limit": "3"}, "limit must be a positive"),
        ({"query": "x", "type": 5}, "type must be"),
        ({"query": "x", "type": "Nope"}, "unknown type"),
        ({"query": "x", "type_strict": "maybe"}, "type_strict must be"),
        ({"query": "x", "properties": [{"pid": "serviceWindowOf"}]}, "each property is"),
        ({"query": "x", "properties": [{"pid": "nope", "v": "y"}]}, "unknown property"),
        ({"query": "x", "colour": "red"}, "unknown field"),
        ({"query": "  "}, "non-empty query"),
    ],
)
def test_bad_queries_say_what_is_wrong(known, query, message):
    with pytest.raises(rc.BadQuery, match=message):
        rc.parse_query(query, known)


# ---------------------------------------------------------------- over HTTP, as OpenRefine asks


@pytest.fixture(scope="module")
def client(paths):
    app = create_app({"STORE": paths.store, "TESTING": True})
    yield app.test_client()
    app.extensions["sipkg"].close()


def post_queries(client, queries: dict):
    """What OpenRefine sends: a form-encoded POST with the batch as JSON in `queries`."""
    return client.post("/reconcile", data={"queries": json.dumps(queries, ensure_ascii=False)})


def test_manifest(client):
    m = client.get("/reconcile").get_json()
    assert "0.2" in m["versions"]
    assert m["identifierSpace"] == ID and m["schemaSpace"] == SIP
    assert "{{id}}" in m["view"]["url"] and "{{id}}" in m["preview"]["url"]
    assert {"id": "Organisation", "name": "组织机构 / Organisation"} in m["defaultTypes"]
    assert m["suggest"]["entity"]["service_path"] == "/reconcile/suggest/entity"
    assert m["extend"]["propose_properties"]["service_path"] == "/reconcile/propose_properties"
    assert m["batchSize"] > 0


def test_manifest_jsonp(client):
    r = client.get("/reconcile?callback=jsonp_123")
    assert r.mimetype == "application/javascript"
    body = r.get_data(as_text=True)
    assert body.startswith("/**/jsonp_123(") and body.endswith(");")
    assert json.loads(body[len("/**/jsonp_123(") : -2])["identifierSpace"] == ID


@pytest.mark.parametrize("callback", ["alert(1)", "a;b", "<script>", "", "x" * 200])
def test_jsonp_callback_is_checked(client, callback):
    r = client.get("/reconcile", query_string={"callback": callback})
    assert r.status_code == 400 and "callback" in r.get_json()["error"]


def test_post_shegongwei_matches_the_community_work_committee(client):
    r = post_queries(client, {"q0": {"query": "社工委", "limit": 3}})
    top = r.get_json()["q0"]["result"][0]
    assert top["id"] == "org/community-work-committees" and top["match"] is True
    assert top["name"] == "苏州工业园区社区工作委员会"
    assert {
        "id": "CommunityWorkCommittee",
        "name": "社区工作委员会 / Community work committee",
    } in top["type"]


def test_get_english_name_matches_the_park(client):
    batch = json.dumps({"q0": {"query": "Suzhou Industrial Park"}})
    r = client.get("/reconcile", query_string={"queries": batch})
    result = r.get_json()["q0"]["result"]
    assert result[0]["id"] == "place/suzhou-industrial-park" and result[0]["match"] is True
    assert result[0]["name"] == "Suzhou Industrial Park"
    assert not any(c["match"] for c in result[1:])
    assert [c["score"] for c in result] == sorted((c["score"] for c in result), reverse=True)


@pytest.mark.parametrize(
    "query", ["蘇州工業園區", "suzhou gongye yuanqu", "Sūzhōu Gōngyè Yuánqū", "苏州工业园区"]
)
def test_other_writings_find_the_park(client, query):
    result = post_queries(client, {"q": {"query": query}}).get_json()["q"]["result"]
    assert result[0]["id"] == "place/suzhou-industrial-park"


def test_type_constraint_excludes_and_follows_subclasses(client):
    r = post_queries(
        client,
        {
            "place": {"query": "社工委", "type": "Place"},
            "org": {"query": "社工委", "type": ["org:Organization"], "type_strict": "any"},
            "iri": {"query": "社工委", "type": ORG + "Organization"},
        },
    ).get_json()
    assert r["place"]["result"] == []
    assert r["org"]["result"][0]["id"] == "org/community-work-committees"
    assert r["iri"]["result"][0]["id"] == "org/community-work-committees"


def test_property_constraint_reranks_over_http(client):
    plain = post_queries(client, {"q": {"query": "社区"}}).get_json()["q"]["result"]
    assert plain[0]["id"] != "org/community-workstations"
    for v in (
        "社工委",
        "org/community-work-committees",
        ID + "org/community-work-committees",
        {"id": "org/community-work-committees", "name": "社工委"},
    ):
        batch = {"q": {"query": "社区", "properties": [{"pid": "sip:serviceWindowOf", "v": v}]}}
        result = post_queries(client, batch).get_json()["q"]["result"]
        assert result[0]["id"] == "org/community-workstations", v
        assert result[0]["score"] > result[1]["score"] + 10


def test_superproperty_constraint_uses_inferred_links(client):
    batch = {"q": {"query": "社区工作站", "properties": [{"pid": "org:linkedTo", "v": "社工委"}]}}
    top = post_queries(client, batch).get_json()["q"]["result"][0]
    assert top["id"] == "org/community-workstations" and top["match"] is True


def test_an_entity_id_as_query_finds_it(client):
    top = post_queries(client, {"q": {"query": "org/community-workstations"}}).get_json()["q"][
        "result"
    ][0]
    assert top["id"] == "org/community-workstations" and top["score"] == 100


def test_suggest_entity_with_chinese_prefix(client):
    r = client.get("/reconcile/suggest/entity", query_string={"prefix": "社区工"}).get_json()
    ids = [s["id"] for s in r["result"]]
    assert "org/community-workstations" in ids and "org/community-work-committees" in ids
    assert all(s["name"] for s in r["result"])


@pytest.mark.parametrize(
    "prefix, expected",
    [
        ("shegong", "org/community-work-committees"),
        ("Suzhou Indus", "place/suzhou-industrial-park"),
        ("管委", "org/sip-administrative-committee"),
    ],
)
def test_suggest_entity_by_pinyin_and_english(client, prefix, expected):
    r = client.get("/reconcile/suggest/entity", query_string={"prefix": prefix}).get_json()
    assert expected in [s["id"] for s in r["result"]]


def test_suggest_type_and_property(client):
    types = client.get("/reconcile/suggest/type", query_string={"prefix": "组织"}).get_json()[
        "result"
    ]
    assert "org:Organization" in [t["id"] for t in types] and "Organisation" in [
        t["id"] for t in types
    ]
    props = client.get("/reconcile/suggest/property", query_string={"prefix": "上级"}).get_json()[
        "result"
    ]
    assert props[0]["id"] == "org:subOrganizationOf"


def test_suggest_needs_a_prefix(client):
    r = client.get("/reconcile/suggest/entity")
    assert r.status_code == 400 and "prefix" in r.get_json()["error"]
    assert client.get("/reconcile/suggest/type?prefix=x&cursor=-1").status_code == 400


def test_preview_is_a_small_card(client):
    r = client.get("/reconcile/preview", query_string={"id": "place/suzhou-industrial-park"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert "苏州工业园区" in html and "Suzhou Industrial Park" in html and "1994-02" in html
    assert 'href="/doc/place/suzhou-industrial-park"' in html
    assert (
        "<script" not in html and "http" not in html.split("</style>")[1]
    )  # nothing loaded from elsewhere
    assert "frame-ancestors *" in r.headers["Content-Security-Policy"]


def test_preview_escapes(client):
    r = client.get("/reconcile/preview", query_string={"id": "<script>alert(1)</script>"})
    html = r.get_data(as_text=True)
    assert r.status_code == 404
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_propose_properties_for_organisations(client):
    r = client.get(
        "/reconcile/propose_properties", query_string={"type": "Organisation", "limit": 5}
    ).get_json()
    assert r["type"] == "Organisation" and len(r["properties"]) == 5
    assert {"id": "org:subOrganizationOf", "name": "上级组织 / parent organisation"} in r[
        "properties"
    ]
    assert client.get("/reconcile/propose_properties?type=Nope").status_code == 400


def test_extend_returns_parent_organisation(client):
    query = {
        "ids": ["org/sip-social-management-bureau", "place/suzhou-industrial-park"],
        "properties": [{"id": "org:subOrganizationOf"}, {"id": "name_en"}, {"id": "founded"}],
    }
    r = client.post("/reconcile", data={"extend": json.dumps(query)}).get_json()
    assert [m["id"] for m in r["meta"]] == ["org:subOrganizationOf", "name_en", "founded"]
    bureau = r["rows"]["org/sip-social-management-bureau"]
    assert {"id": "org/sip-administrative-committee", "name": "苏州工业园区管理委员会"} in bureau[
        "org:subOrganizationOf"
    ]
    assert bureau["name_en"] == [{"str": "SIP Social Management Bureau"}]
    assert {"str": "1994-02"} in r["rows"]["place/suzhou-industrial-park"]["founded"]


def test_extend_by_get_with_a_value_limit(client):
    query = {
        "ids": ["org/sip-social-management-bureau"],
        "properties": [{"id": "org:subOrganizationOf", "settings": {"limit": 1}}],
    }
    r = client.get("/reconcile", query_string={"extend": json.dumps(query)}).get_json()
    assert len(r["rows"]["org/sip-social-management-bureau"]["org:subOrganizationOf"]) == 1


@pytest.mark.parametrize(
    "data, status, message",
    [
        ({"queries": "{not json"}, 400, "not valid JSON"),
        ({"queries": "[1, 2]"}, 400, "JSON object"),
        ({"queries": '{"q0": "社工委"}'}, 400, "must be a JSON object"),
        ({"queries": '{"q0": {"query": "x", "limit": -1}}'}, 400, "limit"),
        ({"queries": json.dumps({f"q{i}": {"query": "x"} for i in range(51)})}, 413, "at most 50"),
        ({"queries": "{}", "extend": "{}"}, 400, "not both"),
        ({"extend": '{"ids": "org/x"}'}, 400, "extend must be"),
        ({"extend": '{"ids": ["org/x"], "properties": [{"id": "nope"}]}'}, 400, "unknown property"),
        ({"extend": json.dumps({"ids": ["x"] * 501, "properties": []})}, 413, "at most 500"),
        ({}, 400, "queries="),
    ],
)
def test_malformed_requests_are_refused_clearly(client, data, status, message):
    r = client.post("/reconcile", data=data)
    assert r.status_code == status and r.is_json
    assert message in r.get_json()["error"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight(client):
    r = client.options(
        "/reconcile",
        headers={"Origin": "http://127.0.0.1:3333", "Access-Control-Request-Method": "POST"},
    )
    assert r.status_code == 204
    assert (
        r.headers["Access-Control-Allow-Origin"] == "*"
        and "POST" in r.headers["Access-Control-Allow-Methods"]
    )


def test_live_server_reconciles_like_openrefine(live_server):
    body = urllib.parse.urlencode({"queries": json.dumps({"q0": {"query": "社工委"}})}).encode()
    request = urllib.request.Request(
        live_server + "/reconcile",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        top = json.load(response)["q0"]["result"][0]
    assert top["id"] == "org/community-work-committees" and top["match"] is True
    with urllib.request.urlopen(live_server + "/reconcile", timeout=30) as response:
        assert json.load(response)["view"]["url"] == live_server + "/id/{{id}}"


# ---------------------------------------------------------------- names people type


@pytest.mark.parametrize(
    "query, expected",
    [
        ("苏州工业园区管委会", "org/sip-administrative-committee"),
        ("SIP Administrative Committee", "org/sip-administrative-committee"),
        ("Administrative Committee of Suzhou Industrial Park", "org/sip-administrative-committee"),
        ("Suzhou Industrial Park Social Management Bureau", "org/sip-social-management-bureau"),
        ("GDP", ID.replace("/id/", "/def/") + "indicator/gdp"),
        ("地区生产总值", ID.replace("/id/", "/def/") + "indicator/gdp"),
    ],
)
def test_names_people_type_reconcile_with_a_match(client, query, expected):
    result = post_queries(client, {"q": {"query": query}}).get_json()["q"]["result"]
    assert result[0]["id"] == expected and result[0]["match"] is True
    assert not any(c["match"] for c in result[1:])


def test_a_unique_english_fragment_scores_high_without_a_match(client):
    result = post_queries(client, {"q": {"query": "Administrative Committee"}}).get_json()["q"]
    top = result["result"][0]
    assert top["id"] == "org/sip-administrative-committee"
    assert top["score"] == rc.PARTIAL_SCORE and top["match"] is False
